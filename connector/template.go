package connector

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/authtrace/authtrace/decode"
)

// placeholderRE matches a template's {Name}: single braces around a name
// (a connection parameter may be written {token:TenantId}). JSON or other
// brace text with quotes or spaces in it is no placeholder.
var placeholderRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_.:\-]*)\}`)

// Built-in placeholders, lower case: what the platform fills itself.
var builtins = []string{"clientid", "clientsecret", "redirecturl", "state", "scopes", "scope", "code", "refreshtoken"}

func isBuiltin(name string) bool { return slices.Contains(builtins, strings.ToLower(name)) }

// Fill are the values the platform fills placeholders with at run time.
type Fill struct {
	// ClientID, when set, stands for the connector's clientId (a
	// --client-id given for the run).
	ClientID                                             string
	ClientSecret, RedirectURL, State, Code, RefreshToken string
	// Params are connection parameter values by name, case-insensitive;
	// "token:X" and "X" name the same one.
	Params map[string]string
	// Sample is for showing a request rather than sending it (connector
	// check): a built-in value Fill lacks, and a missing connection
	// parameter, appear as {Name} unescaped, where the platform would send
	// them empty or literally.
	Sample bool
}

// context says how a value goes into a template.
type context int

const (
	// inQuery: a query string or form body; values are query-escaped,
	// as the platform does (a space as +).
	inQuery context = iota
	// inURL: the scheme, host and path of an URL template. A value goes
	// in as written, so that it may be a host ("contoso.example.com"),
	// a host and port, or, when the placeholder starts the template, a
	// whole base URL ("https://contoso.example.com/api"). What would
	// move it elsewhere in the URL is percent-encoded: # and ? (a value
	// ending the path would cut off the query the platform appends), @
	// (a value before it becomes a user name, the text after it the
	// host), / unless the placeholder starts the template, and the
	// characters no URL may hold (space, controls, quotes, <>\^`{|},
	// non-ASCII). The result must still be an http(s) URL, and when a
	// value made the host, a plain host[:port] (hostProblem).
	inURL
	// inSegment: one path segment (aad's tenantId): / is encoded too.
	inSegment
	// inValue: one value that goes into a query or form as a whole and
	// is escaped there (aad's resourceUri): a value goes in as written.
	inValue
)

// expander fills one connector's templates. It expands in one pass: a
// value that itself holds braces is not expanded again, so a parameter
// whose value is "{State}" cannot loop or smuggle a second expansion.
type expander struct {
	o       *OAuth
	c       *Connector
	f       Fill
	missing []string
	// problems are URL templates that expanded to a bad host.
	problems []string
}

func (e *expander) expand(tmpl string, ctx context) string {
	var b strings.Builder
	last := 0
	for _, m := range placeholderRE.FindAllStringIndex(tmpl, -1) {
		b.WriteString(tmpl[last:m[0]])
		b.WriteString(e.fill(tmpl[m[0]:m[1]], ctx, m[0] == 0))
		last = m[1]
	}
	b.WriteString(tmpl[last:])
	return b.String()
}

// fill is one placeholder m's text in a template; first says it starts
// the template.
func (e *expander) fill(m string, ctx context, first bool) string {
	name := m[1 : len(m)-1]
	v, known := e.value(name)
	switch {
	case !known && ctx == inValue:
		return m // escaped with the rest of the value
	case !known:
		// The platform sends what it cannot fill literally; the
		// braces are encoded on the way (client_secret=%7BClientSecret%7D).
		return url.QueryEscape(m)
	case v == "" && e.f.Sample:
		return m
	case ctx == inValue:
		return v
	case ctx == inURL:
		return urlEscape(v, first)
	case ctx == inSegment:
		return urlEscape(v, false)
	}
	return url.QueryEscape(v)
}

