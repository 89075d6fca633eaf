package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/authtrace/authtrace/report"
)

// codes lists the finding codes of a report, in order.
func codes(r report.Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Code)
	}
	return out
}

func findingFor(r report.Report, code string) (report.Finding, bool) {
	for _, f := range r.Findings {
		if f.Code == code {
			return f, true
		}
	}
	return report.Finding{}, false
}

func baseConfig(p *fakeProvider) Config {
	return Config{
		AuthorizeURL:   p.url("/t/authorize"),
		TokenURL:       p.url("/token"),
		ClientID:       "app",
		ClientSecret:   "s3cret",
		Scope:          "openid offline_access",
		Timeout:        10 * time.Second,
		RequestTimeout: 5 * time.Second,
	}
}

// TestRunWholeLogin runs authorize -> callback -> exchange -> refresh with
// the browser replaced by an HTTP client, against a fake token endpoint
// that answers what no real provider library does: bodies of the wrong
// shape, odd status codes, scopes and secrets a test picks. The classic
// failures of real providers run against the demo's (demo_test.go).
func TestRunWholeLogin(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(*fakeProvider, *Config)
		want   []string // finding codes, in any order
		browse bool     // whether the browser should have been opened
		check  func(*testing.T, report.Report)
	}{
		{
			name:   "healthy",
			setup:  func(*fakeProvider, *Config) {},
			want:   []string{report.CodeParamAdded},
			browse: true,
		},
		{
			name:   "refresh not rotated",
			setup:  func(p *fakeProvider, _ *Config) { p.rotate = false },
			want:   []string{report.CodeParamAdded},
			browse: true,
			check: func(t *testing.T, r report.Report) {
				if r.Refresh == nil || r.Refresh.Rotated {
					t.Errorf("refresh = %+v, want not rotated", r.Refresh)
				}
			},
		},
		{
			name: "scope and prompt in the Authorization URL itself",
			setup: func(p *fakeProvider, c *Config) {
				p.refresh = false
				c.AuthorizeURL += "?scope=openid+offline_access&prompt=consent"
				c.Scope = ""
			},
			want:   []string{report.CodeParamAdded, report.CodeRefreshTokenMissing},
			browse: true,
			check: func(t *testing.T, r report.Report) {
				f, _ := findingFor(r, report.CodeRefreshTokenMissing)
				if f.Detail["cause"] != "withheld" {
					t.Errorf("cause = %q, want withheld: offline_access was in the URL's own scope", f.Detail["cause"])
				}
			},
		},
		{
			name:   "wrong secret",
			setup:  func(_ *fakeProvider, c *Config) { c.ClientSecret = "nope"; c.ClientAuth = ClientAuthPost },
			want:   []string{report.CodeParamAdded, report.CodeTokenError},
			browse: true,
			check: func(t *testing.T, r report.Report) {
				f, _ := findingFor(r, report.CodeTokenError)
				if f.Detail["error"] != "invalid_client" || f.Detail["status"] != "401" {
					t.Errorf("detail = %v, want invalid_client 401", f.Detail)
				}
			},
		},
		{
			name:   "no secret given",
			setup:  func(_ *fakeProvider, c *Config) { c.ClientSecret = ""; c.ClientAuth = ClientAuthPost },
			want:   []string{report.CodeParamAdded, report.CodeTokenError},
			browse: true,
			check: func(t *testing.T, r report.Report) {
				if f, _ := findingFor(r, report.CodeTokenError); !strings.Contains(f.Message, "no client secret was sent") {
					t.Errorf("message %q does not say no secret was sent", f.Message)
				}
			},
		},
		{
			name: "error with HTTP 200",
			setup: func(p *fakeProvider, _ *Config) {
				p.tokenBody, p.tokenType = `{"error":"invalid_grant","error_description":"code expired"}`, "application/json"
			},
			want:   []string{report.CodeParamAdded, report.CodeTokenError},
			browse: true,
		},
		{
			name: "form-encoded token response",
			setup: func(p *fakeProvider, _ *Config) {
				p.tokenBody, p.tokenType = "access_token=abc&token_type=bearer&scope=openid", "application/x-www-form-urlencoded"
			},
			want:   []string{report.CodeParamAdded, report.CodeTokenNotJSON, report.CodeAccessTokenOpaque, report.CodeRefreshTokenMissing},
			browse: true,
		},
		{
			name:   "access token for another audience",
			setup:  func(_ *fakeProvider, c *Config) { c.ExpectAud = "https://api.other.example" },
			want:   []string{report.CodeParamAdded, report.CodeJWTAudMismatch},
			browse: true,
			check: func(t *testing.T, r report.Report) {
				if len(r.Tokens) == 0 || r.Tokens[0].Kind != "access_token" || r.Tokens[0].Format != "jwt" {
					t.Errorf("tokens = %+v, want the decoded JWT access token", r.Tokens)
				}
			},
		},
		{
			name: "huge token answer",
			setup: func(p *fakeProvider, _ *Config) {
				p.tokenBody, p.tokenType = strings.Repeat("x", 1<<20+100), "text/plain"
			},
			want:   []string{report.CodeParamAdded, report.CodeBodyTruncated, report.CodeTokenNotJSON},
			browse: true,
			check: func(t *testing.T, r report.Report) {
				if resp := r.Exchange.Response; !resp.Truncated || len(resp.Body) != 1<<20 {
					t.Errorf("response truncated=%v with %d bytes, want the first 1 MiB", resp.Truncated, len(resp.Body))
				}
			},
		},
		{
			name:   "ID token signed with another secret",
			setup:  func(p *fakeProvider, _ *Config) { p.idTokenKey = "not-the-client-secret" },
			want:   []string{report.CodeParamAdded, report.CodeJWTSignatureInvalid},
			browse: true,
			check: func(t *testing.T, r report.Report) {
				if f, _ := findingFor(r, report.CodeJWTSignatureInvalid); f.Token != "id_token" {
					t.Errorf("signature finding is about %q, want id_token", f.Token)
				}
			},
		},
		{
			name: "scope not granted",
			setup: func(p *fakeProvider, c *Config) {
				c.Scope, p.grantScope = "openid offline_access api:write", "openid offline_access"
			},
			want:   []string{report.CodeParamAdded, report.CodeScopeNotGranted},
			browse: true,
			check: func(t *testing.T, r report.Report) {
				if f, _ := findingFor(r, report.CodeScopeNotGranted); f.Detail["scope"] != "api:write" {
					t.Errorf("scope.not_granted names %q, want api:write", f.Detail["scope"])
				}
			},
		},
		{
			name: "API scope only, as with resource indicators",
			setup: func(p *fakeProvider, c *Config) {
				c.Scope, p.grantScope = "openid profile offline_access api:read", "api:read"
				c.Params = []Param{{"resource", "https://api.fake.example"}}
			},
			want:   []string{report.CodeParamAdded},
			browse: true,
		},
		{
			name: "token endpoint fails without an OAuth error",
			setup: func(p *fakeProvider, _ *Config) {
				p.tokenBody, p.tokenType, p.tokenStatus = `{"message":"internal"}`, "application/json", http.StatusInternalServerError
			},
			want:   []string{report.CodeParamAdded, report.CodeTokenError},
			browse: true,
			check: func(t *testing.T, r report.Report) {
				if f, _ := findingFor(r, report.CodeTokenError); !strings.Contains(f.Message, "HTTP 500 without an OAuth error code") {
					t.Errorf("message %q does not say what came back", f.Message)
				}
			},
		},
		{
			name: "answer without access_token",
			setup: func(p *fakeProvider, _ *Config) {
				p.tokenBody, p.tokenType = `{"sub":"ada","email":"ada@example.com"}`, "application/json"
			},
			want:   []string{report.CodeParamAdded, report.CodeTokenError},
			browse: true,
			check: func(t *testing.T, r report.Report) {
				if f, _ := findingFor(r, report.CodeTokenError); f.Detail["error"] != "no_access_token" {
					t.Errorf("detail %v, want error no_access_token", f.Detail)
				}
			},
		},
		{
			name: "malformed JSON",
			setup: func(p *fakeProvider, _ *Config) {
				p.tokenBody, p.tokenType = `{"access_token":"abc",`, "application/json"
			},
			want:   []string{report.CodeParamAdded, report.CodeTokenNotJSON},
			browse: true,
			check: func(t *testing.T, r report.Report) {
				if f, _ := findingFor(r, report.CodeTokenNotJSON); f.Detail["format"] != "malformed_json" {
					t.Errorf("detail %v, want format malformed_json", f.Detail)
				}
			},
		},
		{
			name:   "too many hops",
			setup:  func(p *fakeProvider, c *Config) { c.MaxHops = 2 },
			want:   []string{report.CodeParamAdded, report.CodeRedirectTooMany},
			browse: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newFakeProvider(t)
			cfg := baseConfig(p)
			tt.setup(p, &cfg)
			opened := false
			walk := walker(t, p)
			cfg.OpenBrowser = func(u string) error { opened = true; return walk(u) }
			var events []Event
			rep, err := Run(context.Background(), cfg, func(e Event) { events = append(events, e) })
			if err != nil {
				t.Fatalf("Run: %v (findings %v)", err, codes(rep))
			}
			got := codes(rep)
			if !sameMultiset(got, tt.want) {
				t.Errorf("findings = %v, want %v\n%s", got, tt.want, describe(rep))
			}
			if opened != tt.browse {
				t.Errorf("browser opened = %v, want %v", opened, tt.browse)
			}
			nFindings := 0
			for _, e := range events {
				if e.Kind == EventFinding {
					nFindings++
				}
			}
			if nFindings != len(rep.Findings) {
				t.Errorf("%d finding events, %d findings in the report: they must agree", nFindings, len(rep.Findings))
			}
			if tt.check != nil {
				tt.check(t, rep)
			}
		})
	}
}

