package flow_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/demo"
	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// The engine's logins against a provider misbehaving in a known way run
// against the demo's: a real OpenID provider library behind the tenant
// proxy, with one fault vocabulary for the demo, these tests and the
// end-to-end suite. (flow's own fake token endpoint is for the answers no
// real provider library gives: malformed bodies, odd status codes.)

// runDemo is one login of the engine against the demo with fault, through
// the demo's built-in browser, with its events.
func runDemo(t *testing.T, fault string, setup func(*demo.Server, *flow.Config)) (report.Report, []flow.Event) {
	t.Helper()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil))) // the library logs each refusal
	srv, err := demo.Start(fault)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	cfg := srv.Config()
	cfg.OpenBrowser = srv.Browse
	cfg.Timeout, cfg.RequestTimeout = 20*time.Second, 5*time.Second
	if setup != nil {
		setup(srv, &cfg)
	}
	var events []flow.Event
	rep, err := flow.Run(context.Background(), cfg, func(e flow.Event) { events = append(events, e) })
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, flow.Describe(rep))
	}
	return rep, events
}

// TestEngineAgainstEveryDemoFault: for each fault the engine reports the
// errors and warnings the demo says it shows and no others, emits a
// finding event for each finding, and a consumer that reduces the events
// with flow.Apply (as the TUI does) ends with the report the engine
// returned.
func TestEngineAgainstEveryDemoFault(t *testing.T) {
	for _, fault := range demo.Faults {
		t.Run(fault.Name, func(t *testing.T) {
			t.Parallel()
			rep, events := runDemo(t, fault.Name, nil)
			for sev, want := range map[report.Severity][]string{report.SeverityError: fault.Errors, report.SeverityWarn: fault.Warnings} {
				if got, want := demo.Shown(rep, sev), slices.Sorted(slices.Values(want)); !slices.Equal(got, want) {
					t.Errorf("%s findings %v, want %v\n%s", sev, got, want, flow.Describe(rep))
				}
			}
			n := 0
			for _, e := range events {
				if e.Kind == flow.EventFinding {
					n++
				}
			}
			if n != len(rep.Findings) {
				t.Errorf("%d finding events, %d findings in the report: they must agree", n, len(rep.Findings))
			}
			if diff := cmp.Diff(rep, replay(rep, events)); diff != "" {
				t.Errorf("the events reduced with Apply differ from the report (-engine +events):\n%s", diff)
			}
		})
	}
}

// replay rebuilds a report from a run's events with Apply, on the frame of
// want (the parts no event carries), as the TUI does.
func replay(want report.Report, events []flow.Event) report.Report {
	rep := report.Report{Version: want.Version, Command: want.Command, Started: want.Started, Finished: want.Finished,
		Profile: want.Profile, Hops: []report.Hop{}, Findings: []report.Finding{}, Error: want.Error}
	for _, e := range events {
		flow.Apply(&rep, e)
	}
	return rep
}

// What a login against the demo went through, beyond its findings.
func TestEngineDemoSteps(t *testing.T) {
	t.Run("healthy: PKCE, one exchange in the body, a rotated refresh", func(t *testing.T) {
		rep, _ := runDemo(t, "none", nil)
		if rep.Exchange == nil || len(rep.Exchange.Attempts) != 0 || rep.Exchange.Request.ClientAuth != flow.ClientAuthPost {
			t.Errorf("exchange = %+v, want one attempt with the secret in the body", rep.Exchange)
		} else if rep.Exchange.Request.Form["code_verifier"] == "" {
			t.Errorf("exchange form has no code_verifier under PKCE")
		}
		if rep.Refresh == nil || !rep.Refresh.Rotated {
			t.Errorf("refresh = %+v, want a rotated refresh", rep.Refresh)
		}
		var roles []report.Role
		for _, h := range rep.Hops {
			if roles == nil || roles[len(roles)-1] != h.Role {
				roles = append(roles, h.Role)
			}
		}
		if want := []report.Role{report.RoleAuthorize, report.RoleProvider, report.RoleCallback}; !slices.Equal(roles, want) {
			t.Errorf("hop roles %v, want %v\n%s", roles, want, flow.Describe(rep))
		}
		if len(rep.Tokens) == 0 || rep.Tokens[0].Kind != "access_token" || rep.Tokens[0].Format != "jwt" {
			t.Errorf("tokens = %+v, want the decoded JWT access token first", rep.Tokens)
		}
	})
	t.Run("basic-only: the body, then Basic, and the refresh as the exchange worked", func(t *testing.T) {
		rep, _ := runDemo(t, "basic-only", nil)
		if rep.Exchange == nil || len(rep.Exchange.Attempts) != 1 || rep.Exchange.Request.ClientAuth != flow.ClientAuthBasic {
			t.Errorf("exchange = %+v, want the body then Basic", rep.Exchange)
		}
		if rep.Refresh == nil || rep.Refresh.Request.ClientAuth != flow.ClientAuthBasic {
			t.Errorf("refresh = %+v, want Basic like the exchange", rep.Refresh)
		}
	})
	t.Run("wrong-aud: a token this login obtained is not blamed on the portal", func(t *testing.T) {
		rep, _ := runDemo(t, "wrong-aud", nil)
		for _, f := range rep.Findings {
			if strings.HasPrefix(f.Code, "jwt.") && (strings.Contains(f.Message, "portal") || strings.Contains(f.Hint, "portal")) {
				t.Errorf("%s blames the portal: %s / %s", f.Code, f.Message, f.Hint)
			}
		}
	})
	t.Run("loop and a rejected redirect_uri: no browser opened", func(t *testing.T) {
		for _, fault := range []string{"loop", "redirect-unregistered"} {
			opened := false
			runDemo(t, fault, func(_ *demo.Server, c *flow.Config) {
				browse := c.OpenBrowser
				c.OpenBrowser = func(u string) error { opened = true; return browse(u) }
			})
			if opened {
				t.Errorf("%s: the browser was opened on a chain that cannot end at the callback", fault)
			}
		}
	})
	t.Run("pkce-required as Power Platform: the exchange is refused", func(t *testing.T) {
		rep, _ := runDemo(t, "pkce-required", func(_ *demo.Server, c *flow.Config) { c.As = flow.AsPowerPlatform })
		if got := demo.Shown(rep, report.SeverityError); !slices.Equal(got, []string{"token.error error=invalid_request"}) {
			t.Errorf("errors %v, want the refused exchange\n%s", got, flow.Describe(rep))
		}
		if rep.Profile.PKCE {
			t.Errorf("the platform sends no PKCE, the profile says it did")
		}
	})
	t.Run("refresh again from a finished report", func(t *testing.T) {
		srv, err := demo.Start("none")
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		cfg := srv.Config()
		cfg.OpenBrowser = srv.Browse
		cfg.Timeout, cfg.RequestTimeout = 20*time.Second, 5*time.Second
		rep, err := flow.Run(context.Background(), cfg, nil)
		if err != nil || rep.Refresh == nil {
			t.Fatalf("Run: %v, refresh %+v", err, rep.Refresh)
		}
		var again []flow.Event
		rep2, err := flow.RefreshAgain(context.Background(), cfg, rep, func(e flow.Event) { again = append(again, e) })
		if err != nil || rep2.Refresh == nil || !rep2.Refresh.Rotated {
			t.Fatalf("RefreshAgain: %v, refresh %+v", err, rep2.Refresh)
		}
		got := rep2
		got.Findings, got.Refresh = slices.Clone(rep.Findings), rep.Refresh
		for _, e := range again {
			flow.Apply(&got, e)
		}
		if diff := cmp.Diff(rep2, got); diff != "" {
			t.Errorf("the events reduced with Apply differ from the report (-engine +events):\n%s", diff)
		}
	})
}

