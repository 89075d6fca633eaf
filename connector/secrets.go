package connector

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
)

// secretNames are the query, form and JSON names whose value is a
// credential: one written into a template is a secret in the file.
var secretNames = []string{"client_secret", "client_assertion", "password"}

func isSecretName(name string) bool { return slices.Contains(secretNames, strings.ToLower(name)) }

// literal is a secret written in the file, and where.
type literal struct {
	Key, Path string // the customParameters key (as written) and its JSON path; "" for clientSecret
	Name      string // client_secret, password, or "userinfo" for a URL's user:password@
	Value     string
}

// LiteralSecrets are the secrets o's settings write in the file: its
// clientSecret, and every client_secret-like value written literally
// (not a {Placeholder}) in any template, URL, query or body of its
// customParameters, as written and unescaped, and the password of a URL's
// user:password@. Whatever shows o's settings or requests hides these.
func (o *OAuth) LiteralSecrets() []string {
	var out []string
	add := func(v string) {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	if strings.TrimSpace(o.ClientSecret) != "" {
		add(o.ClientSecret)
		add(strings.TrimSpace(o.ClientSecret))
	}
	for _, l := range o.literals() {
		add(l.Value)
		if u, err := url.QueryUnescape(l.Value); err == nil {
			add(u)
		}
		if u, err := url.PathUnescape(l.Value); err == nil {
			add(u)
		}
	}
	return out
}

// literals are the secrets written in o's customParameters: the
// templates the provider uses first, in their order, then the other keys
// (a setting for another provider, a typo) in sorted order, since a secret
// is one wherever it is written.
func (o *OAuth) literals() []literal {
	var keys []string
	for _, t := range o.templates() {
		if !t.Default {
			keys = append(keys, strings.ToLower(t.Key))
		}
	}
	var rest []string
	for k := range o.Custom {
		if !slices.Contains(keys, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	var out []literal
	for _, k := range append(keys, rest...) {
		v, ok := o.Custom[k]
		if !ok {
			continue
		}
		written := o.WrittenKey(k)
		for _, nv := range secretsIn(v) {
			out = append(out, literal{Key: written, Path: o.customPath(written), Name: nv[0], Value: nv[1]})
		}
	}
	return out
}

// secretsIn finds the secret-named values written literally in one
// template: name=value pairs of its query or form body, members of a JSON
// body, and a URL's user:password@.
func secretsIn(tmpl string) [][2]string {
	var out [][2]string
	keep := func(name, v string) {
		if v != "" && !isPlaceholderValue(v) {
			out = append(out, [2]string{name, v})
		}
	}
	if t := strings.TrimSpace(tmpl); strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") && !isPlaceholderValue(t) {
		var m map[string]any
		if json.Unmarshal([]byte(t), &m) == nil {
			for name, v := range m {
				if s, ok := v.(string); ok && isSecretName(name) {
					keep(strings.ToLower(name), s)
				}
			}
			return out
		}
	}
	if _, rest, ok := strings.Cut(tmpl, "://"); ok {
		authority := rest
		if i := strings.IndexAny(authority, "/?#"); i >= 0 {
			authority = authority[:i]
		}
		if userinfo, _, ok := strings.Cut(authority, "@"); ok {
			if _, password, ok := strings.Cut(userinfo, ":"); ok {
				keep("userinfo", password)
			}
		}
	}
	for _, kv := range pairs(tmpl) {
		if name, err := url.QueryUnescape(kv[0]); err == nil && isSecretName(name) {
			keep(strings.ToLower(name), kv[1])
		}
	}
	return out
}

// isPlaceholderValue says whether v is one whole {Placeholder}, as
// written or percent-encoded (%7BClientSecret%7D, what the platform sends
// when it fills in nothing): a name, not a secret.
func isPlaceholderValue(v string) bool {
	if u, err := url.QueryUnescape(v); err == nil {
		v = u
	}
	m := placeholderRE.FindStringIndex(v)
	return m != nil && m[0] == 0 && m[1] == len(v)
}
