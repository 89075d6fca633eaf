package flow

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/report"
)

// replay rebuilds a report from a run's events with Apply, on the frame of
// want (the parts no event carries), as the TUI does.
func replay(want report.Report, events []Event) report.Report {
	rep := report.Report{Version: want.Version, Command: want.Command, Started: want.Started, Finished: want.Finished,
		Profile: want.Profile, Hops: []report.Hop{}, Findings: []report.Finding{}, Error: want.Error}
	for _, e := range events {
		Apply(&rep, e)
	}
	return rep
}

// TestEventsRebuildTheReport: a consumer that reduces the events with
// Apply ends with the report the engine returned, whatever the run went
// through: two exchange attempts, a rotated refresh, a late callback, an
// error page, and a refresh made again from a finished report.
func TestEventsRebuildTheReport(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*testing.T, *fakeProvider, *Config)
	}{
		{"healthy with rotation", func(*testing.T, *fakeProvider, *Config) {}},
		{"no rotation", func(_ *testing.T, p *fakeProvider, _ *Config) { p.rotate = false }},
		{"a foreign Host before the callback", func(t *testing.T, _ *fakeProvider, c *Config) {
			walk := c.OpenBrowser
			c.OpenBrowser = func(authURL string) error {
				var port int
				fmt.Sscanf(authURL[strings.Index(authURL, "127.0.0.1%3A")+len("127.0.0.1%3A"):], "%d", &port)
				getWithHost(t, port, "rebind.example", "/callback?code=evil&state=x")
				return walk(authURL)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newFakeProvider(t)
			cfg := baseConfig(p)
			cfg.OpenBrowser = walker(t, p)
			tt.setup(t, p, &cfg)
			var events []Event
			rep, err := Run(context.Background(), cfg, func(e Event) { events = append(events, e) })
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if diff := cmp.Diff(rep, replay(rep, events)); diff != "" {
				t.Errorf("the events reduced with Apply differ from the report (-engine +events):\n%s", diff)
			}
			if rep.Refresh == nil {
				return
			}
			var again []Event
			rep2, err := RefreshAgain(context.Background(), cfg, rep, func(e Event) { again = append(again, e) })
			if err != nil {
				t.Fatalf("RefreshAgain: %v", err)
			}
			// The frame is the finished login's; the events add the rest.
			got := rep2
			got.Findings, got.Refresh = slices.Clone(rep.Findings), rep.Refresh
			for _, e := range again {
				Apply(&got, e)
			}
			if diff := cmp.Diff(rep2, got); diff != "" {
				t.Errorf("refresh again: the events reduced with Apply differ from the report (-engine +events):\n%s", diff)
			}
		})
	}
}

func TestApplyExchangeAttempts(t *testing.T) {
	body := report.Step{Request: report.Request{ClientAuth: ClientAuthPost}}
	basic := report.Step{Request: report.Request{ClientAuth: ClientAuthBasic}}
	var rep report.Report
	Apply(&rep, Event{Kind: EventExchange, Step: &body})
	first := rep.Exchange
	Apply(&rep, Event{Kind: EventExchange, Step: &basic})
	want := &report.Exchange{Step: basic, Attempts: []report.Step{body}}
	if diff := cmp.Diff(want, rep.Exchange); diff != "" {
		t.Errorf("exchange (-want +got):\n%s", diff)
	}
	if first.Step.Request.ClientAuth != ClientAuthPost || len(first.Attempts) != 0 {
		t.Errorf("the second attempt changed the Exchange an earlier copy of the report holds: %+v", first)
	}
}

func TestApplyRefreshRotated(t *testing.T) {
	step := func(sent, got string) report.Step {
		return report.Step{Request: report.Request{Form: map[string]string{"refresh_token": sent}},
			Response: &report.Response{Status: 200, Fields: map[string]string{"refresh_token": got}}}
	}
	tests := []struct {
		name string
		step report.Step
		want bool
	}{
		{"new token", step("rt-1", "rt-2"), true},
		{"same token", step("rt-1", "rt-1"), false},
		{"none back", step("rt-1", ""), false},
		{"no answer", report.Step{Request: report.Request{Form: map[string]string{"refresh_token": "rt-1"}}, Error: "timeout"}, false},
	}
	for _, tt := range tests {
		var rep report.Report
		Apply(&rep, Event{Kind: EventRefresh, Step: &tt.step})
		if rep.Refresh == nil || rep.Refresh.Rotated != tt.want {
			t.Errorf("%s: refresh %+v, want rotated %v", tt.name, rep.Refresh, tt.want)
		}
	}
}

// Replaying a report through Apply builds the same report: what the TUI
// shows of a HAR file is what --json prints.
func TestReplayRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	rep := report.Report{
		Hops: []report.Hop{
			{N: 1, Source: report.SourceHAR, Role: report.RoleAuthorize, URL: "https://idp.example.com/authorize?client_id=a&response_type=code", Chain: "attempt 1", At: at},
			{N: 2, Source: report.SourceHAR, Role: report.RoleCallback, URL: "https://app.example.com/cb?code=x", Chain: "attempt 1", At: at},
		},
		Chains:   []report.Chain{{Name: "attempt 1", RedirectURI: "https://app.example.com/cb", State: "s"}},
		Findings: []report.Finding{{Code: report.CodeParamAdded, Severity: report.SeverityInfo, Hop: 1}},
		Tokens:   []report.Token{{Kind: "access_token", Format: "opaque", Chain: "attempt 1"}},
		Exchange: &report.Exchange{
			Attempts: []report.Step{{Request: report.Request{Method: "POST", URL: "https://idp.example.com/token", ClientAuth: "post"}}},
			Step:     report.Step{Request: report.Request{Method: "POST", URL: "https://idp.example.com/token", ClientAuth: "basic"}},
		},
		Refresh: &report.Refresh{Step: report.Step{Request: report.Request{Method: "POST", URL: "https://idp.example.com/token"}}},
	}
	var got report.Report
	var last Event
	out, err := Replay(rep)(context.Background(), Config{}, func(e Event) { Apply(&got, e); last = e })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rep, got); diff != "" {
		t.Errorf("replayed report differs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(rep, out); diff != "" {
		t.Errorf("returned report differs:\n%s", diff)
	}
	if last.Kind != EventPhase || last.Phase != PhaseDone {
		t.Errorf("last event = %+v, want done", last)
	}
}
