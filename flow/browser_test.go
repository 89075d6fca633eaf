package flow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authtrace/authtrace/report"
)

// fakeCapture is a Config.Capture that walks the fake provider as a
// browser does, one request a hop, handing each to seen: the authorize
// chain, the login page, the login post (here a GET of /login/submit),
// the callback. stopAt, when set, is the path at which the "browser"
// goes away (its window closed) with err.
type fakeCapture struct {
	t      *testing.T
	p      *fakeProvider
	stopAt string
	err    error
	wait   bool // after the callback (or stopAt), wait for ctx
	cause  error
}

func (f *fakeCapture) run(ctx context.Context, authURL string, seen func(BrowserRequest)) error {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	next := authURL
	for range 10 {
		u, _ := url.Parse(next)
		if u.Path == f.stopAt {
			if f.wait {
				<-ctx.Done()
			}
			return f.err
		}
		start := time.Now()
		resp, err := c.Get(next)
		if err != nil {
			f.t.Errorf("fake browser: %v", err)
			return err
		}
		resp.Body.Close()
		br := BrowserRequest{Method: "GET", URL: next, Status: resp.StatusCode, Location: resp.Header.Get("Location"), At: start, Duration: time.Since(start)}
		seen(br)
		switch {
		case br.Location != "":
			l, _ := u.Parse(br.Location)
			next = l.String()
		case u.Path == "/login":
			next = f.p.url("/login/submit")
		default:
			<-ctx.Done() // the callback's page: the capture ends with the run
			f.cause = context.Cause(ctx)
			return nil
		}
	}
	return nil
}

func TestRunCaptureRecordsBrowserHops(t *testing.T) {
	p := newFakeProvider(t)
	cfg := baseConfig(p)
	fc := &fakeCapture{t: t, p: p}
	cfg.Capture = fc.run
	defer func() {
		// The capture is told why it ends, to wait for the redirect
		// that took the browser to the callback.
		if !errors.Is(fc.cause, ErrCallbackArrived) {
			t.Errorf("the capture ended with cause %v, want ErrCallbackArrived", fc.cause)
		}
	}()
	var live []report.Source
	rep, err := Run(context.Background(), cfg, func(e Event) {
		if e.Kind == EventHop {
			live = append(live, e.Hop.Source)
		}
	})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, describe(rep))
	}
	// sent, preflight ×3 (proxy, authorize, login page), browser ×4
	// (the same three, then the login post), the listener's callback.
	var got []string
	for _, h := range rep.Hops {
		s := string(h.Source)
		if h.BrowserOnly {
			s += "!"
		}
		got = append(got, s)
	}
	want := []string{"sent", "preflight", "preflight", "preflight", "browser", "browser", "browser", "browser!", "callback"}
	if !slices.Equal(got, want) {
		t.Errorf("hops (! browser only) = %v, want %v\n%s", got, want, describe(rep))
	}
	if len(live) != len(rep.Hops) {
		t.Errorf("%d hop events for %d hops", len(live), len(rep.Hops))
	}
	// (A proxy's state.changed at the browser's hops as at the others':
	// TestCaptureAgainstDemo.)
	post := rep.Hops[7]
	if post.Status != http.StatusFound || post.Location == "" || post.Role != report.RoleProvider {
		t.Errorf("the login post hop = %+v, want a 302 provider hop with its Location", post)
	}
}

func TestRunCaptureBrowserGone(t *testing.T) {
	p := newFakeProvider(t)
	cfg := baseConfig(p)
	cfg.Capture = (&fakeCapture{t: t, p: p, stopAt: "/login/submit", err: ErrBrowserGone}).run
	rep, err := Run(context.Background(), cfg, nil)
	var ce *CaptureError
	if !errors.As(err, &ce) || !errors.Is(err, ErrBrowserGone) {
		t.Fatalf("Run error = %v, want a CaptureError with ErrBrowserGone", err)
	}
	if n := countSource(rep, report.SourceBrowser); n != 3 || rep.Error == "" {
		t.Errorf("%d browser hops kept, error %q; want the 3 made before the window closed, and the error\n%s", n, rep.Error, describe(rep))
	}
}

