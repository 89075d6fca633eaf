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
	out.Calls = nil
	for _, c := range r.Calls {
		out.Calls = append(out.Calls, c.Redact())
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
			switch {
			case strings.EqualFold(k, "Authorization"):
				h[k] = RedactAuthorization(h[k])
			case strings.EqualFold(k, "Cookie"):
				h[k] = RedactCookie(h[k])
			case SecretHeader(k):
				h[k] = Redacted
			}
		}
		s.Request.Headers = h
	}
	if s.Response != nil {
		resp := *s.Response
		if len(resp.Headers) > 0 {
			h := maps.Clone(resp.Headers)
			for k := range h {
				switch {
				case strings.EqualFold(k, "Set-Cookie"):
					h[k] = RedactSetCookie(h[k])
				case strings.EqualFold(k, "Location"):
					h[k] = RedactURL(h[k])
				case SecretHeader(k):
					h[k] = Redacted
				}
			}
			resp.Headers = h
		}
		resp.Fields = redactMap(resp.Fields)
		resp.Body = RedactBody(resp.Body)
		s.Response = &resp
	}
	return s
}

// Redact returns the call with its secrets hidden: the step's, the
// value of every header besides Authorization (what --call-header sends
// is an API key as often as not), and those of the Location.
func (c Call) Redact() Call {
	c.Step = c.Step.Redact()
	if len(c.Request.Headers) > 0 {
		h := maps.Clone(c.Request.Headers)
		for k := range h {
			if !strings.EqualFold(k, "Authorization") {
				h[k] = Redacted
			}
		}
		c.Request.Headers = h
	}
	c.Location = RedactURL(c.Location)
	return c
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
	// Tokens by other names: a login hint that is an ID token, Okta's
	// session and state tokens, a bare token parameter, API keys.
	"id_token_hint":    true,
	"sessiontoken":     true,
	"statetoken":       true,
	"token":            true,
	"api_key":          true,
	"apikey":           true,
	"api-key":          true,
	"subscription-key": true,
}

// secretHeaders are request headers that carry a credential besides
// Authorization and Cookie: API gateways' keys (Azure API Management's
// subscription key, Azure Functions' key, the common X-API-Key).
var secretHeaders = map[string]bool{
	"ocp-apim-subscription-key": true,
	"x-api-key":                 true,
	"api-key":                   true,
	"x-functions-key":           true,
	"x-auth-token":              true,
	"x-csrf-token":              true,
	"x-xsrf-token":              true,
}

// SecretHeader reports whether the header name (any case) carries a
// credential of its own: an API key, a session or anti-forgery token.
func SecretHeader(name string) bool { return secretHeaders[strings.ToLower(name)] }

// isSecretName reports whether k names a secret in any spelling: any
// case, snake or camel (refresh_token, refreshToken, RefreshToken), and
// Azure's SAS signature (sig).
func isSecretName(k string) bool {
	l := strings.ToLower(k)
	return secretNames[l] || secretSpelled[strings.NewReplacer("_", "", "-", "").Replace(l)]
}

// secretSpelled are secretNames without their _ and -, as camelCase
// writes them (clientSecret, accessToken), and sig, the signature of an
// Azure shared access signature URL.
var secretSpelled = func() map[string]bool {
	m := map[string]bool{"sig": true}
	for k := range secretNames {
		m[strings.NewReplacer("_", "", "-", "").Replace(k)] = true
	}
	return m
}()

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
// the rest as it was, byte for byte. A token keeps its claims
// (RedactToken). A URL that does not parse is also scrubbed as text.
func RedactURL(raw string) string { return RedactURLFunc(raw, nil) }

// RedactURLFunc is RedactURL that tells hid (when not nil) the name and
// decoded value of each parameter it hides, so a caller can count what
// was there without a second reading of the rules.
func RedactURLFunc(raw string, hid func(name, value string)) string {
	raw = redactUserinfo(raw)
	if raw == "" || !strings.ContainsAny(raw, "?#") {
		return raw
	}
	// The cuts url.Parse makes, done on the text so that nothing else of
	// the URL is re-escaped: the fragment at the first #, the query at the
	// first ? before it.
	rest, frag, hasFrag := strings.Cut(raw, "#")
	base, query, hasQuery := strings.Cut(rest, "?")
	query, qChanged := redactQuery(query, SecretParam, hid)
	frag, fChanged := redactQuery(frag, SecretParam, hid)
	out := raw
	if qChanged || fChanged {
		out = base
		if hasQuery {
			out += "?" + query
		}
		if hasFrag {
			out += "#" + frag
		}
	}
	if _, err := url.Parse(raw); err != nil {
		return RedactText(out)
	}
	return out
}

