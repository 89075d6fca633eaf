package report

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"html/template"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"
)

// MinSecret is the shortest value Secrets hides wherever it appears. A
// shorter one (a test secret "abc") would blank every "abc" in the
// output; such values are still hidden by field name.
const MinSecret = 6

// Secrets are the secret values one run knows (the client secret, codes,
// the PKCE verifier, refresh tokens, token signatures, Basic credentials),
// to be hidden wherever they appear in text that leaves the process,
// whatever field holds it and whoever echoed it: a token endpoint that
// quotes the request in error_description, an HTML error page, a nested
// JSON answer. Each value is hidden in its common encodings too:
// percent- and form-encoded (once and twice, upper- or lower-case hex,
// Go's and Java's), JSON-escaped (once and twice), HTML-escaped (named,
// decimal and hex entities), base64, and, for Basic credentials, base64
// of id:secret. The zero value hides nothing.
type Secrets struct {
	forms []string // every form of every value, each once
	seen  map[string]bool
	rep   *strings.Replacer
}

// Add makes v (and its encodings) secret. Values shorter than MinSecret
// are ignored.
func (s *Secrets) Add(v string) {
	if len(v) < MinSecret || v == Redacted {
		return
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	if s.seen[v] {
		return
	}
	s.seen[v] = true
	q := url.QueryEscape(v)
	var forms []string
	// Percent-encodings, in Go's upper-case hex and the lower case others
	// write: query and path, a space as + or %20, twice, and Java's
	// URLEncoder (which escapes ~ too).
	for _, f := range []string{q, strings.ReplaceAll(q, "+", "%20"), url.PathEscape(v), url.QueryEscape(q), formEncodeStrict(v)} {
		forms = append(forms, f, lowerHex(f))
	}
	forms = append(forms,
		v,
		jsonEscaped(v, true),
		jsonEscaped(v, false),
		jsonEscaped(jsonEscaped(v, false), false),            // JSON inside a JSON string
		strings.ReplaceAll(jsonEscaped(v, false), "/", `\/`), // PHP's json_encode
		strings.ReplaceAll(jsonEscaped(v, true), "/", `\/`),
		html.EscapeString(v), // an HTML or XML page
		html.EscapeString(jsonEscaped(v, false)),
		template.HTMLEscapeString(v), // html/template: &#34; &#39; &#43;
		entityEscaper.Replace(v),     // &quot; &#x27; &#x2F; (OWASP's)
		base64.StdEncoding.EncodeToString([]byte(v)),
		base64.RawURLEncoding.EncodeToString([]byte(v)),
	)
	for _, f := range forms {
		// A form inside the marker itself would be found again in every
		// replacement.
		if len(f) >= MinSecret && !strings.Contains(Redacted, f) && !slices.Contains(s.forms, f) {
			s.forms = append(s.forms, f)
		}
	}
	s.rep = nil
}

// AddBasic makes HTTP Basic credentials secret: the secret, and the
// header's base64 of id:secret, both as sent raw and with id and secret
// form-encoded first (RFC 6749 §2.3.1).
func (s *Secrets) AddBasic(id, secret string) {
	if secret == "" {
		return
	}
	s.Add(secret)
	s.Add(base64.StdEncoding.EncodeToString([]byte(id + ":" + secret)))
	s.Add(base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret))))
}

// AddToken makes a token's secret part secret: a JWT's signature (its
// header and claims are what a person debugging needs), or an opaque
// token whole.
func (s *Secrets) AddToken(tok string) {
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return
	}
	parts := strings.Split(tok, ".")
	switch {
	case len(parts) == 3 && strings.HasPrefix(parts[0], "eyJ"):
		s.Add(parts[2])
	case len(parts) == 5 && strings.HasPrefix(parts[0], "eyJ"):
		// A JWE: all but the header is key, iv, ciphertext and tag.
		s.Add(strings.Join(parts[1:], "."))
	default:
		s.Add(tok)
	}
}

// AddAuthorization makes an Authorization header's credentials secret.
func (s *Secrets) AddAuthorization(h string) {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok {
		return
	}
	cred = strings.TrimSpace(cred)
	if strings.EqualFold(scheme, "Basic") {
		s.Add(cred)
		if raw, err := base64.StdEncoding.DecodeString(cred); err == nil {
			if id, secret, ok := strings.Cut(string(raw), ":"); ok {
				s.AddBasic(id, secret)
				if uid, err := url.QueryUnescape(id); err == nil {
					if usec, err := url.QueryUnescape(secret); err == nil {
						s.Add(usec)
						s.AddBasic(uid, usec)
					}
				}
			}
		}
		return
	}
	s.AddToken(cred)
}

