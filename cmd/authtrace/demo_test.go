package main

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/demo"
)

// TestDemoFaultFindings runs `authtrace demo --fault NAME --json` for
// every fault and checks that the report's errors and warnings name that
// fault's problem and nothing else: the demo is the README's first
// command, and a fault that shows something else teaches the wrong thing.
// The codes are what the hand-written demo reported before the demo's
// server became a real OpenID provider.
func TestDemoFaultFindings(t *testing.T) {
	want := map[string]struct{ errors, warnings []string }{
		"none":           {},
		"state-suffix":   {errors: []string{"state.changed"}},
		"state-base64":   {errors: []string{"state.changed"}},
		"redirect-slash": {errors: []string{"redirect_uri.changed", "redirect_uri.rejected"}},
		"drop-audience":  {errors: []string{"param.dropped", "access_token.opaque"}},
		"loop":           {errors: []string{"redirect.loop"}},
		"no-refresh":     {errors: []string{"refresh_token.missing"}},
		"basic-only":     {warnings: []string{"token.client_auth"}},
		"html-token":     {errors: []string{"token.not_json"}},
		"wrong-aud":      {errors: []string{"jwt.aud_mismatch"}, warnings: []string{"jwt.aud_azure_management"}},
	}
	if len(want) != len(demo.Faults) {
		t.Fatalf("the test covers %d faults, the demo has %d", len(want), len(demo.Faults))
	}
	for _, f := range demo.Faults {
		t.Run(f.Name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run([]string{"demo", "--fault", f.Name, "--json"}, strings.NewReader(""), &stdout, &stderr)
			var rep struct {
				Findings []struct{ Code, Severity string }
			}
			if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
				t.Fatalf("exit %d, stdout is not a report: %v\nstderr: %s", code, err, stderr.String())
			}
			got := map[string][]string{}
			for _, fd := range rep.Findings {
				if !slices.Contains(got[fd.Severity], fd.Code) {
					got[fd.Severity] = append(got[fd.Severity], fd.Code)
				}
			}
			w := want[f.Name]
			for sev, codes := range map[string][]string{"error": w.errors, "warn": w.warnings} {
				slices.Sort(codes)
				slices.Sort(got[sev])
				if !slices.Equal(got[sev], codes) {
					t.Errorf("%s findings: got %v, want %v", sev, got[sev], codes)
				}
			}
			if wantExit := map[bool]int{true: 1, false: 0}[len(w.errors) > 0]; code != wantExit {
				t.Errorf("exit status %d, want %d", code, wantExit)
			}
		})
	}
}
