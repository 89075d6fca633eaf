package flow

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// fakeProvider is a small authorization server for unit tests of the
// engine: an authorize endpoint that sets a transaction cookie and
// redirects to a login page, a login submit that redirects to the client
// with a code, and a token endpoint whose answers each test picks, down to
// bodies of the wrong shape that no real provider library gives. A tenant
// proxy in front of it (/t/authorize) adds organization=acme. It has no
// faults of its own: the classic failures of providers and proxies are the
// demo's (package demo, one vocabulary for the demo and every suite), and
// the engine's tests of them run against it (demo_test.go).
type fakeProvider struct {
	srv *httptest.Server

	// Token endpoint behaviour.
	clientAuth  string // "post", "basic" or "" (either)
	secret      string
	refresh     bool   // issue a refresh token
	rotate      bool   // a new refresh token on refresh
	tokenBody   string // when set, the token endpoint answers this
	tokenType   string // with this content type
	tokenStatus int
	idTokenKey  string // HS256 key of the ID token (default: the client secret)
	grantScope  string // the scope the token answer lists (default: as requested)
	refreshAud  string // aud of the refreshed access token (default the fake's API)
	// Authorize behaviour.
	registered    map[string]bool   // redirect URIs the client has; nil: any
	extraCallback map[string]string // added to the callback query

	mu     sync.Mutex
	codes  map[string]url.Values // code -> authorize params
	txs    map[string]url.Values // tx cookie -> authorize params
	grants []url.Values
	bodies []string // the token requests' bodies, as received
	auths  []string // their Authorization headers
}

func newFakeProvider(t *testing.T) *fakeProvider {
	t.Helper()
	p := &fakeProvider{secret: "s3cret", refresh: true, rotate: true, codes: map[string]url.Values{}, txs: map[string]url.Values{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/t/authorize", p.proxy)
	mux.HandleFunc("/authorize", p.authorize)
	mux.HandleFunc("/login", p.login)
	mux.HandleFunc("/login/submit", p.submit)
	mux.HandleFunc("/token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *fakeProvider) url(path string) string { return p.srv.URL + path }

func (p *fakeProvider) proxy(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	q.Set("organization", "acme")
	http.Redirect(w, r, "/authorize?"+q.Encode(), http.StatusFound)
}

func (p *fakeProvider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if p.registered != nil && !p.registered[q.Get("redirect_uri")] {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `<html><body><h1>oops! something went wrong</h1><pre>error: invalid_redirect_uri
error_description: redirect_uri did not match any of the client's registered redirect_uris</pre></body></html>`)
		return
	}
	tx := rand.Text()
	p.mu.Lock()
	p.txs[tx] = q
	p.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "tx", Value: tx, Path: "/"})
	http.Redirect(w, r, "/login", http.StatusFound)
}

func (p *fakeProvider) login(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie("tx"); err != nil {
		// As real providers do: without the cookie the page fails.
		http.Error(w, "invalid_request: session cookie not found (SessionNotFound)", http.StatusBadRequest)
		return
	}
	fmt.Fprint(w, `<html><form action="/login/submit"><input name="login"><input name="password"></form></html>`)
}

func (p *fakeProvider) submit(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie("tx")
	p.mu.Lock()
	q, ok := p.txs[c.Value]
	p.mu.Unlock()
	if err != nil || !ok {
		http.Error(w, "no transaction", http.StatusBadRequest)
		return
	}
	code := rand.Text()
	p.mu.Lock()
	p.codes[code] = q
	p.mu.Unlock()
	cb, _ := url.Parse(q.Get("redirect_uri"))
	cq := url.Values{"code": {code}, "state": {q.Get("state")}}
	for k, v := range p.extraCallback {
		cq.Set(k, v)
	}
	cb.RawQuery = cq.Encode()
	http.Redirect(w, r, cb.String(), http.StatusFound)
}

func (p *fakeProvider) token(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(raw))
	r.ParseForm()
	p.mu.Lock()
	p.grants = append(p.grants, r.PostForm)
	p.bodies = append(p.bodies, string(raw))
	p.auths = append(p.auths, r.Header.Get("Authorization"))
	p.mu.Unlock()
	if p.tokenBody != "" {
		w.Header().Set("Content-Type", p.tokenType)
		if p.tokenStatus != 0 {
			w.WriteHeader(p.tokenStatus)
		}
		fmt.Fprint(w, p.tokenBody)
		return
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	mode := "post"
	if basic {
		mode = "basic"
	}
	if id != "app" || secret != p.secret || (p.clientAuth != "" && p.clientAuth != mode) {
		oauthErr(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		p.mu.Lock()
		q, ok := p.codes[r.PostForm.Get("code")]
		delete(p.codes, r.PostForm.Get("code"))
		p.mu.Unlock()
		if !ok || q.Get("redirect_uri") != r.PostForm.Get("redirect_uri") {
			oauthErr(w, http.StatusBadRequest, "invalid_grant", "code unknown or redirect_uri differs")
			return
		}
		tok := map[string]any{"access_token": fakeJWT(""), "token_type": "Bearer", "expires_in": "3600", "scope": q.Get("scope")}
		if p.grantScope != "" {
			tok["scope"] = p.grantScope
		}
		if p.refresh && strings.Contains(q.Get("scope"), "offline_access") {
			tok["refresh_token"] = "rt-1"
		}
		if strings.Contains(q.Get("scope"), "openid") {
			// HS256 with the client secret, as OIDC allows for ID tokens.
			now := time.Now()
			key := p.idTokenKey
			if key == "" {
				key = p.secret
			}
			tok["id_token"], _ = jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
				"iss": "https://fake.example/", "aud": "app", "sub": "ada", "nonce": q.Get("nonce"),
				"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
			}).SignedString([]byte(key))
		}
		writeJSON(w, tok)
	case "refresh_token":
		tok := map[string]any{"access_token": fakeJWT(p.refreshAud), "token_type": "Bearer", "expires_in": 3600}
		if p.rotate {
			tok["refresh_token"] = "rt-2"
		}
		writeJSON(w, tok)
	default:
		oauthErr(w, http.StatusBadRequest, "unsupported_grant_type", "")
	}
}

// fakeJWT is an access token for aud (default: the fake's API), valid for
// an hour.
func fakeJWT(aud string) string {
	if aud == "" {
		aud = "https://api.fake.example"
	}
	now := time.Now()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": "https://fake.example/", "aud": aud, "sub": "ada",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "jti": rand.Text(),
	}).SignedString([]byte("fake-provider-key"))
	if err != nil {
		panic(err)
	}
	return s
}

func oauthErr(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// walker stands in for the browser: it follows the authorize URL with its
// own cookie jar, "logs in" and follows the redirect to the callback.
func walker(t *testing.T, p *fakeProvider) func(string) error {
	return func(authURL string) error {
		go func() {
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar}
			resp, err := c.Get(authURL)
			if err != nil {
				t.Errorf("walker: %v", err)
				return
			}
			resp.Body.Close()
			if resp.Request.URL.Path != "/login" {
				return // the provider answered the client directly
			}
			resp, err = c.Get(p.url("/login/submit"))
			if err != nil {
				t.Errorf("walker: submit: %v", err)
				return
			}
			resp.Body.Close()
		}()
		return nil
	}
}