// entityEscaper writes HTML with named and hex entities, as OWASP's
// encoders and many template engines do.
var entityEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#x27;", "/", "&#x2F;")

// formEncodeStrict is form encoding that leaves only letters, digits and
// .-*_ as they are (java.net.URLEncoder's): a space is +, ~ is %7E.
func formEncodeStrict(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte(".-*_", c) >= 0:
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	return b.String()
}

// lowerHex writes the hex digits of s's %XX escapes in lower case.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lowerASCII(b[i+1]), lowerASCII(b[i+2])
		}
	}
	return string(b)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func jsonEscaped(v string, html bool) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	enc.Encode(v) //nolint:errcheck // a string always encodes
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
}

// Text returns t with every secret form replaced by Redacted.
func (s *Secrets) Text(t string) string {
	if s == nil || len(s.forms) == 0 || t == "" {
		return t
	}
	if s.rep == nil {
		// Longest first: a form that holds another (the base64 of
		// id:secret holds no secret, but a twice-encoded one holds the
		// once-encoded one's prefix) goes whole.
		forms := slices.Clone(s.forms)
		slices.SortStableFunc(forms, func(a, b string) int { return len(b) - len(a) })
		pairs := make([]string, 0, 2*len(forms))
		for _, f := range forms {
			pairs = append(pairs, f, Redacted)
		}
		s.rep = strings.NewReplacer(pairs...)
	}
	// A replacement can join text on either side into a new secret (a
	// secret with < or > in it); a few passes end that.
	for range 4 {
		out := s.rep.Replace(t)
		if out == t {
			break
		}
		t = out
	}
	return t
}

// Has reports whether t holds any secret form.
func (s *Secrets) Has(t string) bool {
	for _, f := range s.forms {
		if strings.Contains(t, f) {
			return true
		}
	}
	return false
}

// Scrub returns a copy of v with every secret hidden in every string it
// holds, at any depth: fields, map keys and values, slices, pointers, and
// JSON kept as json.RawMessage (which stays valid JSON). v itself is not
// changed. Unexported fields and times are copied as they are.
func Scrub[T any](s *Secrets, v T) T {
	if s == nil || len(s.forms) == 0 {
		return v
	}
	out := s.scrub(reflect.ValueOf(&v).Elem())
	return out.Interface().(T)
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// scrub returns v, or a new value of its type where something changed.
func (s *Secrets) scrub(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		t := s.Text(v.String())
		if t == v.String() {
			return v
		}
		nv := reflect.New(v.Type()).Elem()
		nv.SetString(t)
		return nv
	case reflect.Struct:
		if v.Type() == timeType {
			return v
		}
		nv := reflect.New(v.Type()).Elem()
		nv.Set(v)
		for i := range v.NumField() {
			if f := nv.Field(i); f.CanSet() {
				f.Set(s.scrub(v.Field(i)))
			}
		}
		return nv
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(s.scrub(v.Elem()))
		return p
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		if v.Type() == rawType || v.Type().Elem().Kind() == reflect.Uint8 {
			return s.scrubBytes(v)
		}
		nv := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			nv.Index(i).Set(s.scrub(v.Index(i)))
		}
		return nv
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		nv := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		for it.Next() {
			nv.SetMapIndex(s.scrub(it.Key()), s.scrub(it.Value()))
		}
		return nv
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		inner := s.scrub(v.Elem())
		nv := reflect.New(v.Type()).Elem()
		nv.Set(inner)
		return nv
	}
	return v
}

// scrubBytes hides secrets in bytes: JSON text (a token's header or
// claims) keeps being valid JSON, since Redacted needs no escaping; if a
// secret was written across JSON's own syntax (a number, a key with its
// quote), the whole value becomes the Redacted string.
func (s *Secrets) scrubBytes(v reflect.Value) reflect.Value {
	b := v.Bytes()
	t := s.Text(string(b))
	if t == string(b) {
		return v
	}
	if v.Type() == rawType && json.Valid(b) && !json.Valid([]byte(t)) {
		t = `"` + Redacted + `"`
	}
	nv := reflect.MakeSlice(v.Type(), len(t), len(t))
	reflect.Copy(nv, reflect.ValueOf([]byte(t)))
	return nv
}

// SecretsOf collects every secret value a report holds: the client
// secret and PKCE verifier of its profile, secret-named extra parameters,
// codes in hops, every secret-named field of the token-endpoint requests
// and answers at any depth, Authorization headers, and the tokens.
func SecretsOf(r Report) *Secrets {
	s := &Secrets{}
	s.AddReport(r)
	return s
}