func sameMultiset(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func describe(r report.Report) string {
	var b strings.Builder
	for _, h := range r.Hops {
		fmt.Fprintf(&b, "  hop %d %s %s %d %s %v\n", h.N, h.Source, h.Role, h.Status, h.URL, h.Params)
	}
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "  %s %s hop %d: %s %v\n", f.Severity, f.Code, f.Hop, f.Message, f.Detail)
	}
	return b.String()
}

func TestRunTimeout(t *testing.T) {
	p := newFakeProvider(t)
	cfg := baseConfig(p)
	cfg.Timeout = 300 * time.Millisecond
	cfg.OpenBrowser = func(string) error { return nil } // nobody logs in
	rep, err := Run(context.Background(), cfg, nil)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Run error = %v, want ErrTimeout", err)
	}
	if rep.Error == "" {
		t.Errorf("report.Error is empty; it must say why the run stopped")
	}
}

func TestRunBrowserFailsStillWaits(t *testing.T) {
	p := newFakeProvider(t)
	cfg := baseConfig(p)
	walk := walker(t, p)
	var logs []string
	cfg.OpenBrowser = func(u string) error {
		walk(u) // a person opened the URL by hand
		return errors.New("no browser here")
	}
	rep, err := Run(context.Background(), cfg, func(e Event) {
		if e.Kind == EventLog {
			logs = append(logs, e.Text)
		}
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if rep.Exchange == nil {
		t.Fatalf("no exchange: the login must go on when the browser cannot be opened")
	}
	if !slices.ContainsFunc(logs, func(s string) bool { return strings.Contains(s, "open this URL yourself") }) {
		t.Errorf("logs %q do not tell the person to open the URL", logs)
	}
}

func TestRunPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	p := newFakeProvider(t)
	cfg := baseConfig(p)
	cfg.Port = ln.Addr().(*net.TCPAddr).Port
	_, err = Run(context.Background(), cfg, nil)
	var le *ListenError
	if !errors.As(err, &le) || !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("Run error = %v, want a ListenError for a port in use", err)
	}
	// The caller words the settings: here as <setting>.
	marks := func(s Setting) string { return "<" + string(s) + ">" }
	if msg := Phrase(err, marks); !strings.Contains(msg, "<port> (0: any free one)") || !strings.Contains(msg, fmt.Sprint(cfg.Port)) {
		t.Errorf("error %q should name the port and suggest port 0", msg)
	}
	// With the port in the redirect URI, the port setting cannot help.
	cfg.Port, cfg.RedirectURI = 0, fmt.Sprintf("http://127.0.0.1:%d/callback", ln.Addr().(*net.TCPAddr).Port)
	_, err = Run(context.Background(), cfg, nil)
	if msg := Phrase(err, marks); !errors.As(err, &le) || !strings.Contains(msg, "<redirect_uri>") || strings.Contains(msg, "<port>") {
		t.Errorf("error %q should point at the redirect URI, not the port", msg)
	}
}

