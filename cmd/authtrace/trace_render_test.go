package main

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/internal/golden"
	"github.com/authtrace/authtrace/report"
)

// The trace view, golden at two widths, of the chains the UI's fixtures
// recorded from the engine: the answers first, each finding once.
func TestTraceView(t *testing.T) {
	for _, name := range []string{"healthy", "state-suffix", "error-page"} {
		rep := uiFixture(t, name)
		// A trace stops at the login page: its hops and their findings,
		// not the callback's.
		var hops []report.Hop
		kept := map[int]bool{0: true}
		for _, h := range rep.Hops {
			if h.Source != report.SourceCallback {
				hops = append(hops, h)
				kept[h.N] = true
			}
		}
		var fs []report.Finding
		for _, f := range rep.Findings {
			if kept[f.Hop] && f.Token == "" {
				fs = append(fs, f)
			}
		}
		rep.Hops, rep.Findings = hops, fs
		for _, width := range []int{80, 120} {
			var b strings.Builder
			renderTrace(&b, rep, width)
			out := ansi.Strip(b.String())
			golden.Check(t, filepath.Join("testdata", "trace", name+"-"+fmt.Sprint(width)+".txt"), out)
			// Each finding once, whole, in Findings; hop rows name codes only.
			for _, f := range rep.Findings {
				head := fmt.Sprintf("%s %s (hop %d)", f.Severity, f.Code, f.Hop)
				if n := strings.Count(out, head); n != 1 {
					t.Errorf("%s at %d: %q shown %d times, want once", name, width, head, n)
				}
				if n := strings.Count(out, firstWords(f.Hint)); n != 1 {
					t.Errorf("%s at %d: the hint of %s shown %d times, want once", name, width, f.Code, n)
				}
			}
			for i, l := range strings.Split(out, "\n") {
				if w := ansi.StringWidth(l); w > width {
					t.Errorf("%s at %d: line %d is %d cells wide: %q", name, width, i+1, w, l)
				}
			}
		}
	}
}

// TestTraceViewChains: a trace --connector says each chain's answers on
// top, then its chains side by side where the width allows (120, 160),
// one after the other where not (80); the connector's findings name
// their place in the file.
func TestTraceViewChains(t *testing.T) {
	rep := uiFixture(t, "chains")
	for _, tc := range []struct {
		width int
		side  bool
	}{{80, false}, {120, true}, {160, true}} {
		var b strings.Builder
		renderTrace(&b, rep.Redact(), tc.width)
		out := ansi.Strip(b.String())
		golden.Check(t, filepath.Join("testdata", "trace", fmt.Sprintf("chains-%d.txt", tc.width)), out)
		plat := strings.Index(out, "with the platform's redirect URI\n  redirect_uri  ✗ refused by the provider at hop 2")
		loop := strings.Index(out, "with the loopback redirect URI\n  redirect_uri  ✓ accepted")
		hops := strings.Index(out, "\nHops")
		if plat < 0 || loop < plat || hops < loop {
			t.Errorf("at %d: the answers per chain are not on top, platform first:\n%s", tc.width, out)
		}
		side := false
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, "  1 sent") && strings.Contains(l, "  3 sent") {
				side = true
			}
			if w := ansi.StringWidth(l); w > tc.width {
				t.Errorf("at %d: a line is %d cells wide: %q", tc.width, w, l)
			}
		}
		if side != tc.side {
			t.Errorf("at %d: chains side by side %v, want %v:\n%s", tc.width, side, tc.side, out)
		}
		for _, want := range []string{"(tokenBodyTemplate)", "(clientSecret)", "template  grant_type=authorization_code&code={Code}"} {
			if !strings.Contains(out, want) {
				t.Errorf("at %d: %q not shown:\n%s", tc.width, want, out)
			}
		}
	}
}

// uiFixture is the report of one of the UI's fixtures, recorded from the
// engine (ui/testdata/fixtures).
func uiFixture(t *testing.T, name string) report.Report {
	t.Helper()
	var fx struct {
		Report report.Report `json:"report"`
	}
	golden.ReadJSON(t, filepath.Join("..", "..", "ui", "testdata", "fixtures", name+".json"), &fx)
	return fx.Report
}

// firstWords is the start of s as wrapped lines show it.
func firstWords(s string) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(len(f), 5)], " ")
}

// TestTraceViewAgreesWithTheEngine: the view marks a value red only where
// the comparison (flow.Compare) found a fault: an upstream provider's own
// state and redirect_uri in a federated login are said to be its own.
func TestTraceViewAgreesWithTheEngine(t *testing.T) {
	sentURL := "https://broker.example/authorize?client_id=connector&response_type=code&redirect_uri=https%3A%2F%2Fglobal.consent.azure-apim.net%2Fredirect&state=S1"
	upstreamURL := "https://upstream.example/authorize?client_id=broker&response_type=code&redirect_uri=https%3A%2F%2Fbroker.example%2Fcb&state=BROKER-OWN"
	sent := flow.HopParams(mustURL(t, sentURL))
	hops := []report.Hop{
		{N: 1, Source: report.SourceSent, Role: report.RoleAuthorize, Method: "GET", URL: sentURL, Params: sent},
		{N: 2, Source: report.SourcePreflight, Role: report.RoleAuthorize, Method: "GET", URL: sentURL, Status: 302, Location: upstreamURL, Params: sent},
		{N: 3, Source: report.SourcePreflight, Role: report.RoleAuthorize, Method: "GET", URL: upstreamURL, Status: 200, Params: flow.HopParams(mustURL(t, upstreamURL))},
	}
	rep := report.Report{Command: "trace", Hops: hops, Findings: flow.Compare(sent, hops)}
	var b strings.Builder
	renderTrace(&b, rep, 120)
	out := ansi.Strip(b.String())
	if strings.Contains(out, "✗") {
		t.Errorf("the view marks a fault the engine did not find:\n%s", out)
	}
	if !strings.Contains(out, "its own, not compared") || !strings.Contains(out, "state         ✓") {
		t.Errorf("the upstream hop's own values are not said to be its own, or the answer disagrees:\n%s", out)
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