// AddReport adds the secrets a report holds (see SecretsOf).
func (s *Secrets) AddReport(r Report) {
	s.AddBasic(r.Profile.ClientID, r.Profile.ClientSecret)
	s.Add(r.Profile.CodeVerifier)
	s.addFields(r.Profile.Params, false)
	// A connector's templates may write a secret into an endpoint's
	// query (…/token?client_secret=…).
	for _, u := range []string{r.Profile.Issuer, r.Profile.AuthorizeURL, r.Profile.TokenURL, r.Profile.RefreshURL, r.Profile.JWKSURL} {
		s.addURL(u)
	}
	for _, h := range r.Hops {
		if h.Source == SourceCallback && h.Role != RoleCallback {
			// A later request to the listener: a reload, or any web
			// page, since the browser sends a page's requests to the
			// loopback address too. Its secret-named fields are hidden
			// by name like every hop's; its values must not choose what
			// else the report hides.
			continue
		}
		s.addFields(h.Params, true)
		s.addURL(h.URL)
		s.addURL(h.Location)
	}
	steps := []*Step{}
	if r.Exchange != nil {
		steps = append(steps, &r.Exchange.Step)
		for i := range r.Exchange.Attempts {
			steps = append(steps, &r.Exchange.Attempts[i])
		}
	}
	if r.Refresh != nil {
		steps = append(steps, &r.Refresh.Step)
	}
	for _, st := range steps {
		s.AddStep(*st)
	}
	for _, c := range r.Calls {
		s.AddCall(c)
	}
	for _, t := range r.Tokens {
		s.AddToken(t.Raw)
	}
}

// AddStep adds the secrets of one token-endpoint round trip.
func (s *Secrets) AddStep(st Step) {
	s.addURL(st.Request.URL)
	s.addFields(st.Request.Form, true)
	for k, v := range st.Request.Headers {
		switch {
		case strings.EqualFold(k, "Authorization"):
			s.AddAuthorization(v)
		case SecretHeader(k):
			s.Add(v)
		}
	}
	if st.Request.Form["client_id"] != "" {
		s.AddBasic(st.Request.Form["client_id"], st.Request.Form["client_secret"])
	}
	if st.Response != nil {
		s.addFields(st.Response.Fields, false)
		s.addJSON([]byte(st.Response.Body))
	}
}

// AddCall adds the secrets of one API call: its step's, every header
// value it sent (as Call.Redact hides them) and the Location's.
func (s *Secrets) AddCall(c Call) {
	s.AddStep(c.Step)
	for k, v := range c.Request.Headers {
		if !strings.EqualFold(k, "Authorization") {
			s.Add(v)
		}
	}
	s.addURL(c.Location)
}

// addFields adds the values of secret-named fields, and of secret-named
// members of any JSON object a field's value holds. withCode says the
// fields are a request's or a redirect's, where code is the authorization
// code; in an answer, code is an error code, no secret.
func (s *Secrets) addFields(m map[string]string, withCode bool) {
	for k, v := range m {
		switch {
		case withCode && k == "code":
			s.Add(v)
		case isSecretName(k) && (k == "access_token" || k == "id_token"):
			s.AddToken(v)
		case isSecretName(k):
			s.Add(v)
		case strings.HasPrefix(strings.TrimSpace(v), "{") || strings.HasPrefix(strings.TrimSpace(v), "["):
			s.addJSON([]byte(v))
		}
	}
}

// addJSON adds the string values of secret-named members at any depth
// of a JSON text; text that is not JSON adds nothing.
func (s *Secrets) addJSON(b []byte) {
	var v any
	if len(b) == 0 || json.Unmarshal(b, &v) != nil {
		return
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if str, ok := e.(string); ok && isSecretName(k) {
					if k == "access_token" || k == "id_token" {
						s.AddToken(str)
					} else {
						s.Add(str)
					}
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
}

// addURL adds the secret-named query and fragment values of a URL.
func (s *Secrets) addURL(raw string) {
	if i, j, ok := userinfo(raw); ok {
		user, pass, _ := strings.Cut(raw[i:j], ":")
		s.Add(user)
		s.Add(pass)
	}
	if !strings.ContainsAny(raw, "?#") {
		return
	}
	u, err := url.Parse(raw)
	if err != nil {
		return
	}
	for _, q := range []string{u.RawQuery, u.EscapedFragment()} {
		vs, _ := url.ParseQuery(q)
		for k, v := range vs {
			if k == "code" || isSecretName(k) {
				for _, x := range v {
					s.Add(x)
				}
			}
		}
	}
}