func TestRunConfigErrors(t *testing.T) {
	tests := []struct {
		name    string
		mod     func(*Config)
		setting Setting
	}{
		{"no authorize URL", func(c *Config) { c.AuthorizeURL = "" }, SettingAuthorizeURL},
		{"relative authorize URL", func(c *Config) { c.AuthorizeURL = "/authorize" }, SettingAuthorizeURL},
		{"ftp token URL", func(c *Config) { c.TokenURL = "ftp://example.com/token" }, SettingTokenURL},
		{"no client id", func(c *Config) { c.ClientID = "" }, SettingClientID},
		{"redirect not loopback", func(c *Config) { c.RedirectURI = "http://example.com/cb" }, SettingRedirectURI},
		{"https redirect", func(c *Config) { c.RedirectURI = "https://127.0.0.1:8443/cb" }, SettingRedirectURI},
		{"bad client auth", func(c *Config) { c.ClientAuth = "jwt" }, SettingClientAuth},
		{"param twice", func(c *Config) { c.Params = []Param{{"prompt", "consent"}, {"prompt", "login"}} }, SettingParams},
		{"reserved param", func(c *Config) { c.Params = []Param{{"state", "x"}} }, SettingParams},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{AuthorizeURL: "https://idp.example/authorize", TokenURL: "https://idp.example/token", ClientID: "app"}
			tt.mod(&cfg)
			_, err := Run(context.Background(), cfg, nil)
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Setting != tt.setting {
				t.Fatalf("Run error = %v, want a ConfigError for %s", err, tt.setting)
			}
		})
	}
}