// redactedUserinfo stands for a URL's user and password: escaped, so
// the URL still parses.
var redactedUserinfo = url.QueryEscape(Redacted)

// userinfo finds the user:password@ of an absolute URL's authority, as
// the text's byte offsets [i, j) of what precedes the @.
func userinfo(raw string) (i, j int, ok bool) {
	_, rest, found := strings.Cut(raw, "://")
	if !found {
		return 0, 0, false
	}
	i = len(raw) - len(rest)
	auth := rest
	if k := strings.IndexAny(rest, "/?#"); k >= 0 {
		auth = rest[:k]
	}
	at := strings.LastIndexByte(auth, '@')
	if at < 0 {
		return 0, 0, false
	}
	return i, i + at, true
}

// redactUserinfo hides the user and password of a URL
// (https://user:password@host/): a password, or a token as a user name.
func redactUserinfo(raw string) string {
	i, j, ok := userinfo(raw)
	if !ok || raw[i:j] == redactedUserinfo {
		return raw
	}
	return raw[:i] + redactedUserinfo + raw[j:]
}

// RedactForm hides the values of the fields secret names in a
// form-encoded body (SecretParam for a request's, SecretAnswerField for an
// answer's), keeping the order and encoding of everything else, and tells
// hid (when not nil) the name and decoded value of each it hides.
func RedactForm(body string, secret func(name string) bool, hid func(name, value string)) string {
	out, _ := redactQuery(body, secret, hid)
	return out
}

// redactQuery replaces secret values in a query string, keeping the order
// and encoding of everything else.
func redactQuery(raw string, secret func(string) bool, hid func(name, value string)) (string, bool) {
	if raw == "" {
		return raw, false
	}
	pairs := strings.Split(raw, "&")
	changed := false
	for i, pair := range pairs {
		k, v, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			continue
		}
		dv, err := url.QueryUnescape(v)
		if err != nil {
			dv = v
		}
		if !secret(name) {
			// A URL in a parameter (returnUrl, RelayState, redirect): its
			// own query can carry a code.
			if rv, ok := redactNestedURL(dv, hid); ok {
				pairs[i] = k + "=" + url.QueryEscape(rv)
				changed = true
			}
			continue
		}
		if rv := RedactValue(name, dv); rv != dv {
			pairs[i] = k + "=" + url.QueryEscape(rv)
			changed = true
			if hid != nil {
				hid(name, dv)
			}
		}
	}
	return strings.Join(pairs, "&"), changed
}

// SecretParam reports whether a request's or a redirect's parameter holds
// a secret, by its name in any case: a query or fragment parameter, a form
// field, a member of a JSON request body, a hidden input of a page that
// posts itself on. These are the secret fields and names, SAMLRequest,
// and any name that says it is a password, a secret or a one-time code
// (passwd, Passwort, totp_secret), since login forms name their fields
// freely. (An answer's fields are judged by SecretAnswerField: there,
// code is an error code.)
func SecretParam(name string) bool {
	l := strings.ToLower(name)
	return secretFields[l] || isSecretName(name) || l == "samlrequest" || PasswordParam(name)
}

// PasswordParam reports whether a form field's name says it is a
// password, a secret or a one-time code (passwd, Passwort, totp_secret):
// what a captured browser's login post never keeps, even with --reveal.
func PasswordParam(name string) bool {
	l := strings.ToLower(name)
	for _, part := range passwordParts {
		if strings.Contains(l, part) {
			return true
		}
	}
	return false
}

// passwordParts are the parts of a field name that make it a password.
var passwordParts = []string{"pass", "pwd", "secret", "otp"}

// SecretAnswerField reports whether a member of an answer (a token
// endpoint's JSON or form-encoded reply, at any depth) holds a secret, by
// its name in any case.
func SecretAnswerField(name string) bool { return isSecretName(name) }