func TestRunCaptureTimeoutKeepsHops(t *testing.T) {
	p := newFakeProvider(t)
	cfg := baseConfig(p)
	cfg.Timeout = 500 * time.Millisecond
	cfg.Capture = (&fakeCapture{t: t, p: p, stopAt: "/login/submit", wait: true}).run
	rep, err := Run(context.Background(), cfg, nil)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Run error = %v, want ErrTimeout", err)
	}
	if n := countSource(rep, report.SourceBrowser); n != 3 {
		t.Errorf("%d browser hops kept, want 3\n%s", n, describe(rep))
	}
}

// TestRunCaptureUnattended: a headless capture nobody can sign in to
// says so when it starts, and where the browser stopped when the time
// ran out.
func TestRunCaptureUnattended(t *testing.T) {
	p := newFakeProvider(t)
	cfg := baseConfig(p)
	cfg.Timeout = 500 * time.Millisecond
	cfg.Unattended = true
	cfg.Capture = (&fakeCapture{t: t, p: p, stopAt: "/login/submit", wait: true}).run
	var logs []string
	rep, err := Run(context.Background(), cfg, func(e Event) {
		if e.Kind == EventLog {
			logs = append(logs, e.Text)
		}
	})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Run error = %v, want ErrTimeout", err)
	}
	last := rep.Hops[len(rep.Hops)-1]
	for _, want := range []string{"nobody can sign in to a headless browser", fmt.Sprintf("the browser sat on %s (hop %d)", last.URL, last.N)} {
		if !slices.ContainsFunc(logs, func(l string) bool { return strings.Contains(l, want) }) {
			t.Errorf("no log line says %q: %q", want, logs)
		}
	}
}

func TestRunCaptureDoesNotStart(t *testing.T) {
	p := newFakeProvider(t)
	cfg := baseConfig(p)
	noBrowser := errors.New("chromium exited at once")
	cfg.Capture = func(context.Context, string, func(BrowserRequest)) error { return noBrowser }
	_, err := Run(context.Background(), cfg, nil)
	if !errors.Is(err, noBrowser) || !errors.As(err, new(*CaptureError)) {
		t.Fatalf("Run error = %v, want the capture's, as a CaptureError", err)
	}
}

// TestBrowserScriptRequestRole: a page's own XHR or fetch that carries
// state (an app's polling, a login page's API) is no authorize request
// and no error page, whatever it answers: only navigations are.
func TestBrowserScriptRequestRole(t *testing.T) {
	r := newRunner(Config{}, nil, "login")
	c := &capture{}
	r.browserHop(c, BrowserRequest{Method: "POST", URL: "https://idp.example/api/pw?state=s1", Status: 400, Script: true,
		ContentType: "text/html", Body: []byte("<html><h1>Error</h1>AADSTS50011: redirect mismatch</html>")})
	r.browserHop(c, BrowserRequest{Method: "GET", URL: "https://idp.example/authorize?client_id=c&response_type=code&state=s1", Status: 200, Script: true})
	r.browserHop(c, BrowserRequest{Method: "GET", URL: "https://idp.example/oops?state=s1", Status: 400})
	var got []report.Role
	for _, h := range r.rep.Hops {
		got = append(got, h.Role)
	}
	if want := []report.Role{report.RoleOther, report.RoleOther, report.RoleErrorPage}; !slices.Equal(got, want) {
		t.Errorf("roles %v, want %v", got, want)
	}
}

func TestBrowserHopSkipsWhatIsNoHop(t *testing.T) {
	r := newRunner(Config{}, nil, "login")
	r.redirectURI = "http://127.0.0.1:5/callback"
	c := &capture{}
	for _, br := range []BrowserRequest{
		{Method: "GET", URL: "about:blank"},
		{Method: "GET", URL: "chrome-error://chromewebdata/"},
		{Method: "GET", URL: "http://127.0.0.1:5/callback?code=x&state=y"}, // the listener's
		{Method: "GET", URL: "https://idp.example/x", Status: 200},
	} {
		r.browserHop(c, br)
	}
	if len(r.rep.Hops) != 1 || r.rep.Hops[0].URL != "https://idp.example/x" {
		t.Errorf("hops = %+v, want only the provider page", r.rep.Hops)
	}
	for range maxBrowserHops + 5 {
		r.browserHop(c, BrowserRequest{Method: "GET", URL: "https://idp.example/again", Status: 200})
	}
	if len(r.rep.Hops) != maxBrowserHops || c.dropped != 6 {
		t.Errorf("%d hops, %d dropped; want at most %d kept", len(r.rep.Hops), c.dropped, maxBrowserHops)
	}
	// The browser's giving up on a loop, past the hops kept, still ends
	// the login with its finding.
	r.browserHop(c, BrowserRequest{Method: "GET", URL: "https://idp.example/again", Error: "net::ERR_TOO_MANY_REDIRECTS", Loop: true})
	if c.loop == 0 || !slices.ContainsFunc(r.rep.Findings, func(f report.Finding) bool { return f.Code == report.CodeRedirectLoop }) {
		t.Errorf("loop at %d, findings %v: want the redirect.loop finding past the hops kept", c.loop, r.rep.Findings)
	}
}