// TestListener covers the loopback listener on its own: other paths get a
// 404, the first request is the callback, later ones are passed on and
// never replace it.
func TestListener(t *testing.T) {
	lb, err := parseRedirectURI("http://127.0.0.1/cb", 0)
	if err != nil {
		t.Fatal(err)
	}
	l, err := listen(lb, func(first bool, a arrival) (int, string) {
		if first {
			return 200, "first"
		}
		return 200, "later"
	})
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	base := fmt.Sprintf("http://127.0.0.1:%d", l.port)
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b := make([]byte, 64)
		n, _ := resp.Body.Read(b)
		return resp.StatusCode, string(b[:n])
	}
	if st, _ := get("/favicon.ico"); st != http.StatusNotFound {
		t.Errorf("favicon: status %d, want 404", st)
	}
	if st, _ := get("/cb/extra"); st != http.StatusNotFound {
		t.Errorf("/cb/extra: status %d, want 404", st)
	}
	if _, body := get("/cb?code=1&state=a"); body != "first" {
		t.Errorf("first callback answered %q", body)
	}
	if _, body := get("/cb?code=2&state=b"); body != "later" {
		t.Errorf("second callback answered %q", body)
	}
	first, second := <-l.callback, <-l.arrivals
	if !strings.Contains(first.url, "code=1") || !strings.Contains(second.url, "code=2") {
		t.Errorf("arrivals = %q, %q; want code=1 then code=2", first.url, second.url)
	}
	select {
	case a := <-l.arrivals:
		t.Errorf("unexpected arrival %q (404 paths must not count)", a.url)
	default:
	}
}

// TestLoopbackBindsOnlyLoopback checks the listening socket itself is on
// a loopback address, never all interfaces, whatever the URI's spelling.
func TestLoopbackBindsOnlyLoopback(t *testing.T) {
	for _, raw := range []string{"http://127.0.0.1/cb", "http://localhost/cb", "http://[::1]/cb"} {
		lb, err := parseRedirectURI(raw, 0)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		l, err := listen(lb, func(bool, arrival) (int, string) { return 200, "" })
		if err != nil {
			if lb.bind == "::1" {
				t.Logf("%s: no IPv6 loopback here: %v", raw, err)
				continue
			}
			t.Fatalf("%s: %v", raw, err)
		}
		if ip := l.ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
			t.Errorf("%s listens on %s", raw, ip)
		}
		l.close()
	}
}

