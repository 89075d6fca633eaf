package report

import (
	"maps"
	"net/url"
	"regexp"
	"strings"
)

// Redacted stands in for a secret in reports written without --reveal.
const Redacted = "<redacted>"

// secretFields are the form, query and response fields whose values are
// never shown unless --reveal is given.
var secretFields = map[string]bool{
	"client_secret":    true,
	"code":             true,
	"code_verifier":    true,
	"refresh_token":    true,
	"access_token":     true,
	"id_token":         true,
	"client_assertion": true,
	"password":         true,
}

// Redact returns a copy of r with every secret replaced: the client secret,
// codes, code verifiers, refresh tokens, Authorization headers, and token
// signatures (a JWT keeps its header and claims, which are what a person
// debugging needs; an opaque token is hidden whole). Fields are redacted
// by name first; then every secret value the report holds (SecretsOf) is
// hidden wherever else it stands, in any field, as a server may echo it.
// Every output of a report goes through it.
func (r Report) Redact() Report {
	return Scrub(SecretsOf(r), r.redactFields())
}

// redactFields is Redact by field name alone.
func (r Report) redactFields() Report {
	out := r
	out.Profile.Params = redactMap(r.Profile.Params)
	if out.Profile.ClientSecret != "" {
		out.Profile.ClientSecret = Redacted
	}
	if out.Profile.CodeVerifier != "" {
		out.Profile.CodeVerifier = Redacted
	}
	for _, u := range []*string{&out.Profile.Issuer, &out.Profile.AuthorizeURL, &out.Profile.TokenURL, &out.Profile.RefreshURL, &out.Profile.JWKSURL} {
		*u = RedactURL(*u)
	}
	out.Hops = make([]Hop, len(r.Hops))
	for i, h := range r.Hops {
		out.Hops[i] = h.Redact()
	}
	if r.Exchange != nil {
		ex := *r.Exchange
		ex.Step = ex.Step.Redact()
		ex.Attempts = nil
		for _, s := range r.Exchange.Attempts {
			ex.Attempts = append(ex.Attempts, s.Redact())
		}
		out.Exchange = &ex
	}
	if r.Refresh != nil {
		rf := *r.Refresh
		rf.Step = rf.Step.Redact()
		out.Refresh = &rf
	}
	out.Tokens = nil
	for _, t := range r.Tokens {
		out.Tokens = append(out.Tokens, t.Redact())
	}
	// An empty list stays a list: scripts run jq '.findings[]' on it.
	out.Findings = make([]Finding, len(r.Findings))
	for i, f := range r.Findings {
		out.Findings[i] = f.Redact()
	}
	out.Error = RedactText(r.Error)
	return out
}

// Redact returns the hop with the code and tokens in its URLs and params
// hidden.
func (h Hop) Redact() Hop {
	h.URL = RedactURL(h.URL)
	h.Location = RedactURL(h.Location)
	h.Params = redactMap(h.Params)
	h.Error = RedactText(h.Error)
	h.Page = RedactText(h.Page)
	return h
}

// Redact returns the finding with any secret its text quotes (a URL with a
// code in an error message, say) hidden.
func (f Finding) Redact() Finding {
	f.Message = RedactText(f.Message)
	f.Hint = RedactText(f.Hint)
	if len(f.Detail) > 0 {
		d := make(map[string]string, len(f.Detail))
		for k, v := range f.Detail {
			d[k] = RedactText(v)
		}
		f.Detail = d
	}
	return f
}

// Redact returns the token with its signature (or, if opaque, all of it)
// hidden.
func (t Token) Redact() Token {
	t.Raw = RedactToken(t.Raw)
	return t
}

// Redact returns the step with the secrets in its form, Authorization
// header, fields and body hidden.
func (s Step) Redact() Step {
	s.Error = RedactText(s.Error)
	s.Request.URL = RedactURL(s.Request.URL)
	s.Request.Form = redactMap(s.Request.Form)
	if len(s.Request.Headers) > 0 {
		h := maps.Clone(s.Request.Headers)
		for k := range h {
			if strings.EqualFold(k, "Authorization") {
				scheme, _, _ := strings.Cut(h[k], " ")
				h[k] = scheme + " " + Redacted
			}
		}
		s.Request.Headers = h
	}
	if s.Response != nil {
		resp := *s.Response
		resp.Fields = redactMap(resp.Fields)
		resp.Body = RedactBody(resp.Body)
		s.Response = &resp
	}
	return s
}

// secretNames are the names whose values are secret wherever they
// appear, at any depth of a JSON answer too, in any case. ("code" is one
// only in a request or a redirect: in an answer it is an error code.)
var secretNames = map[string]bool{
	"client_secret":    true,
	"code_verifier":    true,
	"refresh_token":    true,
	"access_token":     true,
	"id_token":         true,
	"client_assertion": true,
	"assertion":        true,
	"password":         true,
	"subject_token":    true,
	"actor_token":      true,
	"samlresponse":     true,
	"device_code":      true,
}

func isSecretName(k string) bool { return secretNames[strings.ToLower(k)] }

func redactMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := maps.Clone(m)
	for k, v := range out {
		if t := strings.TrimSpace(v); !secretFields[k] && !isSecretName(k) && (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) {
			// A nested object: {"data":{"refresh_token":...}}.
			out[k] = RedactBody(v)
			continue
		}
		if !secretFields[k] && !isSecretName(k) || v == "" {
			continue
		}
		if k == "access_token" || k == "id_token" {
			out[k] = RedactToken(v)
			continue
		}
		out[k] = Redacted
	}
	return out
}

// RedactToken keeps a JWT's header and claims and hides its signature; any
// other token is hidden whole.
func RedactToken(tok string) string {
	if tok == "" {
		return ""
	}
	parts := strings.Split(tok, ".")
	if len(parts) == 3 && strings.HasPrefix(parts[0], "eyJ") {
		return parts[0] + "." + parts[1] + "." + Redacted
	}
	return Redacted
}

// RedactURL hides the secret values (code, tokens) in a URL's query and
// fragment (an implicit or fragment response puts tokens there) and keeps
// the rest as it was. A URL that does not parse is scrubbed as text.
func RedactURL(raw string) string {
	if raw == "" || !strings.ContainsAny(raw, "?#") {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return RedactText(raw)
	}
	q, qChanged := redactQuery(u.RawQuery)
	f, fChanged := redactQuery(u.EscapedFragment())
	if !qChanged && !fChanged {
		return raw
	}
	u.RawQuery = q
	if fChanged {
		u.Fragment, _ = url.PathUnescape(f)
		u.RawFragment = f
	}
	return u.String()
}

// redactQuery replaces secret values in a query string, keeping the order
// and encoding of everything else.
func redactQuery(raw string) (string, bool) {
	if raw == "" {
		return raw, false
	}
	pairs := strings.Split(raw, "&")
	changed := false
	for i, pair := range pairs {
		k, _, _ := strings.Cut(pair, "=")
		if name, err := url.QueryUnescape(k); err == nil && secretFields[name] {
			pairs[i] = k + "=" + url.QueryEscape(Redacted)
			changed = true
		}
	}
	return strings.Join(pairs, "&"), changed
}

// secretInText matches name=value for the secret fields wherever a URL or
// form body is quoted inside free text (an error message, a page).
var secretInText = regexp.MustCompile(`\b(code|access_token|id_token|refresh_token|client_secret|code_verifier|client_assertion|password)=([^&#\s"'<>]+)`)

// RedactText hides secret name=value pairs quoted in free text, such as an
// HTTP client error that repeats a redirect's Location.
func RedactText(s string) string {
	if !strings.Contains(s, "=") {
		return s
	}
	return secretInText.ReplaceAllStringFunc(s, func(pair string) string {
		name, val, _ := strings.Cut(pair, "=")
		if placeholder.MatchString(val) {
			// A connector template's {Code} or {ClientSecret}, or
			// what the platform sends when it fills in nothing
			// (%7BClientSecret%7D): a name, not a secret, and what the
			// person must see to fix the template.
			return pair
		}
		return name + "=" + url.QueryEscape(Redacted)
	})
}

// placeholder matches a whole single-brace template placeholder, as is or
// percent-encoded.
var placeholder = regexp.MustCompile(`^(\{|%7[bB])[A-Za-z][A-Za-z0-9_:.-]*(\}|%7[dD])$`)

// RedactBody hides secret values in a token-endpoint body, JSON or
// form-encoded, by replacing each secret field's value.
func RedactBody(body string) string {
	if body == "" {
		return body
	}
	out := body
	for field := range secretFields {
		out = redactJSONField(out, field)
		out = redactFormField(out, field)
	}
	for field := range secretNames {
		if !secretFields[field] {
			out = redactJSONField(out, field)
			out = redactFormField(out, field)
		}
	}
	return out
}

// redactJSONField replaces the string value of "field" wherever it appears.
func redactJSONField(body, field string) string {
	key := `"` + field + `"`
	var b strings.Builder
	rest := body
	for {
		i := strings.Index(rest, key)
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:i+len(key)])
		rest = rest[i+len(key):]
		// Skip white space and the colon, then expect a string value.
		j := 0
		for j < len(rest) && (rest[j] == ' ' || rest[j] == '\t' || rest[j] == '\n' || rest[j] == '\r' || rest[j] == ':') {
			j++
		}
		if j >= len(rest) || rest[j] != '"' || !strings.Contains(rest[:j], ":") {
			continue
		}
		end := j + 1
		for end < len(rest) && rest[end] != '"' {
			if rest[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(rest) {
			continue
		}
		b.WriteString(rest[:j+1])
		b.WriteString(redactValue(field, rest[j+1:end]))
		rest = rest[end:]
	}
}

func redactFormField(body, field string) string {
	if strings.ContainsAny(body, "{<") {
		return body
	}
	pairs := strings.Split(body, "&")
	changed := false
	for i, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if ok && k == field && v != "" {
			pairs[i] = k + "=" + url.QueryEscape(redactValue(field, v))
			changed = true
		}
	}
	if !changed {
		return body
	}
	return strings.Join(pairs, "&")
}

func redactValue(field, v string) string {
	if field == "access_token" || field == "id_token" {
		return RedactToken(v)
	}
	return Redacted
}