// value resolves a placeholder: a built-in, or a connection parameter.
// known is false for what the platform cannot fill (an unknown name, a
// connection parameter without a value), which is then sent literally.
func (e *expander) value(name string) (v string, known bool) {
	switch strings.ToLower(name) {
	case "clientid":
		if e.f.ClientID != "" {
			return e.f.ClientID, true
		}
		return e.o.ClientID, true
	case "clientsecret":
		return e.f.ClientSecret, true
	case "redirecturl":
		return e.f.RedirectURL, true
	case "state":
		return e.f.State, true
	case "scopes", "scope":
		return e.o.Scope(), true
	case "code":
		return e.f.Code, true
	case "refreshtoken":
		return e.f.RefreshToken, true
	}
	p, ok := e.c.param(name)
	if !ok {
		return "", false
	}
	if v, ok := lookupParam(e.f.Params, p.Name); ok {
		return v, true
	}
	if !slices.Contains(e.missing, p.Name) {
		e.missing = append(e.missing, p.Name)
	}
	return "", e.f.Sample
}

// param finds the connection parameter a placeholder names: {X} is the
// parameter "X" or "token:X", in any casing.
func (c *Connector) param(name string) (Param, bool) {
	want := strings.ToLower(strings.TrimPrefix(strings.ToLower(name), "token:"))
	for _, p := range c.Params {
		if strings.ToLower(strings.TrimPrefix(strings.ToLower(p.Name), "token:")) == want {
			return p, true
		}
	}
	return Param{}, false
}

// lookupParam finds a connection parameter's value in m by its name as
// written, in any casing, with or without the "token:" prefix.
func lookupParam(m map[string]string, name string) (string, bool) {
	if v, ok := m[name]; ok {
		return v, true
	}
	bare := strings.TrimPrefix(strings.ToLower(name), "token:")
	for k, v := range m {
		if strings.TrimPrefix(strings.ToLower(k), "token:") == bare {
			return v, true
		}
	}
	return "", false
}

// urlEscape percent-encodes the bytes no URL may hold as they are, and
// those that would move a value to another part of the URL: # ? @, and /
// unless the value is a whole base URL (whole).
func urlEscape(v string, whole bool) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"<>\\^`{|}#?@", c) >= 0 || c == '/' && !whole {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// hostTemplated says whether a placeholder makes (part of) an URL
// template's host: it starts the template, or is in its authority.
func hostTemplated(tmpl string) bool {
	if m := placeholderRE.FindStringIndex(tmpl); m != nil && m[0] == 0 {
		return true
	}
	_, rest, ok := strings.Cut(tmpl, "://")
	if !ok {
		return false
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	return placeholderRE.MatchString(rest)
}

// plainHost is a host name or IP address, and a port.
var plainHost = regexp.MustCompile(`^(?:[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?\.?(?::[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?$`)

// hostProblem says what is wrong with the host of raw, an URL template's
// expansion whose host a connection parameter made, or "".
func hostProblem(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "" // not an URL at all: urlProblem says so, as for no host
	}
	authority := rest
	if i := strings.IndexAny(authority, "/?#"); i >= 0 {
		authority = authority[:i]
	}
	if authority != "" && !plainHost.MatchString(authority) {
		return fmt.Sprintf("its host %q is no plain host[:port]", authority)
	}
	return ""
}

// urlProblem says what is wrong with an expanded endpoint, or "".
func urlProblem(raw string) string {
	u, err := decode.ParseHTTPURL(raw)
	var ue *decode.URLError
	if errors.As(err, &ue) {
		switch ue.Problem {
		case decode.URLMissing:
			return "it is empty"
		case decode.URLNoScheme, decode.URLNotHTTP:
			return "it is not an http(s) URL"
		case decode.URLUnparsable:
			return "it does not parse as an URL: " + ue.Err.Error()
		}
		return "it has no host"
	} else if err != nil {
		return err.Error()
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return "it has a fragment (#...): what follows # never reaches the provider"
	}
	return ""
}

// Placeholders lists a template's placeholder names in order, each once.
func Placeholders(tmpl string) []string {
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(tmpl, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// Scope is the scope the platform sends: the scopes joined with the
// scopeListDelimiter (oauth2generic; a space otherwise and by default).
func (o *OAuth) Scope() string {
	sep := " "
	if o.Provider == ProviderOAuth2Generic {
		if d, _, ok := o.custom("scopeListDelimiter"); ok && d != "" {
			sep = d
		}
	}
	return strings.Join(o.Scopes, sep)
}
