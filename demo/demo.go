// Package demo is a built-in authorization server with a tenant-aware
// proxy in front of it, for `authtrace demo`: the whole login runs against
// it on 127.0.0.1, and each fault makes the proxy or server misbehave the
// way real ones do, so a person can see what authtrace shows for it. The
// server is zitadel/oidc's OpenID provider (the protocol: discovery, JWKS,
// PKCE, redirect_uri matching, codes, refresh, and its own error answers)
// on a small in-memory storage, where the demo decides audiences, token
// types and what the client may do; faults are the proxy's or the
// storage's, never a second implementation of the protocol. It is no
// substitute for the e2e suite's oidc-provider; it needs nothing installed.
package demo

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/internal/editdist"
	"github.com/authtrace/authtrace/report"
)

// Fault is one way the demo can break, with what authtrace reports for it:
// its errors and warnings, each a finding code or a code with the detail
// that tells one kind of the problem from another ("state.changed
// kind=suffix_added"). Nothing else is reported at those levels, and the
// healthy demo reports neither; the tests of the engine and of the
// command hold each fault to this.
type Fault struct {
	Name, Description string
	Errors, Warnings  []string
	// NotAsPlatform says why the fault cannot happen to the requests
	// Power Platform sends (--as power-platform), when it cannot.
	NotAsPlatform string
}

// Faults lists the faults the demo knows, healthy first.
var Faults = []Fault{
	{Name: "none", Description: "a healthy login: tenant proxy, login page, code, JWT access token for the API, refresh with rotation"},
	{Name: "state-suffix", Description: "the tenant proxy appends \"|org=acme\" to state",
		Errors: []string{"state.changed kind=suffix_added"}},
	{Name: "state-base64", Description: "the tenant proxy wraps state in base64 JSON with the tenant",
		Errors: []string{"state.changed kind=wrapped"}},
	{Name: "redirect-slash", Description: "the tenant proxy adds a trailing slash to redirect_uri",
		Errors: []string{"redirect_uri.changed kind=trailing_slash", "redirect_uri.rejected"}},
	{Name: "drop-audience", Description: "the tenant proxy drops the audience parameter, so the access token is opaque",
		Errors: []string{"param.dropped", "access_token.opaque"}},
	{Name: "loop", Description: "the tenant proxy redirects to itself forever",
		Errors: []string{"redirect.loop"}},
	{Name: "no-refresh", Description: "the server withholds the refresh token although offline_access was asked for",
		Errors: []string{"refresh_token.missing cause=withheld"}},
	{Name: "basic-only", Description: "the token endpoint accepts the client secret only as an HTTP Basic header",
		Warnings: []string{"token.client_auth"}},
	{Name: "html-token", Description: "the token URL serves an HTML page",
		Errors: []string{"token.not_json"}},
	{Name: "wrong-aud", Description: "the server issues the access token for another audience",
		Errors: []string{"jwt.aud_mismatch"}, Warnings: []string{"jwt.aud_azure_management"}},
	{Name: "state-plus-space", Description: "the tenant proxy decodes + in a standard-base64 state to a space",
		Errors:        []string{"state.changed kind=plus_to_space"},
		NotAsPlatform: "the platform's state (<GUID>_<cluster>_azure-apim.net) has no +"},
	{Name: "state-truncate", Description: "the tenant proxy cuts a Power Platform-shaped state (<GUID>_<cluster>_azure-apim.net) short",
		Errors: []string{"state.changed kind=truncated"}},
	{Name: "state-double-encoded", Description: "the tenant proxy percent-encodes a standard-base64 state again",
		Errors:        []string{"state.changed kind=percent_encoded_twice"},
		NotAsPlatform: "the platform's state (<GUID>_<cluster>_azure-apim.net) has no character that percent-encoding changes"},
	{Name: "redirect-unregistered", Description: "the client's registered redirect_uri is another path, so the server refuses the one sent",
		Errors: []string{"redirect_uri.rejected"}},
	{Name: "no-offline-access", Description: "the client does not ask for offline_access, so no refresh token comes back",
		Errors: []string{"refresh_token.missing cause=offline_access_not_requested"}},
	{Name: "consent-denied", Description: "the person denies the app on the consent page: access_denied at the callback",
		Errors: []string{"authorize.error error=access_denied"}},
	{Name: "pkce-required", Description: "the client is registered as public (its secret is ignored), so the server requires PKCE, and the connector sends none",
		Errors: []string{"token.error error=invalid_request"}},
	{Name: "expired-token", Description: "the server's clock is two hours behind: the access token arrives expired",
		Errors: []string{"jwt.expired"}},
	{Name: "nonce-mismatch", Description: "the server puts another login's nonce in the ID token",
		Errors:        []string{"id_token.nonce_mismatch"},
		NotAsPlatform: "the platform sends no nonce, so it checks none"},
	{Name: "refresh-invalid-grant", Description: "the server refuses the refresh token with invalid_grant, as one already rotated away",
		Errors: []string{"refresh.failed error=invalid_grant"}},
	{Name: "audience-unknown", Description: "the connector asks for a misspelt audience; the server answers access_denied, service not found",
		Errors: []string{"authorize.error error=access_denied"}},
}

