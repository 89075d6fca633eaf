package flow

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/report"
)

// getWithHost asks the listener for path with the Host header given, as a
// page on another site that resolves to 127.0.0.1 would.
func getWithHost(t *testing.T, port int, host, path string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d%s", port, path), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestListenerRefusesForeignHost(t *testing.T) {
	lb, err := parseRedirectURI("http://127.0.0.1/cb", 0)
	if err != nil {
		t.Fatal(err)
	}
	firsts := 0
	l, err := listen(lb, func(first bool, a arrival) (int, string) {
		if first {
			firsts++
		}
		return 200, "ok"
	})
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	for _, host := range []string{"rebind.example:" + fmt.Sprint(l.port), "127.0.0.1:1", "127.0.0.1", "127.0.0.1.nip.io:" + fmt.Sprint(l.port)} {
		if st := getWithHost(t, l.port, host, "/cb?code=evil&state=x"); st != http.StatusBadRequest {
			t.Errorf("Host %q: status %d, want 400", host, st)
		}
		a := <-l.arrivals
		if a.refused == "" || !strings.Contains(a.refused, host) {
			t.Errorf("Host %q: arrival %+v, want it refused naming the host", host, a)
		}
	}
	if firsts != 0 {
		t.Errorf("a refused request was answered as the first callback")
	}
	// Any loopback spelling with the right port is the listener's own.
	for i, host := range []string{fmt.Sprintf("127.0.0.1:%d", l.port), fmt.Sprintf("LocalHost:%d", l.port), fmt.Sprintf("[::1]:%d", l.port)} {
		if st := getWithHost(t, l.port, host, "/cb?code=c&state=s"); st != http.StatusOK {
			t.Errorf("Host %q: status %d, want 200", host, st)
		}
		// The first on the callback's own channel, later ones with the rest.
		var a arrival
		if i == 0 {
			a = <-l.callback
		} else {
			a = <-l.arrivals
		}
		if a.refused != "" {
			t.Errorf("Host %q refused: %s", host, a.refused)
		}
	}
	if firsts != 1 {
		t.Errorf("%d requests were told they were first, want 1", firsts)
	}
}

// TestRunRefusedHostIsNotTheCallback: a request with a foreign Host that
// arrives before the real callback is a hop and a finding, never the code
// that is exchanged.
func TestRunRefusedHostIsNotTheCallback(t *testing.T) {
	p := newFakeProvider(t)
	cfg := baseConfig(p)
	walk := walker(t, p)
	cfg.OpenBrowser = func(authURL string) error {
		// The listener's port is in the authorize URL's redirect_uri.
		var port int
		if _, err := fmt.Sscanf(authURL[strings.Index(authURL, "127.0.0.1%3A")+len("127.0.0.1%3A"):], "%d", &port); err != nil {
			t.Errorf("no port in %s: %v", authURL, err)
		}
		getWithHost(t, port, "rebind.example", "/callback?code=evil&state=x")
		return walk(authURL)
	}
	rep, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if rep.Exchange == nil || rep.Exchange.Request.Form["code"] == "evil" {
		t.Fatalf("exchange %+v: the refused request's code was used", rep.Exchange)
	}
	var refused *report.Hop
	for i, h := range rep.Hops {
		if h.Status == http.StatusBadRequest && strings.Contains(h.URL, "rebind.example") {
			refused = &rep.Hops[i]
		}
	}
	if refused == nil || refused.Role == report.RoleCallback || refused.Params != nil {
		t.Fatalf("hops %+v: want the refused request as a hop that is not the callback", rep.Hops)
	}
	found := false
	for _, f := range rep.Findings {
		if f.Code == report.CodeListenerHostRefused {
			found = f.Severity == report.SeverityWarn && f.Hop == refused.N && f.Detail["host"] == "rebind.example"
		}
		if f.Severity == report.SeverityError {
			t.Errorf("error finding %s: %s", f.Code, f.Message)
		}
	}
	if !found {
		t.Errorf("findings %+v: want a listener.host_refused warning on hop %d", rep.Findings, refused.N)
	}
}

