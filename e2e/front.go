package e2e

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"
)

// Front is a gateway in front of the whole provider, as organisations put
// one (a WAF, an API gateway, an identity proxy that adds a step after
// sign-in): every page, post and redirect of the login goes through it,
// the provider's own absolute redirects rewritten to the front's address
// as reverse proxies do. With StateSuffix it appends that to state on the
// provider's redirect back to the client, the one after the login and
// consent pages: a change authtrace's own preflight never sees, which only
// a browser capture can place.
type Front struct {
	Provider    string // the provider's URL (its issuer)
	RedirectURI string // the client's: redirects there carry the state
	StateSuffix string
	// LoopAfterLogin sends the redirect back to the client round
	// /loop instead, forever: a post-login rule that never settles.
	LoopAfterLogin bool

	URL string // where the front listens, set by Start
	srv *http.Server
}

// Start listens on a free loopback port and serves until Close.
func (f *Front) Start() error {
	target, err := url.Parse(f.Provider)
	if err != nil {
		return fmt.Errorf("front: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("front: listen: %w", err)
	}
	f.URL = "http://" + ln.Addr().String()
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(resp *http.Response) error {
		if loc := resp.Header.Get("Location"); loc != "" {
			resp.Header.Set("Location", f.location(loc))
		}
		return nil
	}
	mux := http.NewServeMux()
	mux.Handle("/", rp)
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop?"+r.URL.RawQuery, http.StatusFound)
	})
	f.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go f.srv.Serve(ln) //nolint:errcheck // ends with ErrServerClosed at Close
	return nil
}

// location is a redirect of the provider's as the front gives it.
func (f *Front) location(loc string) string {
	if rest, ok := strings.CutPrefix(loc, f.Provider); ok {
		return f.URL + rest
	}
	if !strings.HasPrefix(loc, f.RedirectURI) {
		return loc
	}
	if f.LoopAfterLogin {
		return f.URL + "/loop?from=login"
	}
	if f.StateSuffix == "" {
		return loc
	}
	u, err := url.Parse(loc)
	if err != nil {
		return loc
	}
	q := u.Query()
	if q.Has("state") {
		q.Set("state", q.Get("state")+f.StateSuffix)
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Close stops the front.
func (f *Front) Close() error {
	if f.srv == nil {
		return nil
	}
	return f.srv.Close()
}