// Shown lists a report's findings of one severity as Fault names them,
// sorted, each once: the code, with the detail that tells one kind of the
// problem from another. A report of fault f shows f.Errors at error level
// and f.Warnings at warn level.
func Shown(rep report.Report, sev report.Severity) []string {
	var out []string
	for _, f := range rep.Findings {
		if f.Severity != sev {
			continue
		}
		c := f.Code
		for _, k := range []string{"kind", "cause", "error"} {
			if v := f.Detail[k]; v != "" {
				c += " " + k + "=" + v
				break
			}
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

const (
	clientID     = "demo-app"
	clientSecret = "demo-secret"
	apiAudience  = "https://api.demo.example"
	demoUser     = "ada"
	demoPassword = "demo"
)

// Server is a running demo provider: the library's OpenID provider with
// the demo's storage, behind the tenant proxy and the login page.
type Server struct {
	URL   string
	fault string
	srv   *http.Server
	store *storage
	op    *op.Provider
}

// Start starts the demo server on a free 127.0.0.1 port.
func Start(fault string) (*Server, error) { return StartAt(fault, time.Now) }

// StartAt is Start with the server's clock: it issues tokens at now(), so
// tests that record a login get the same tokens on every run.
func StartAt(fault string, now func() time.Time) (*Server, error) {
	if _, err := Lookup(fault); err != nil {
		return nil, err
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the demo server: %w", err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), fault: fault, store: newStorage(fault, now, key)}
	cfg := &op.Config{
		CodeMethodS256:        true,
		AuthMethodPost:        true,
		GrantTypeRefreshToken: true,
	}
	rand.Read(cfg.CryptoKey[:]) // the library encrypts codes and opaque tokens with it
	s.op, err = op.NewProvider(cfg, s.store, op.StaticIssuer(s.URL), op.WithAllowInsecure(), op.WithHttpInterceptors(withCall))
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("starting the demo server: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /acme/authorize", s.proxy)
	mux.HandleFunc("GET /login", s.login)
	mux.HandleFunc("POST /login", s.submit)
	mux.HandleFunc("POST /consent", s.consent)
	mux.HandleFunc("/welcome", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<!doctype html><html><body><h1>Welcome to Demo Corp</h1></body></html>")
	})
	mux.Handle("/", s.op)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go s.srv.Serve(ln) //nolint:errcheck // ErrServerClosed on Close
	return s, nil
}

// Lookup is the fault of that name. Its error for another name lists the
// faults, with the one probably meant first when the name is a near miss.
func Lookup(name string) (Fault, error) {
	i := slices.IndexFunc(Faults, func(f Fault) bool { return f.Name == name })
	if i >= 0 {
		return Faults[i], nil
	}
	near := strings.ReplaceAll(strings.ToLower(name), "_", "-")
	for _, f := range Faults {
		if f.Name == near || editdist.Distance(f.Name, near) <= 2 || strings.ReplaceAll(f.Name, "-", "") == near {
			return Fault{}, fmt.Errorf("unknown fault %q; did you mean %s? The faults are: %s", name, f.Name, faultNames())
		}
	}
	return Fault{}, fmt.Errorf("unknown fault %q; the faults are: %s", name, faultNames())
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
		TokenURL:     s.URL + "/oauth/token",
		ClientID:     clientID,
		ClientSecret: clientSecret,
		Scope:        "openid offline_access",
		Params:       []flow.Param{{Name: "audience", Value: apiAudience}},
		ExpectAud:    apiAudience,
	}
	switch s.fault {
	case "html-token":
		cfg.TokenURL = s.URL + "/welcome"
	case "state-plus-space", "state-double-encoded":
		cfg.State = base64State()
	case "state-truncate":
		cfg.State = flow.PowerPlatformState()
	case "no-offline-access":
		cfg.Scope = "openid"
	case "pkce-required":
		cfg.NoPKCE = true
	case "audience-unknown":
		cfg.Params = []flow.Param{{Name: "audience", Value: "https://api.demo.exmaple"}}
	}
	return cfg
}

// base64State is a state as many SDKs make them: long, standard base64
// with +, / and = in it, the characters a proxy mangles.
func base64State() string {
	b := append([]byte{0xfb, 0xef, 0xbe, 0xff}, []byte(rand.Text()+rand.Text())...)
	return base64.StdEncoding.EncodeToString(b)
}

// Browse is the demo's browser: it follows the authorize URL with its own
// cookie jar, signs in on the login page and follows the redirect to the
// callback, as a person would in a real browser.
func (s *Server) Browse(authURL string) error { return s.BrowseSeen(authURL, nil) }

// BrowseSeen is Browse that hands every answer it gets, redirects one by
// one, to seen (when not nil), as a captured browser's network events
// report them: the tests of the engine's browser capture watch it.
func (s *Server) BrowseSeen(authURL string, seen func(*http.Response)) error {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	if seen != nil {
		c.Transport = seeing{http.DefaultTransport, seen}
	}
	resp, err := c.Get(authURL)
	if err != nil {
		return fmt.Errorf("demo browser: %w", err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/login" {
		return nil // an error page, or the provider answered the client directly
	}
	id := resp.Request.URL.Query().Get("authRequestID")
	resp, err = c.PostForm(s.URL+"/login", url.Values{"id": {id}, "login": {demoUser}, "password": {demoPassword}})
	if err = pageError(resp, err); err != nil {
		return fmt.Errorf("demo browser: signing in: %w", err)
	}
	answer := "allow"
	if s.fault == "consent-denied" {
		answer = "deny" // the person says no
	}
	resp, err = c.PostForm(s.URL+"/consent", url.Values{"id": {id}, "answer": {answer}})
	if err = pageError(resp, err); err != nil {
		return fmt.Errorf("demo browser: consenting: %w", err)
	}
	return nil
}

// seeing is a transport that shows each answer to seen.
type seeing struct {
	next http.RoundTripper
	seen func(*http.Response)
}

func (t seeing) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err == nil {
		t.seen(resp)
	}
	return resp, err
}

// pageError is what went wrong with a page the built-in browser posted
// to: no answer, or an HTTP error, which a person would see and stop at.
func pageError(resp *http.Response, err error) error {
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		return fmt.Errorf("%s answered HTTP %d", resp.Request.URL.Path, resp.StatusCode)
	}
	return nil
}

// proxy is the tenant-aware /authorize in front of the server: it adds the
// organisation and sends the browser on, with the fault's bug if any.
func (s *Server) proxy(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if ProxyForward(s.fault, "acme", q) {
		http.Redirect(w, r, "/acme/authorize?"+q.Encode(), http.StatusFound)
		return
	}
	http.Redirect(w, r, "/authorize?"+q.Encode(), http.StatusFound)
}

// ProxyForward is a tenant proxy's work on an authorize request: it adds
// organization=org to the query q and, for a fault of the proxy's, breaks
// q the way that fault does. loop is true when the proxy sends the browser
// back to its own entry instead of forwarding (the loop fault). Other
// faults leave q as a healthy proxy forwards it. The end-to-end suite's
// proxy in front of oidc-provider calls it too: one implementation of each
// proxy fault, under the demo's name.
func ProxyForward(fault, org string, q url.Values) (loop bool) {
	q.Set("organization", org)
	switch fault {
	case "loop":
		return true
	case "state-suffix":
		q.Set("state", q.Get("state")+"|org="+org)
	case "state-base64":
		b, _ := json.Marshal(map[string]string{"state": q.Get("state"), "tenant": org})
		q.Set("state", base64.RawURLEncoding.EncodeToString(b))
	case "redirect-slash":
		q.Set("redirect_uri", q.Get("redirect_uri")+"/")
	case "drop-audience":
		q.Del("audience")
	case "state-plus-space":
		q.Set("state", strings.ReplaceAll(q.Get("state"), "+", " "))
	case "state-truncate":
		q.Set("state", q.Get("state")[:min(len(q.Get("state")), 40)])
	case "state-double-encoded":
		q.Set("state", url.QueryEscape(q.Get("state")))
	}
	return false
}

// loginPage is filled in with the demo user, so a person who opens the
// demo in a real browser only has to press the button.
var loginPage = template.Must(template.New("login").Parse(`<!doctype html><html><body><h1>Sign in to Demo Corp</h1>` +
	`<form method="post" action="/login"><input type="hidden" name="id" value="{{.ID}}">` +
	`<input name="login" value="{{.User}}"><input name="password" type="password" value="{{.Password}}">` +
	`<button>Sign in</button></form></body></html>`))

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("authRequestID")
	if _, err := s.store.AuthRequestByID(r.Context(), id); err != nil {
		http.Error(w, "login session not found (SessionNotFound)", http.StatusBadRequest)
		return
	}
	loginPage.Execute(w, map[string]string{"ID": id, "User": demoUser, "Password": demoPassword}) //nolint:errcheck // the browser went away
}

