package flow

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authtrace/authtrace/report"
)

// TestDescribeNetError: what a failed request says, for the failures a
// person can act on, from the errors net/http really returns, both
// through a Client (token endpoint, discovery) and through the transport
// alone (preflight).
func TestDescribeNetError(t *testing.T) {
	quietTLS := func(cfg *tls.Config) *httptest.Server {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes fail on purpose
		srv.TLS = cfg
		srv.StartTLS()
		t.Cleanup(srv.Close)
		return srv
	}
	tlsSrv := quietTLS(nil)
	clientCert := quietTLS(&tls.Config{ClientAuth: tls.RequireAnyClientCert})

	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(plain.Close)

	garbage, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { garbage.Close() })
	go func() {
		for {
			c, err := garbage.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("SSH-2.0-OpenSSH_9.6\r\n\r\n\r\n"))
			c.Close()
		}
	}()

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()

	host := func(s *httptest.Server) string { return s.Listener.Addr().String() }
	tests := []struct {
		name string
		url  string
		rt   http.RoundTripper
		want string // the start of the description
		also string // further on in it
	}{
		{"unknown authority", tlsSrv.URL, http.DefaultTransport, "TLS handshake with " + host(tlsSrv) + " failed: tls: failed to verify certificate: x509: certificate signed by unknown authority", ""},
		{"host name mismatch", strings.Replace(tlsSrv.URL, "127.0.0.1", "localhost", 1), tlsSrv.Client().Transport, "TLS handshake with localhost:", "x509: certificate is valid for"},
		{"server wants a client certificate", clientCert.URL, clientCert.Client().Transport, "TLS handshake with " + host(clientCert) + " failed: ", "remote error: tls: certificate required"},
		{"not TLS at all", "https://" + garbage.Addr().String(), http.DefaultTransport, "TLS handshake with " + garbage.Addr().String() + " failed: tls: first record does not look like a TLS handshake", ""},
		{"plain HTTP on an https URL", "https://" + host(plain), http.DefaultTransport, "request to " + host(plain) + " failed: http: server gave HTTP response to HTTPS client", ""},
		{"refused", "http://" + closedAddr, http.DefaultTransport, "cannot connect to " + closedAddr + ": ", "refused"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		for _, via := range []string{"client", "transport"} {
			t.Run(tt.name+"/"+via, func(t *testing.T) {
				req, _ := http.NewRequest(http.MethodGet, tt.url, nil)
				var err error
				var resp *http.Response
				if via == "client" {
					resp, err = (&http.Client{Transport: tt.rt, Timeout: 5 * time.Second}).Do(req)
				} else {
					resp, err = tt.rt.RoundTrip(req)
				}
				if err == nil {
					resp.Body.Close()
					t.Fatalf("request to %s succeeded, want it to fail", tt.url)
				}
				got := describeNetError(u, err, 5*time.Second)
				if !strings.HasPrefix(got, tt.want) || !strings.Contains(got, tt.also) {
					t.Errorf("describeNetError(%v) =\n%q\nwant it to start with\n%q\nand contain %q", err, got, tt.want, tt.also)
				}
			})
		}
	}
}

// TestTraceBadLocationHop: preflight reads a redirect's Location itself,
// so the hop keeps what the server answered, for every redirect status.
func TestTraceBadLocationHop(t *testing.T) {
	const bad = "http://127.0.0.1:5/cb%zz?state=s"
	for _, status := range []int{http.StatusMultipleChoices, http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			base := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", bad)
				w.WriteHeader(status)
			})
			rep, err := Trace(context.Background(), Config{AuthorizeURL: base + "/authorize", ClientID: "app"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := codes(rep); !slices.Equal(got, []string{report.CodeRedirectBadLocation}) {
				t.Fatalf("findings %v, want only redirect.bad_location", got)
			}
			f := rep.Findings[0]
			h := rep.Hops[len(rep.Hops)-1]
			if f.Hop != h.N || f.Detail["location"] != bad {
				t.Errorf("finding about hop %d with location %q, want hop %d and %q", f.Hop, f.Detail["location"], h.N, bad)
			}
			if h.Status != status || h.Location != bad || h.Error == "" {
				t.Errorf("hop status %d, location %q, error %q; want %d, %q and an error", h.Status, h.Location, h.Error, status, bad)
			}
		})
	}
}

// TestExchangeKeepsTheNetError: a token request that could not be made
// says so in words and keeps net/http's error for errors.As.
func TestExchangeKeepsTheNetError(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := closed.Addr().String()
	closed.Close()
	r := newRunner(Config{TokenURL: "http://" + addr + "/token", ClientID: "app"}, nil, "login")
	g := r.exchange(context.Background(), "code", authRequest{})
	if _, ok := errors.AsType[*net.OpError](g.err); !ok || !strings.HasPrefix(g.err.Error(), "cannot connect to "+addr) {
		t.Errorf("exchange error %q (%T), want the words and a *net.OpError inside", g.err, g.err)
	}
}

// TestTraceSilentLogin: a provider that answers with a code straight to
// the callback (a session it had, prompt=none) gets an info finding that
// says why there was no login page; the callback is recorded, never
// requested.
func TestTraceSilentLogin(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code=silent-code-1&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	}))
	defer srv.Close()
	rep, err := Trace(context.Background(), Config{AuthorizeURL: srv.URL + "/authorize", ClientID: "app", RedirectURI: "http://127.0.0.1:1/callback"}, func(Event) {})
	if err != nil {
		t.Fatal(err)
	}
	var got *report.Finding
	for i, f := range rep.Findings {
		if f.Code == report.CodeAuthorizeNoLogin {
			got = &rep.Findings[i]
		}
		if f.Severity == report.SeverityError {
			t.Errorf("error finding %s: %s", f.Code, f.Message)
		}
	}
	last := rep.Hops[len(rep.Hops)-1]
	if got == nil || got.Severity != report.SeverityInfo || got.Hop != last.N || last.Role != report.RoleCallback || last.Status != 0 {
		t.Errorf("findings %+v, last hop %+v: want authorize.no_login (info) on the callback hop, which was not requested", rep.Findings, last)
	}
}