// RedactValue is what stands in for the value v of the secret field
// name: a token keeps its claims (RedactToken), anything else is Redacted.
// An empty value or the marker itself stays as it is.
func RedactValue(name, v string) string {
	if v == "" || v == Redacted {
		return v
	}
	if strings.EqualFold(name, "access_token") || strings.EqualFold(name, "id_token") || looksJWT(v) {
		return RedactToken(v) // its claims say whose it is; its signature goes
	}
	return Redacted
}

// RedactAuthorization hides the credentials of an Authorization (or
// Proxy-Authorization) header and keeps its scheme: a Bearer JWT keeps
// its header and claims, whose audience is what a person debugging needs;
// Basic credentials and anything else are Redacted.
func RedactAuthorization(h string) string {
	lead := len(h) - len(strings.TrimLeft(h, " \t"))
	scheme, cred, ok := strings.Cut(h[lead:], " ")
	if !ok {
		if h == "" {
			return h
		}
		return Redacted
	}
	if strings.EqualFold(scheme, "Bearer") {
		return h[:lead] + scheme + " " + RedactToken(strings.TrimSpace(cred))
	}
	return h[:lead] + scheme + " " + Redacted
}

// RedactCookie hides the values of a Cookie header (name=value; ...) and
// keeps the names, which say which session a login had.
func RedactCookie(h string) string {
	pairs := strings.Split(h, ";")
	for i, p := range pairs {
		pairs[i] = redactCookiePair(p)
	}
	return strings.Join(pairs, ";")
}

// RedactSetCookie hides the value of each cookie a Set-Cookie header sets
// (one a line, as browsers join them) and keeps its name and attributes:
// a SameSite or Secure attribute is often why a login's cookie went
// missing.
func RedactSetCookie(h string) string {
	lines := strings.Split(h, "\n")
	for i, line := range lines {
		first, attrs, hasAttrs := strings.Cut(line, ";")
		lines[i] = redactCookiePair(first)
		if hasAttrs {
			lines[i] += ";" + attrs
		}
	}
	return strings.Join(lines, "\n")
}

// redactCookiePair hides the value of one name=value, keeping the space
// around it.
func redactCookiePair(p string) string {
	name, v, ok := strings.Cut(p, "=")
	if !ok {
		if strings.TrimSpace(p) == "" {
			return p
		}
		// A value with no name, which browsers accept.
		return p[:len(p)-len(strings.TrimLeft(p, " "))] + Redacted
	}
	if strings.TrimSpace(v) == "" || v == Redacted {
		return p
	}
	return name + "=" + Redacted
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
		b.WriteString(RedactValue(field, rest[j+1:end]))
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
			pairs[i] = k + "=" + url.QueryEscape(RedactValue(field, v))
			changed = true
		}
	}
	if !changed {
		return body
	}
	return strings.Join(pairs, "&")
}

// looksJWT reports whether v has a JWS's shape: three base64url parts,
// the first a JSON object ("eyJ").
func looksJWT(v string) bool {
	return strings.HasPrefix(v, "eyJ") && strings.Count(v, ".") == 2 && !strings.ContainsAny(v, " \t\"")
}

// redactNestedURL hides the secrets of a URL that is a parameter's value
// (returnUrl, RelayState, next), also one encoded once more than it
// needed (returnUrl=%252Fcb%253Fcode%253D...), and says whether it hid any.
func redactNestedURL(v string, hid func(name, value string)) (string, bool) {
	orig := v
	for depth := range 3 {
		if strings.ContainsAny(v, "?#") && (strings.Contains(v, "://") || strings.HasPrefix(v, "/")) {
			rv := RedactURLFunc(v, hid)
			if rv == v {
				return orig, false
			}
			for range depth {
				rv = url.QueryEscape(rv) // as many times as it was encoded
			}
			return rv, true
		}
		dv, err := url.QueryUnescape(v)
		if err != nil || dv == v {
			return orig, false
		}
		v = dv // encoded once more: look again
	}
	return orig, false
}

// RedactParamValue is what a parameter's value (a HAR file's queryString
// entry, a form field) becomes: the marker for a secret name, and a URL in
// it with its own secrets hidden.
func RedactParamValue(name, v string, hid func(name, value string)) string {
	if SecretParam(name) {
		rv := RedactValue(name, v)
		if rv != v && hid != nil {
			hid(name, v)
		}
		return rv
	}
	if rv, ok := redactNestedURL(v, hid); ok {
		return rv
	}
	return v
}