// submit signs the demo user in and shows the consent page.
func (s *Server) submit(w http.ResponseWriter, r *http.Request) {
	id := r.PostFormValue("id")
	if !s.store.signIn(id, r.PostFormValue("login"), r.PostFormValue("password")) {
		http.Error(w, "wrong user or password, or the login session is gone", http.StatusUnauthorized)
		return
	}
	a, err := s.store.AuthRequestByID(r.Context(), id)
	if err != nil {
		http.Error(w, "login session not found (SessionNotFound)", http.StatusBadRequest)
		return
	}
	consentPage.Execute(w, map[string]string{"ID": id, "Client": a.GetClientID(), "Scope": strings.Join(a.GetScopes(), " ")}) //nolint:errcheck // the browser went away
}

// consentPage asks the person to let the app in, as real providers do
// on a first sign-in; its buttons post the answer to /consent.
var consentPage = template.Must(template.New("consent").Parse(`<!doctype html><html><body><h1>Allow {{.Client}}?</h1>` +
	`<p>{{.Client}} asks for: {{.Scope}}</p>` +
	`<form method="post" action="/consent"><input type="hidden" name="id" value="{{.ID}}">` +
	`<button name="answer" value="allow">Allow</button> <button name="answer" value="deny">Deny</button></form></body></html>`))

// consent takes the answer: allow hands the login back to the library,
// which issues the code at its callback; deny answers access_denied there,
// as the library answers it. With consent-denied the person says no.
func (s *Server) consent(w http.ResponseWriter, r *http.Request) {
	id := r.PostFormValue("id")
	a, err := s.store.AuthRequestByID(r.Context(), id)
	if err != nil || !a.Done() {
		http.Error(w, "login session not found or not signed in (SessionNotFound)", http.StatusBadRequest)
		return
	}
	if r.PostFormValue("answer") != "allow" {
		op.AuthRequestError(w, r, a, oidc.ErrAccessDenied().WithDescription("the user declined the consent"), s.op)
		return
	}
	ctx := op.ContextWithIssuer(r.Context(), s.URL)
	http.Redirect(w, r, op.AuthCallbackURL(s.op)(ctx, id), http.StatusFound)
}
