package demo

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/authtrace/authtrace/flow"
)

// TestFaults runs the whole login against the demo for every fault and
// checks that authtrace reports what the fault's description promises.
func TestFaults(t *testing.T) {
	want := map[string][]string{
		"none":           {},
		"state-suffix":   {"state.changed"},
		"state-base64":   {"state.changed"},
		"redirect-slash": {"redirect_uri.changed", "redirect_uri.rejected"},
		"drop-audience":  {"param.dropped"},
		"loop":           {"redirect.loop"},
		"no-refresh":     {"refresh_token.missing"},
		"basic-only":     {"token.client_auth"},
		"html-token":     {"token.not_json"},
		"wrong-aud":      {"jwt.aud_azure_management"},
	}
	if len(want) != len(Faults) {
		t.Fatalf("the test covers %d faults, the demo has %d", len(want), len(Faults))
	}
	for _, f := range Faults {
		t.Run(f.Name, func(t *testing.T) {
			srv, err := Start(f.Name)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			cfg := srv.Config()
			cfg.Timeout = 10 * time.Second
			cfg.OpenBrowser = srv.Browse
			rep, err := flow.Run(context.Background(), cfg, nil)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			var got []string
			for _, fd := range rep.Findings {
				if fd.Severity != "info" && !slices.Contains(got, fd.Code) {
					got = append(got, fd.Code)
				}
			}
			for _, code := range want[f.Name] {
				if !slices.Contains(got, code) {
					t.Errorf("findings %v lack %s", got, code)
				}
			}
			if f.Name == "none" && len(got) != 0 {
				t.Errorf("healthy demo has findings %v", got)
			}
		})
	}
}

func TestUnknownFault(t *testing.T) {
	if _, err := Start("typo"); err == nil {
		t.Fatal("Start(\"typo\") succeeded; want an error naming the faults")
	}
}

// TestStartAtIssuesOnItsClock: tokens carry the clock's time, so a login
// recorded against the demo gives the same tokens every time.
func TestStartAtIssuesOnItsClock(t *testing.T) {
	at := time.Date(2026, 11, 29, 14, 59, 45, 0, time.UTC)
	s, err := StartAt("none", func() time.Time { return at })
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cfg := s.Config()
	cfg.OpenBrowser = s.Browse
	cfg.Now = func() time.Time { return at.Add(time.Second) }
	rep, err := flow.Run(context.Background(), cfg, nil)
	if err != nil || len(rep.Tokens) == 0 {
		t.Fatalf("Run: %v, %d tokens", err, len(rep.Tokens))
	}
	var claims struct{ Iat, Exp int64 }
	if err := json.Unmarshal(rep.Tokens[0].Claims, &claims); err != nil {
		t.Fatal(err)
	}
	if claims.Iat != at.Unix() || claims.Exp != at.Add(time.Hour).Unix() {
		t.Errorf("iat, exp = %d, %d; want %d, %d", claims.Iat, claims.Exp, at.Unix(), at.Add(time.Hour).Unix())
	}
}
