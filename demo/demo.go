// Package demo is a small built-in authorization server with a tenant-aware
// proxy in front of it, for `authtrace demo`: the whole login runs against
// it on 127.0.0.1, and each fault makes the proxy or server misbehave the
// way real ones do, so a person can see what authtrace shows for it. It is
// no substitute for a real provider in tests (the e2e suite uses
// oidc-provider); it is a demonstration that needs nothing installed.
package demo

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/authtrace/authtrace/flow"
)

// Fault is one way the demo can break.
type Fault struct {
	Name, Description string
}

// Faults lists the faults the demo knows, healthy first.
var Faults = []Fault{
	{"none", "a healthy login: tenant proxy, login page, code, JWT access token for the API, refresh with rotation"},
	{"state-suffix", "the tenant proxy appends \"|org=acme\" to state"},
	{"state-base64", "the tenant proxy wraps state in base64 JSON with the tenant"},
	{"redirect-slash", "the tenant proxy adds a trailing slash to redirect_uri"},
	{"drop-audience", "the tenant proxy drops the audience parameter, so the access token is opaque"},
	{"loop", "the tenant proxy redirects to itself forever"},
	{"no-refresh", "the server withholds the refresh token although offline_access was asked for"},
	{"basic-only", "the token endpoint accepts the client secret only as an HTTP Basic header"},
	{"html-token", "the token URL serves an HTML page"},
	{"wrong-aud", "the server issues the access token for another audience"},
}

const (
	clientID     = "demo-app"
	clientSecret = "demo-secret"
	apiAudience  = "https://api.demo.example"
)

// Server is a running demo provider.
type Server struct {
	URL   string
	fault string
	now   func() time.Time
	srv   *http.Server
	key   *rsa.PrivateKey

	mu    sync.Mutex
	txs   map[string]url.Values // login transaction -> authorize params
	codes map[string]url.Values // code -> authorize params
	rts   map[string]url.Values // refresh token -> authorize params
}

// Start starts the demo server on a free 127.0.0.1 port.
func Start(fault string) (*Server, error) { return StartAt(fault, time.Now) }

// StartAt is Start with the server's clock: it issues tokens at now(), so
// tests that record a login get the same tokens on every run.
func StartAt(fault string, now func() time.Time) (*Server, error) {
	if !slices.ContainsFunc(Faults, func(f Fault) bool { return f.Name == fault }) {
		if near := strings.ReplaceAll(strings.ToLower(fault), "_", "-"); near != fault {
			for _, f := range Faults {
				if f.Name == near {
					return nil, fmt.Errorf("unknown fault %q; did you mean %s?", fault, near)
				}
			}
		}
		return nil, fmt.Errorf("unknown fault %q; the faults are: %s", fault, faultNames())
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the demo server: %w", err)
	}
	s := &Server{
		URL: "http://" + ln.Addr().String(), fault: fault, now: now, key: key,
		txs: map[string]url.Values{}, codes: map[string]url.Values{}, rts: map[string]url.Values{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", s.discovery)
	mux.HandleFunc("GET /jwks", s.jwks)
	mux.HandleFunc("GET /acme/authorize", s.proxy)
	mux.HandleFunc("GET /authorize", s.authorize)
	mux.HandleFunc("GET /login", s.login)
	mux.HandleFunc("POST /login", s.submit)
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("/welcome", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<!doctype html><html><body><h1>Welcome to Demo Corp</h1></body></html>")
	})
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go s.srv.Serve(ln) //nolint:errcheck // ErrServerClosed on Close
	return s, nil
}

func faultNames() string {
	var names []string
	for _, f := range Faults {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Config is the connection a connector would use against the demo: the
// tenant proxy's authorize URL, the server's token URL, an API audience.
func (s *Server) Config() flow.Config {
	cfg := flow.Config{
		Issuer:       s.URL,
		AuthorizeURL: s.URL + "/acme/authorize",
		TokenURL:     s.URL + "/token",
		ClientID:     clientID,
		ClientSecret: clientSecret,
		Scope:        "openid offline_access",
		Params:       []flow.Param{{Name: "audience", Value: apiAudience}},
		ExpectAud:    apiAudience,
	}
	if s.fault == "html-token" {
		cfg.TokenURL = s.URL + "/welcome"
	}
	return cfg
}

// Browse is the demo's browser: it follows the authorize URL with its own
// cookie jar, signs in on the login page and follows the redirect to the
// callback, as a person would in a real browser.
func (s *Server) Browse(authURL string) error {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.Get(authURL)
	if err != nil {
		return fmt.Errorf("demo browser: %w", err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/login" {
		return nil // an error page, or the provider answered the client directly
	}
	resp, err = c.PostForm(s.URL+"/login", url.Values{"login": {"ada"}, "password": {"demo"}})
	if err != nil {
		return fmt.Errorf("demo browser: signing in: %w", err)
	}
	resp.Body.Close()
	return nil
}

func (s *Server) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                 s.URL,
		"authorization_endpoint": s.URL + "/authorize",
		"token_endpoint":         s.URL + "/token",
		"jwks_uri":               s.URL + "/jwks",
	})
}

func (s *Server) jwks(w http.ResponseWriter, _ *http.Request) {
	pub := s.key.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "demo-1",
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

// proxy is the tenant-aware /authorize in front of the server: it adds the
// organisation and sends the browser on, with the fault's bug if any.
func (s *Server) proxy(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	q.Set("organization", "acme")
	switch s.fault {
	case "loop":
		http.Redirect(w, r, "/acme/authorize?"+q.Encode(), http.StatusFound)
		return
	case "state-suffix":
		q.Set("state", q.Get("state")+"|org=acme")
	case "state-base64":
		b, _ := json.Marshal(map[string]string{"state": q.Get("state"), "tenant": "acme"})
		q.Set("state", base64.RawURLEncoding.EncodeToString(b))
	case "redirect-slash":
		q.Set("redirect_uri", q.Get("redirect_uri")+"/")
	case "drop-audience":
		q.Del("audience")
	}
	http.Redirect(w, r, "/authorize?"+q.Encode(), http.StatusFound)
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != clientID {
		errorPage(w, "invalid_client", "unknown client "+q.Get("client_id"))
		return
	}
	ru, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || ru.Scheme != "http" || ru.Hostname() != "127.0.0.1" || ru.Path != "/callback" {
		errorPage(w, "invalid_redirect_uri", "redirect_uri did not match any of the client's registered redirect_uris")
		return
	}
	tx := rand.Text()
	s.mu.Lock()
	s.txs[tx] = q
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "demo_tx", Value: tx, Path: "/", HttpOnly: true})
	http.Redirect(w, r, "/login", http.StatusFound)
}

