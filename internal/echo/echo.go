// Package echo is, for tests, an authorization server as careless as they
// come: its token endpoint quotes back what it was sent in every way
// servers do (the raw form body in error_description, the values in a
// nested "request" object, the Authorization header, an HTML page with the
// body in it, secrets nested deep in a success answer), so that tests can
// run a real login through every output and check that none of the
// secrets it knows comes out.
package echo

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authtrace/authtrace/flow"
)

// The fixed secrets. The client secret has characters that percent- and
// JSON-encoding change, so each encoding is a different string.
const (
	ClientID     = "echo app"
	ClientSecret = `cs/Echo+se cret="42"&<x>`
	Code         = "code-echo-7f3a9b21c4"
	RefreshToken = "rt-echo-1-5d8e2f9a7b"
	Refreshed    = "rt-echo-2-c3b1a0f9e8"
	signKey      = "echo-signing-key-of-32-bytes-len"
)

// Provider is the echoing authorization server.
type Provider struct {
	URL string
	srv *httptest.Server

	mu       sync.Mutex
	verifier string // the code_verifier of the exchange, as received
	access   string // the access token issued
	id       string // the ID token issued
	nonce    string
}

// browserHeader marks the built-in browser's requests: the authorize
// endpoint shows preflight a login page and sends the browser straight
// back with a code.
const browserHeader = "X-Echo-Browser"

// Start starts the provider on 127.0.0.1; it stops with the test.
func Start(t testing.TB) *Provider {
	t.Helper()
	p := &Provider{}
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", p.authorize)
	mux.HandleFunc("/token", p.token)
	p.srv = httptest.NewServer(mux)
	p.URL = p.srv.URL
	t.Cleanup(p.srv.Close)
	return p
}

// Config is a login against the provider, with the client authentication
// auto (body first: rejected, echoing; then Basic: accepted).
func (p *Provider) Config() flow.Config {
	return flow.Config{
		AuthorizeURL: p.URL + "/authorize",
		TokenURL:     p.URL + "/token",
		ClientID:     ClientID,
		ClientSecret: ClientSecret,
		Scope:        "openid offline_access",
		RedirectURI:  "http://127.0.0.1:0/callback",
		Timeout:      20 * time.Second,
		OpenBrowser:  p.Browse,
	}
}

// Browse is the built-in browser: it follows the authorize URL to the
// callback.
func (p *Provider) Browse(authURL string) error {
	go func() {
		req, err := http.NewRequest(http.MethodGet, authURL, nil)
		if err != nil {
			return
		}
		req.Header.Set(browserHeader, "1")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
	}()
	return nil
}

// Secrets are every secret value of the login so far, raw: the client
// secret, the code, the PKCE verifier, the refresh tokens, the signatures
// of the tokens issued, and the Basic credentials.
func (p *Provider) Secrets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := []string{ClientSecret, Code, RefreshToken, Refreshed,
		base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(ClientID) + ":" + url.QueryEscape(ClientSecret)))}
	for _, v := range []string{p.verifier, signature(p.access), signature(p.id)} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Forms are the secrets and the encodings a careless server writes them
// in (see Encodings).
func (p *Provider) Forms() []string {
	var out []string
	for _, s := range p.Secrets() {
		out = append(out, Encodings(s)...)
	}
	return out
}

// Encodings are the ways v is written by servers and the pages and
// libraries they use: raw; percent-encoded as Go, PHP, Java and browsers
// do (query and path, + or %20 for a space, ~ escaped or not, upper or
// lower hex, once or twice); JSON-escaped (with and without HTML
// escaping, / as \/, once or twice); HTML-escaped (named, decimal and
// hex entities, html/template's); and base64. Tests look for every one
// in authtrace's output; the list is written apart from report.Secrets's
// own so that a form that one forgets the other catches.
func Encodings(v string) []string {
	j := func(s string, htmlSafe bool) string {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(htmlSafe)
		enc.Encode(s) //nolint:errcheck // a string always encodes
		out := strings.TrimSuffix(b.String(), "\n")
		return out[1 : len(out)-1] // the quotes around it, not a quote in it
	}
	q := url.QueryEscape(v)
	java := javaURLEncode(v)
	forms := []string{
		v,
		q, lowerHex(q), strings.ReplaceAll(q, "+", "%20"),
		url.PathEscape(v), lowerHex(url.PathEscape(v)),
		url.QueryEscape(q),
		java, lowerHex(java),
		j(v, true), j(v, false), j(j(v, false), false), strings.ReplaceAll(j(v, false), "/", `\/`),
		html.EscapeString(v), template.HTMLEscapeString(v),
		strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#x27;", "/", "&#x2F;").Replace(v),
		base64.StdEncoding.EncodeToString([]byte(v)), base64.RawURLEncoding.EncodeToString([]byte(v)),
	}
	var out []string
	for _, f := range forms {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// lowerHex writes the hex digits of s's %XX escapes in lower case.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = toLower(b[i+1]), toLower(b[i+2])
		}
	}
	return string(b)
}

func toLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// javaURLEncode is java.net.URLEncoder's form encoding: letters, digits
// and .-*_ as they are, a space as +, every other byte %XX.
func javaURLEncode(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte(".-*_", c) >= 0:
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func signature(tok string) string {
	if i := strings.LastIndexByte(tok, '.'); i >= 0 {
		return tok[i+1:]
	}
	return ""
}

func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.Header.Get(browserHeader) == "" {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body><form>Sign in</form></body></html>")
		return
	}
	p.mu.Lock()
	p.nonce = q.Get("nonce")
	p.mu.Unlock()
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	bq := back.Query()
	bq.Set("code", Code)
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	form, _ := url.ParseQuery(string(raw))
	authz := r.Header.Get("Authorization")
	switch form.Get("grant_type") {
	case "authorization_code":
		p.mu.Lock()
		p.verifier = form.Get("code_verifier")
		p.mu.Unlock()
		if form.Get("client_secret") != "" {
			// The body attempt: refused with an HTML page quoting
			// everything it got.
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, "<html><body><h1>Client authentication failed</h1><p>secret %s, verifier %s</p><p>Request: %s</p><pre>{\"client_secret\":%q,\"code\":\"%s\"}</pre></body></html>",
				html.EscapeString(form.Get("client_secret")), html.EscapeString(form.Get("code_verifier")), html.EscapeString(string(raw)),
				form.Get("client_secret"), html.EscapeString(form.Get("code")))
			// And every way of writing them a server has.
			for _, v := range []string{form.Get("client_secret"), form.Get("code"), form.Get("code_verifier")} {
				fmt.Fprintf(w, "<p>%s</p>", strings.Join(Encodings(v), " | "))
			}
			return
		}
		p.mu.Lock()
		p.access = sign(map[string]any{"iss": p.URL, "aud": "https://api.echo.example", "sub": "u1", "exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix()})
		p.id = sign(map[string]any{"iss": p.URL, "aud": ClientID, "sub": "u1", "nonce": p.nonce, "exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix()})
		access, id := p.access, p.id
		p.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{
			"access_token":  access,
			"id_token":      id,
			"token_type":    "Bearer",
			"expires_in":    3600,
			"refresh_token": RefreshToken,
			"scope":         "openid offline_access",
			"data":          map[string]any{"refresh_token": RefreshToken, "deep": map[string]any{"list": []any{map[string]any{"password": ClientSecret}}}},
			"request":       map[string]any{"code": form.Get("code"), "code_verifier": form.Get("code_verifier"), "authorization": authz},
			"echo":          "you sent " + authz + " with " + string(raw),
		})
	case "refresh_token":
		// Refused, quoting the request in the description, where it
		// reaches the finding's message.
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"error":             "invalid_grant",
			"error_description": "refresh token " + form.Get("refresh_token") + " was revoked; client " + ClientID + " authenticated as " + authz + " (secret " + ClientSecret + ")",
			"request":           map[string]any{"refresh_token": form.Get("refresh_token"), "quoted": fmt.Sprintf("%q", string(raw))},
		})
	default:
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "unsupported_grant_type", "error_description": string(raw)})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) //nolint:errcheck // a test server's client went away
}

// sign makes an HS256 JWT: Go's own HMAC, so this package needs no JWT
// library.
func sign(claims map[string]any) string {
	enc := base64.RawURLEncoding.EncodeToString
	h, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT"})
	c, _ := json.Marshal(claims)
	s := enc(h) + "." + enc(c)
	mac := hmac.New(sha256.New, []byte(signKey))
	mac.Write([]byte(s))
	return s + "." + enc(mac.Sum(nil))
}
