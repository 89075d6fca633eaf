// Package e2e is authtrace's end-to-end suite: the real authtrace binary
// against a real authorization server (oidc-provider, see provider/), logged
// into by headless Chromium (see browser/), with a tenant-aware proxy in
// front of the server that can break the login the way real proxies do.
//
// Run it with `go test ./e2e/`; e2e/setup.sh installs what it needs.
package e2e

import (
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/authtrace/authtrace/demo"
)

// Fault is a bug the tenant proxy can have, each one seen in real tenant
// proxies and SDKs in front of an authorization server. They are authtrace
// demo's (--fault), applied by the same code (demo.ProxyForward): one
// vocabulary and one implementation for the demo and the suites.
type Fault string

const (
	FaultNone          Fault = ""
	FaultStateSuffix   Fault = "state-suffix"         // appends "|org=<org>" to state
	FaultStateBase64   Fault = "state-base64"         // wraps state in base64url JSON with the tenant
	FaultRedirectSlash Fault = "redirect-slash"       // adds a trailing slash to redirect_uri
	FaultDropAudience  Fault = "drop-audience"        // forwards neither audience nor resource
	FaultLoop          Fault = "loop"                 // the tenant hop sends the browser back to /authorize
	FaultStatePlus     Fault = "state-plus-space"     // decodes + in state to a space
	FaultStateTruncate Fault = "state-truncate"       // cuts state to 40 characters
	FaultStateEncoded  Fault = "state-double-encoded" // percent-encodes state again
)

// proxyFaults are the faults the proxy has.
var proxyFaults = []Fault{FaultStateSuffix, FaultStateBase64, FaultRedirectSlash, FaultDropAudience, FaultLoop,
	FaultStatePlus, FaultStateTruncate, FaultStateEncoded}

// Proxy is a tenant-aware /authorize front, as organisations put in front of
// a shared authorization server (Auth0 organizations, B2B tenants):
//
//	GET /authorize?...            works out the organisation (organization=
//	                              or tenant= parameter, else "acme") and
//	                              redirects to /t/<org>/authorize?...
//	GET /t/<org>/authorize?...    adds organization=<org>, applies the
//	                              fault, maps audience= to resource= (RFC
//	                              8707, which oidc-provider reads), and
//	                              redirects to the provider
//	GET|POST /token-html          a "token URL" that serves an HTML page, as
//	                              a mistyped token URL does
//
// so a healthy chain is proxy → proxy → provider → login page. Fault
// selects one bug; the zero value has none.
type Proxy struct {
	// AuthorizeURL is the provider's authorization endpoint.
	AuthorizeURL string
	Fault        Fault

	// URL is where the proxy listens (http://127.0.0.1:PORT), set by Start.
	URL string
	srv *http.Server
}

// Start listens on a free loopback port and serves until Close.
func (p *Proxy) Start() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("proxy: listen: %w", err)
	}
	p.srv = &http.Server{Handler: p.Handler(), ReadHeaderTimeout: 10 * time.Second}
	p.URL = "http://" + ln.Addr().String()
	go p.srv.Serve(ln) //nolint:errcheck // ends with ErrServerClosed at Close
	return nil
}

// Handler serves the proxy's routes; Start serves it on a loopback port.
func (p *Proxy) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("GET /t/{org}/authorize", p.tenantAuthorize)
	mux.HandleFunc("/token-html", tokenHTML)
	return mux
}

// Close stops the proxy.
func (p *Proxy) Close() error {
	if p.srv == nil {
		return nil
	}
	return p.srv.Close()
}

// validOrg is what an organisation name may be; others get a 400, as
// from a tenant lookup that finds nothing.
var validOrg = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$`)

func (p *Proxy) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	org := q.Get("organization")
	if org == "" {
		org = q.Get("tenant")
	}
	if org == "" {
		org = "acme"
	}
	if !validOrg.MatchString(org) {
		http.Error(w, "unknown organization "+strconv.Quote(org), http.StatusBadRequest)
		return
	}
	q.Del("tenant")
	http.Redirect(w, r, "/t/"+org+"/authorize?"+q.Encode(), http.StatusFound)
}

func (p *Proxy) tenantAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if demo.ProxyForward(string(p.Fault), r.PathValue("org"), q) {
		// A tenant lookup that falls back to the entry point: the browser
		// goes round /authorize → /t/<org>/authorize → /authorize ...
		http.Redirect(w, r, "/authorize?"+q.Encode(), http.StatusFound)
		return
	}
	if aud := q.Get("audience"); aud != "" && q.Get("resource") == "" {
		q.Set("resource", aud)
	}
	http.Redirect(w, r, p.AuthorizeURL+"?"+q.Encode(), http.StatusFound)
}

// tokenHTML is what a token URL pointing at a web page answers: 200 and a
// sign-in page, whatever was posted.
func tokenHTML(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, `<!DOCTYPE html>
<html><head><title>Sign in - Acme</title></head>
<body><h1>Sign in to Acme</h1><form method="post" action="/login">
<input name="username"><input type="password" name="password"><button>Sign in</button>
</form></body></html>
`)
}
