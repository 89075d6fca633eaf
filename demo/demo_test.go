package demo

import (
	"context"
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