func TestRefreshAgain(t *testing.T) {
	p := newFakeProvider(t)
	cfg := baseConfig(p)
	cfg.OpenBrowser = walker(t, p)
	rep, err := Run(context.Background(), cfg, nil)
	if err != nil || rep.Refresh == nil {
		t.Fatalf("Run: %v, refresh %+v", err, rep.Refresh)
	}
	p.mu.Lock()
	before := len(p.grants)
	p.mu.Unlock()
	again, err := RefreshAgain(context.Background(), cfg, rep, nil)
	if err != nil {
		t.Fatalf("RefreshAgain: %v", err)
	}
	p.mu.Lock()
	last := p.grants[len(p.grants)-1]
	n := len(p.grants)
	p.mu.Unlock()
	if n != before+1 || last.Get("grant_type") != "refresh_token" || last.Get("refresh_token") != "rt-2" {
		t.Errorf("refresh again sent %v (grants %d -> %d); want one refresh grant with the rotated token rt-2", last, before, n)
	}
	if !again.Finished.Equal(rep.Finished) {
		t.Errorf("refresh again moved the login's finish time from %s to %s", rep.Finished, again.Finished)
	}
	if again.Refresh == nil || again.Refresh.Response == nil || again.Refresh.Response.Status != 200 {
		t.Errorf("refresh again = %+v, want the new refresh", again.Refresh)
	}
	if _, err := RefreshAgain(context.Background(), cfg, report.Report{}, nil); err == nil {
		t.Errorf("RefreshAgain without a refresh token succeeded")
	}
}

// TestTraceSlowServer: a hop that never answers ends in hop.unreachable
// after the per-request timeout, naming the host, instead of a hang.
func TestTraceSlowServer(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	cfg := Config{AuthorizeURL: srv.URL + "/authorize", ClientID: "app", RequestTimeout: 200 * time.Millisecond}
	rep, err := Trace(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := findingFor(rep, report.CodeHopUnreachable)
	if !ok || !strings.Contains(f.Message, strings.TrimPrefix(srv.URL, "http://")) || !strings.Contains(f.Message, "did not answer within 200ms") {
		t.Errorf("findings %v; want hop.unreachable naming the host and the timeout", rep.Findings)
	}
}

// serve starts a test server for the preflight tests below.
func serve(t *testing.T, h http.HandlerFunc) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestTraceBadLocation(t *testing.T) {
	base := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "http://127.0.0.1:5/cb%zz?code=SECRETCODE&state=s")
		w.WriteHeader(http.StatusFound)
	})
	rep, err := Trace(context.Background(), Config{AuthorizeURL: base + "/authorize", ClientID: "app"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(rep); !slices.Contains(got, report.CodeRedirectBadLocation) || slices.Contains(got, report.CodeHopUnreachable) {
		t.Errorf("findings %v, want redirect.bad_location and no hop.unreachable", got)
	}
	out, _ := json.Marshal(rep.Redact())
	if strings.Contains(string(out), "SECRETCODE") {
		t.Errorf("redacted report leaks the code in the bad Location: %s", out)
	}
}

// TestTraceCookieCheckIsNoLoop: a page that redirects to itself once to
// see whether cookies work is a session check, not a loop; the same URL
// with the same cookies is.
func TestTraceCookieCheckIsNoLoop(t *testing.T) {
	base := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/check":
			if _, err := r.Cookie("probe"); err != nil {
				http.SetCookie(w, &http.Cookie{Name: "probe", Value: "1", Path: "/"})
				http.Redirect(w, r, "/check", http.StatusFound)
				return
			}
			http.Redirect(w, r, "/login", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		default:
			fmt.Fprint(w, "<html>login</html>")
		}
	})
	rep, _ := Trace(context.Background(), Config{AuthorizeURL: base + "/check", ClientID: "app"}, nil)
	if got := codes(rep); len(got) != 0 || len(rep.Hops) != 4 {
		t.Errorf("cookie check: findings %v with %d hops, want none with sent, /check twice and /login", got, len(rep.Hops))
	}
	rep, _ = Trace(context.Background(), Config{AuthorizeURL: base + "/loop", ClientID: "app"}, nil)
	if got := codes(rep); !slices.Contains(got, report.CodeRedirectLoop) {
		t.Errorf("self-redirect without cookies: findings %v, want redirect.loop", got)
	}
}