// TestListenerCountsDropped: past maxArrivals waiting, requests are not
// kept, and the report says how many.
func TestListenerCountsDropped(t *testing.T) {
	lb, err := parseRedirectURI("http://127.0.0.1/cb", 0)
	if err != nil {
		t.Fatal(err)
	}
	l, err := listen(lb, func(bool, arrival) (int, string) { return 200, "" })
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	// The callback, then more than the listener keeps.
	const sent = 1 + maxArrivals + 8
	for i := 0; i < sent; i++ {
		getWithHost(t, l.port, fmt.Sprintf("127.0.0.1:%d", l.port), fmt.Sprintf("/cb?n=%d", i))
	}
	if got := l.droppedCount(); got != 8 {
		t.Fatalf("dropped %d, want 8", got)
	}
	if cb := <-l.callback; !strings.HasSuffix(cb.url, "?n=0") {
		t.Errorf("callback = %s, want the first request", cb.url)
	}
	r := newRunner(Config{}, nil, "login")
	r.lateArrivals(l)
	if len(r.rep.Hops) != maxArrivals {
		t.Errorf("%d hops recorded, want %d", len(r.rep.Hops), maxArrivals)
	}
	var f *report.Finding
	for i := range r.rep.Findings {
		if r.rep.Findings[i].Code == report.CodeListenerDropped {
			f = &r.rep.Findings[i]
		}
	}
	if f == nil || f.Detail["dropped"] != "8" || !strings.Contains(f.Message, "8 more requests") {
		t.Errorf("findings %+v: want listener.dropped saying 8", r.rep.Findings)
	}
}

// TestListenerFloodCannotCrowdOutTheCallback: requests for other hosts,
// however many, neither take the callback's place nor make the browser be
// told the callback was taken when it was not; a few are kept as hops and
// the rest counted.
func TestListenerFloodCannotCrowdOutTheCallback(t *testing.T) {
	lb, err := parseRedirectURI("http://127.0.0.1/cb", 0)
	if err != nil {
		t.Fatal(err)
	}
	var firsts []string
	l, err := listen(lb, func(first bool, a arrival) (int, string) {
		if first {
			firsts = append(firsts, a.url)
		}
		return 200, ""
	})
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	const flood = 3 * maxArrivals
	for range flood {
		getWithHost(t, l.port, "rebind.example", "/cb?code=evil&state=x")
	}
	getWithHost(t, l.port, fmt.Sprintf("127.0.0.1:%d", l.port), "/cb?code=real&state=s")
	if len(firsts) != 1 || !strings.Contains(firsts[0], "code=real") {
		t.Fatalf("told first: %q; want the real callback alone", firsts)
	}
	if cb := <-l.callback; !strings.Contains(cb.url, "code=real") {
		t.Errorf("callback = %s", cb.url)
	}
	if got := l.droppedCount(); got != flood-maxRefused {
		t.Errorf("dropped %d, want %d", got, flood-maxRefused)
	}
	r := newRunner(Config{}, nil, "login")
	r.lateArrivals(l)
	if len(r.rep.Hops) != maxRefused {
		t.Errorf("%d refused requests recorded as hops, want %d", len(r.rep.Hops), maxRefused)
	}
}

// TestRunSecondCallbackIsLate: two requests to the redirect path waiting
// at once (a double submit, a prefetch) are the callback and a later hop,
// whichever the engine reads first; neither is refused.
func TestRunSecondCallbackIsLate(t *testing.T) {
	for range 20 {
		p := newFakeProvider(t)
		cfg := baseConfig(p)
		// The browser, synchronously: both requests are queued before the
		// engine waits for the callback.
		cfg.OpenBrowser = func(authURL string) error {
			jar, _ := cookiejar.New(nil)
			var callback string
			c := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
				if req.URL.Path == "/callback" {
					callback = req.URL.String()
					return http.ErrUseLastResponse
				}
				return nil
			}}
			for _, u := range []string{authURL, p.url("/login/submit")} {
				resp, err := c.Get(u)
				if err != nil {
					return err
				}
				resp.Body.Close()
			}
			if callback == "" {
				t.Fatal("the provider never redirected to the callback")
			}
			for _, u := range []string{callback, callback + "&again=1"} {
				resp, err := http.Get(u)
				if err != nil {
					return err
				}
				resp.Body.Close()
			}
			return nil
		}
		rep, err := Run(context.Background(), cfg, nil)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		for _, f := range rep.Findings {
			if f.Code == report.CodeListenerHostRefused {
				t.Fatalf("a second request for the listener's own host was refused: %s", f.Message)
			}
		}
		var callbacks, later int
		for _, h := range rep.Hops {
			switch {
			case h.Role == report.RoleCallback && h.Source == report.SourceCallback:
				callbacks++
				if strings.Contains(h.URL, "again=1") {
					t.Fatalf("the later request was taken as the callback: %s", h.URL)
				}
			case h.Role == report.RoleOther && strings.Contains(h.URL, "again=1"):
				later++
			}
		}
		if callbacks != 1 || later != 1 {
			t.Fatalf("%d callback hops and %d later ones, want 1 and 1: %+v", callbacks, later, rep.Hops)
		}
	}
}
