package ui

import (
	"strings"
	"testing"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// TestCallIsAStep: the API call shows in the header while it runs and
// after, and the Findings view shows its request and answer beside the
// finding about it.
func TestCallIsAStep(t *testing.T) {
	rep := loadFixture(t, "healthy").Report
	m := newTestModel(t, 100, 30, Options{})
	m = update(m, eventMsg(flow.Event{Kind: flow.EventPhase, Phase: flow.PhaseCalling}))
	if !strings.Contains(screen(m), "calling the API with the access token") {
		t.Errorf("header does not say it is calling:\n%s", screen(m))
	}
	call := report.Call{N: 1, Token: flow.CallTokenExchange, Step: report.Step{
		Request:  report.Request{Method: "GET", URL: "https://api.example.com/me"},
		Response: &report.Response{Status: 401, ContentType: "application/json", Body: `{"error":"invalid_token"}`},
	}}
	f := report.Finding{Code: report.CodeAPIRejected, Severity: report.SeverityError, Message: "the API refused the access token",
		Hint: "set the audience", Detail: map[string]string{"step": "call", "call": "1", "cause": "audience"}}
	// With the refreshed token, and no stale line of an earlier phase.
	m = update(m, eventMsg(flow.Event{Kind: flow.EventLog, Text: "discovering endpoints from https://idp.example/"}))
	m = update(m, eventMsg(flow.Event{Kind: flow.EventPhase, Phase: flow.PhaseCalling, Text: report.CallTokenWords(flow.CallTokenRefresh)}))
	if s := screen(m); !strings.Contains(s, "calling the API with the refreshed access token") || strings.Contains(s, "discovering endpoints") {
		t.Errorf("header while calling with the refreshed token:\n%s", s)
	}
	rep.Calls = []report.Call{call}
	rep.Findings = append(rep.Findings, f)
	m = update(m, doneMsg{rep: rep})
	s := screen(m)
	if !strings.Contains(s, "API 401") {
		t.Errorf("header does not sum the call up:\n%s", s)
	}
	if m.tab != tabFindings {
		t.Fatalf("a run with an error opened on tab %v, want Findings", m.tab)
	}
	for _, want := range []string{"api.rejected", "the API call", "https://api.example.com/me", "401"} {
		if !strings.Contains(s, want) {
			t.Errorf("the Findings view lacks %q:\n%s", want, s)
		}
	}
}

// TestCallsSummary: the header sums the calls up, a call that timed out
// as such, not as an API that cannot be reached.
func TestCallsSummary(t *testing.T) {
	calls := []report.Call{
		{Token: flow.CallTokenExchange, Step: report.Step{Response: &report.Response{Status: 200}}},
		{Token: flow.CallTokenRefresh, TimedOut: true},
		{Token: flow.CallTokenExchange},
	}
	if got, want := callsSummary(calls), " · API 200, after refresh timed out, unreachable"; got != want {
		t.Errorf("callsSummary = %q, want %q", got, want)
	}
}