// TestPreflightNeverCallsTheListener: a redirect to the callback spelled
// with another case is still the callback; preflight must not request it,
// or it would take the browser's place.
func TestPreflightNeverCallsTheListener(t *testing.T) {
	base := serve(t, func(w http.ResponseWriter, r *http.Request) {
		cb := strings.Replace(r.URL.Query().Get("redirect_uri"), "localhost", "LOCALHOST", 1)
		http.Redirect(w, r, cb+"?error=access_denied&state="+url.QueryEscape(r.URL.Query().Get("state")), http.StatusFound)
	})
	cfg := Config{AuthorizeURL: base + "/authorize", TokenURL: base + "/token", ClientID: "app",
		RedirectURI: "http://localhost/callback", Timeout: 5 * time.Second}
	cfg.OpenBrowser = func(string) error { t.Error("browser opened although preflight saw the error"); return nil }
	rep, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, h := range rep.Hops {
		if h.Role == report.RoleCallback {
			n++
			if h.Status != 0 {
				t.Errorf("preflight requested the callback %s (status %d)", h.URL, h.Status)
			}
		}
	}
	if n != 1 || !sameMultiset(codes(rep), []string{report.CodeAuthorizeError}) {
		t.Errorf("%d callback hops, findings %v; want one, with authorize.error once", n, codes(rep))
	}
}

// TestRunUnreachableStillOpensBrowser: the browser may reach a host
// authtrace cannot, so an unreachable authorize host is reported and the
// login goes on.
func TestRunUnreachableStillOpensBrowser(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	opened := false
	cfg := Config{AuthorizeURL: addr + "/authorize", TokenURL: addr + "/token", ClientID: "app", Timeout: 300 * time.Millisecond,
		OpenBrowser: func(string) error { opened = true; return nil }}
	rep, err := Run(context.Background(), cfg, nil)
	if !errors.Is(err, ErrTimeout) || !opened {
		t.Errorf("Run: err %v, browser opened %v; want the browser opened and a timeout", err, opened)
	}
	if !slices.Contains(codes(rep), report.CodeHopUnreachable) {
		t.Errorf("findings %v lack hop.unreachable", codes(rep))
	}
}

// TestRunLateCallback: a second request to the redirect path (a reload)
// is recorded as a hop and does not replace the callback.
func TestRunLateCallback(t *testing.T) {
	p := newFakeProvider(t)
	cfg := baseConfig(p)
	walk := walker(t, p)
	var cbURL string
	cfg.OpenBrowser = walk
	rep, err := Run(context.Background(), cfg, func(e Event) {
		if e.Kind == EventHop && e.Hop.Source == report.SourceCallback && cbURL == "" {
			cbURL = e.Hop.URL
			// The reload arrives while the code is being exchanged.
			resp, err := http.Get(strings.Replace(cbURL, "code=", "code=RELOAD", 1))
			if err == nil {
				resp.Body.Close()
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	var cbs []report.Hop
	for _, h := range rep.Hops {
		if h.Source == report.SourceCallback {
			cbs = append(cbs, h)
		}
	}
	if len(cbs) != 2 || cbs[0].Role != report.RoleCallback || cbs[1].Role == report.RoleCallback || !strings.Contains(cbs[1].Params["code"], "RELOAD") {
		t.Fatalf("callback hops %+v; want the callback, then the reload as another hop", cbs)
	}
	if rep.Exchange == nil || strings.Contains(rep.Exchange.Request.Form["code"], "RELOAD") {
		t.Errorf("the exchange used the reload's code")
	}
}

func TestTraceErrorPages(t *testing.T) {
	base := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/500":
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, "<html><h1>Internal Server Error</h1><p>Something broke</p></html>")
		case "/cookie":
			http.Error(w, "invalid_request: interaction session not found (SessionNotFound)", http.StatusBadRequest)
		case "/nolocation":
			w.WriteHeader(http.StatusFound)
		case "/js":
			w.Header().Set("Location", "javascript:alert(1)")
			w.WriteHeader(http.StatusFound)
		}
	})
	tests := []struct {
		path string
		want []string
	}{
		{"/500", []string{report.CodePageError}},
		{"/cookie", nil},
		{"/nolocation", []string{report.CodeRedirectBadLocation}},
		{"/js", []string{report.CodeRedirectBadLocation}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rep, err := Trace(context.Background(), Config{AuthorizeURL: base + tt.path, ClientID: "app"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := codes(rep); !sameMultiset(got, tt.want) {
				t.Errorf("findings %v, want %v\n%s", got, tt.want, describe(rep))
			}
			if rep.HasErrors() != (len(tt.want) > 0) {
				t.Errorf("HasErrors = %v with findings %v", rep.HasErrors(), codes(rep))
			}
		})
	}
}