func (s *Server) tx(r *http.Request) (url.Values, bool) {
	c, err := r.Cookie("demo_tx")
	if err != nil {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.txs[c.Value]
	return q, ok
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.tx(r); !ok {
		errorPage(w, "invalid_request", "login session not found (SessionNotFound): cookies are needed")
		return
	}
	fmt.Fprint(w, `<!doctype html><html><body><h1>Sign in to Demo Corp</h1><form method="post" action="/login">`+
		`<input name="login"><input name="password" type="password"><button>Sign in</button></form></body></html>`)
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request) {
	q, ok := s.tx(r)
	if !ok {
		errorPage(w, "invalid_request", "login session not found (SessionNotFound)")
		return
	}
	code := rand.Text()
	s.mu.Lock()
	s.codes[code] = q
	s.mu.Unlock()
	cb, _ := url.Parse(q.Get("redirect_uri")) // checked at /authorize
	cb.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}, "iss": {s.URL}}.Encode()
	http.Redirect(w, r, cb.String(), http.StatusFound)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != clientID || secret != clientSecret || (s.fault == "basic-only" && !basic) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	var q url.Values
	s.mu.Lock()
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		q = s.codes[r.PostForm.Get("code")]
		delete(s.codes, r.PostForm.Get("code"))
		if q != nil && q.Get("redirect_uri") != r.PostForm.Get("redirect_uri") {
			q = nil
		}
	case "refresh_token":
		q = s.rts[r.PostForm.Get("refresh_token")]
		delete(s.rts, r.PostForm.Get("refresh_token")) // rotation: each refresh token works once
	default:
		s.mu.Unlock()
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "")
		return
	}
	s.mu.Unlock()
	if q == nil {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the code or refresh token is unknown, used, or was issued for another redirect_uri")
		return
	}
	resp, err := s.issue(q)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// issue makes the tokens for an authorize request's parameters.
func (s *Server) issue(q url.Values) (map[string]any, error) {
	now := s.now()
	scope := q.Get("scope")
	resp := map[string]any{"token_type": "Bearer", "expires_in": 3600, "scope": scope}
	aud := q.Get("audience")
	if s.fault == "wrong-aud" {
		aud = "https://management.azure.com/"
	}
	if aud == "" {
		resp["access_token"] = rand.Text() // opaque, as Auth0 issues for /userinfo
	} else {
		at, err := s.sign(jwt.MapClaims{"iss": s.URL + "/", "sub": "ada", "aud": aud, "azp": clientID,
			"scope": scope, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "org_id": q.Get("organization")})
		if err != nil {
			return nil, err
		}
		resp["access_token"] = at
	}
	if strings.Contains(" "+scope+" ", " openid ") {
		claims := jwt.MapClaims{"iss": s.URL, "sub": "ada", "aud": clientID, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		if n := q.Get("nonce"); n != "" {
			claims["nonce"] = n
		}
		idt, err := s.sign(claims)
		if err != nil {
			return nil, err
		}
		resp["id_token"] = idt
	}
	if strings.Contains(" "+scope+" ", " offline_access ") && s.fault != "no-refresh" {
		rt := rand.Text()
		s.mu.Lock()
		s.rts[rt] = q
		s.mu.Unlock()
		resp["refresh_token"] = rt
	}
	return resp, nil
}

func (s *Server) sign(c jwt.MapClaims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	t.Header["kid"] = "demo-1"
	return t.SignedString(s.key)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) //nolint:errcheck // the client went away
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// errorPage answers the way oidc-provider's error page does.
func errorPage(w http.ResponseWriter, code, desc string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, "<!doctype html><html><body><h1>oops! something went wrong</h1><pre>error: %s\nerror_description: %s</pre></body></html>", code, desc)
}