func countSource(rep report.Report, src report.Source) int {
	n := 0
	for _, h := range rep.Hops {
		if h.Source == src {
			n++
		}
	}
	return n
}

// TestStateChangedAtPostLoginHop: state altered on a redirect after the
// login page (a rule's, an action's) is attributed to the hop whose
// redirect carried the altered value, which only the browser saw.
func TestStateChangedAtPostLoginHop(t *testing.T) {
	sent := map[string]string{"state": "S1", "redirect_uri": "http://127.0.0.1:5/callback"}
	hops := []report.Hop{
		{N: 1, Source: report.SourceSent, Role: report.RoleAuthorize, URL: "https://idp.example/authorize?client_id=c&response_type=code&state=S1", Params: map[string]string{"state": "S1"}},
		{N: 2, Source: report.SourceBrowser, Role: report.RoleProvider, Method: "POST", URL: "https://idp.example/login", Status: 302, Location: "https://idp.example/resume?id=1"},
		{N: 3, Source: report.SourceBrowser, Role: report.RoleProvider, URL: "https://idp.example/resume?id=1", Status: 302, Location: "http://127.0.0.1:5/callback?code=C&state=S1%7Crule%3Dmfa"},
		{N: 4, Source: report.SourceCallback, Role: report.RoleCallback, URL: "http://127.0.0.1:5/callback?code=C&state=S1%7Crule%3Dmfa", Params: map[string]string{"state": "S1|rule=mfa", "code": "C"}},
	}
	fs := StateChangedAt(hops, Compare(sent, hops))
	var changed []report.Finding
	for _, f := range fs {
		if f.Code == report.CodeStateChanged {
			changed = append(changed, f)
		}
	}
	if len(changed) != 1 || changed[0].Hop != 4 || changed[0].Detail["changed_at"] != "3" {
		t.Fatalf("state.changed findings = %+v, want one at the callback with changed_at 3", changed)
	}
	if !strings.Contains(changed[0].Message, "it changed at hop 3") {
		t.Errorf("the message does not say where: %s", changed[0].Message)
	}
	// Without the hop that carried it (a login without capture), the
	// finding is as before.
	fs = StateChangedAt([]report.Hop{hops[0], hops[3]}, Compare(sent, []report.Hop{hops[3]}))
	for _, f := range fs {
		if _, ok := f.Detail["changed_at"]; ok {
			t.Errorf("changed_at %s without a hop that carried the value", f.Detail["changed_at"])
		}
	}
}

func TestRunCaptureRedirectLoop(t *testing.T) {
	p := newFakeProvider(t)
	cfg := baseConfig(p)
	cfg.Capture = func(ctx context.Context, authURL string, seen func(BrowserRequest)) error {
		seen(BrowserRequest{Method: "GET", URL: authURL, Status: 302, Location: p.url("/authorize")})
		seen(BrowserRequest{Method: "GET", URL: p.url("/after-login"), Error: "net::ERR_TOO_MANY_REDIRECTS", Loop: true})
		<-ctx.Done()
		return nil
	}
	rep, err := Run(context.Background(), cfg, nil)
	if !errors.Is(err, ErrBrowserLoop) || !errors.As(err, new(*CaptureError)) {
		t.Fatalf("Run error = %v, want a CaptureError with ErrBrowserLoop", err)
	}
	f, ok := findingFor(rep, report.CodeRedirectLoop)
	if !ok || rep.Hops[f.Hop-1].URL != p.url("/after-login") {
		t.Errorf("redirect.loop = %+v (found %v), want it at the hop the browser gave up on\n%s", f, ok, describe(rep))
	}
}
