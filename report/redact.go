package report

import (
	"maps"
	"net/url"
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
// debugging needs; an opaque token is hidden whole).
func (r Report) Redact() Report {
	out := r
	out.Profile = r.Profile
	out.Profile.Params = maps.Clone(r.Profile.Params)
	if out.Profile.ClientSecret != "" {
		out.Profile.ClientSecret = Redacted
	}
	if out.Profile.CodeVerifier != "" {
		out.Profile.CodeVerifier = Redacted
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
	out.Findings = append([]Finding(nil), r.Findings...)
	return out
}

// Redact returns the hop with the code and tokens in its URLs and params
// hidden.
func (h Hop) Redact() Hop {
	h.URL = RedactURL(h.URL)
	h.Location = RedactURL(h.Location)
	h.Params = redactMap(h.Params)
	return h
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

func redactMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := maps.Clone(m)
	for k, v := range out {
		if !secretFields[k] || v == "" {
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

// RedactURL hides the secret query values (code, tokens) of a URL and keeps
// the rest as it was. A URL that does not parse is returned unchanged.
func RedactURL(raw string) string {
	if raw == "" || !strings.ContainsAny(raw, "?#") {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	changed := false
	q := u.Query()
	for k, vs := range q {
		if secretFields[k] {
			for i := range vs {
				vs[i] = Redacted
			}
			changed = true
		}
	}
	if !changed {
		return raw
	}
	// Rebuild the query by hand so the order and encoding of the values
	// that are not secret stay as they were.
	var b strings.Builder
	for i, pair := range strings.Split(u.RawQuery, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		k, _, _ := strings.Cut(pair, "=")
		if name, err := url.QueryUnescape(k); err == nil && secretFields[name] {
			b.WriteString(k + "=" + url.QueryEscape(Redacted))
			continue
		}
		b.WriteString(pair)
	}
	u.RawQuery = b.String()
	return u.String()
}

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