// TestCaptureAgainstDemo: with Config.Capture the browser's requests are
// hops of source browser, live, compared by the same engine as the
// preflight's: the tenant proxy's state suffix is found at the browser's
// authorize hop as at the preflight's and the callback's; the hops after
// the login page (the sign-in and consent posts) are the browser's only.
func TestCaptureAgainstDemo(t *testing.T) {
	live := 0
	rep, _ := runDemo(t, "state-suffix", func(srv *demo.Server, c *flow.Config) {
		c.OpenBrowser = nil
		c.Capture = func(ctx context.Context, authURL string, seen func(flow.BrowserRequest)) error {
			err := srv.BrowseSeen(authURL, func(resp *http.Response) {
				live++
				seen(flow.BrowserRequest{Method: resp.Request.Method, URL: resp.Request.URL.String(), Status: resp.StatusCode,
					Location: resp.Header.Get("Location"), At: time.Now()})
			})
			if err != nil {
				return err
			}
			<-ctx.Done() // the callback's page stays open until the run ends
			return nil
		}
	})
	if n := flow.CountSource(rep, report.SourceBrowser); n == 0 || n > live {
		t.Errorf("%d browser hops for %d requests the browser made", n, live)
	}
	var browserOnly []string
	changedAt := map[report.Source]bool{}
	for _, h := range rep.Hops {
		if h.Source == report.SourceBrowser && h.BrowserOnly {
			u, _ := url.Parse(h.URL)
			browserOnly = append(browserOnly, h.Method+" "+u.Path)
		}
	}
	// The browser repeats the preflight's hops up to the login page: a
	// finding of the preflight's is not said again for its twin. The
	// callback's changed_at names the browser's hop, which the callback
	// really came through.
	perCode := map[string]int{}
	for _, f := range rep.Findings {
		perCode[f.Code]++
		if f.Code == report.CodeStateChanged {
			changedAt[rep.Hops[f.Hop-1].Source] = true
			if at := f.Detail["changed_at"]; f.Hop == len(rep.Hops) {
				n, _ := strconv.Atoi(at)
				if n < 1 || n > len(rep.Hops) || rep.Hops[n-1].Source != report.SourceBrowser {
					t.Errorf("the callback's state.changed changed_at %q, want a browser hop\n%s", at, flow.Describe(rep))
				}
			}
		}
	}
	for _, src := range []report.Source{report.SourcePreflight, report.SourceCallback} {
		if !changedAt[src] {
			t.Errorf("no state.changed on a %s hop\n%s", src, flow.Describe(rep))
		}
	}
	if changedAt[report.SourceBrowser] || perCode[report.CodeStateChanged] != 2 || perCode[report.CodeParamAdded] != 1 {
		t.Errorf("findings per code %v: want state.changed on the preflight's hop and the callback, param.added once\n%s", perCode, flow.Describe(rep))
	}
	for _, want := range []string{"POST /login", "POST /consent"} {
		if !slices.Contains(browserOnly, want) {
			t.Errorf("browser-only hops %v lack %s\n%s", browserOnly, want, flow.Describe(rep))
		}
	}
}
