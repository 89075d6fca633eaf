package main

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/demo"
	"github.com/authtrace/authtrace/report"
)

// TestDemoFaultFindings runs `authtrace demo --fault NAME --json` for
// every fault and checks that the report's errors and warnings name that
// fault's problem and nothing else (with the detail that tells one state
// or refresh problem from another): the demo is the README's first
// command, and a fault that shows something else teaches the wrong thing.
// What each fault shows is in demo.Faults, where --list-faults reads it.
func TestDemoFaultFindings(t *testing.T) {
	for _, f := range demo.Faults {
		t.Run(f.Name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run([]string{"demo", "--fault", f.Name, "--json"}, strings.NewReader(""), &stdout, &stderr)
			var rep report.Report
			if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
				t.Fatalf("exit %d, stdout is not a report: %v\nstderr: %s", code, err, stderr.String())
			}
			for sev, want := range map[report.Severity][]string{report.SeverityError: f.Errors, report.SeverityWarn: f.Warnings} {
				if got, want := demo.Shown(rep, sev), slices.Sorted(slices.Values(want)); !slices.Equal(got, want) {
					t.Errorf("%s findings: got %v, want %v", sev, got, want)
				}
			}
			if wantExit := map[bool]int{true: 1, false: 0}[len(f.Errors) > 0]; code != wantExit {
				t.Errorf("exit status %d, want %d", code, wantExit)
			}
		})
	}
}

// The demo as Power Platform runs it: its state shape and no PKCE, so a
// provider that requires PKCE refuses the exchange; and the ways to open
// the login page are one at a time.
func TestDemoAsPowerPlatform(t *testing.T) {
	code, out, stderr := runCLI(t, "demo", "--as", "power-platform", "--fault", "pkce-required", "--json")
	rep := oneReport(t, out)
	if code != exitFindings || rep.Profile.As != "power-platform" || rep.Profile.PKCE {
		t.Fatalf("exit %d, as %q, pkce %v; stderr %s", code, rep.Profile.As, rep.Profile.PKCE, stderr)
	}
	if !strings.Contains(rep.Profile.State, "_azure-apim.net") {
		t.Errorf("state %q is not the platform's shape", rep.Profile.State)
	}
	if i := slices.IndexFunc(rep.Findings, func(f report.Finding) bool { return f.Code == "token.error" }); i < 0 ||
		rep.Findings[i].Detail["error"] != "invalid_request" || !strings.Contains(rep.Findings[i].Hint, "requires PKCE") {
		t.Errorf("want the refused exchange with the PKCE hint, got %+v", rep.Findings)
	}
	for _, args := range [][]string{
		{"demo", "--as", "power-platform", "--fault", "nonce-mismatch"},
		{"demo", "--as", "power-platform", "--fault", "state-plus-space"},
		{"demo", "--timeout", "-5s"},
		{"demo", "--fault", "state-sufix"},
		{"demo", "--browser", "--no-browser"},
		{"demo", "--no-browser", "--open-with", "true"},
		{"demo", "--as", "zapier"},
	} {
		if code, _, stderr := runCLI(t, args...); code != exitUsage || stderr == "" {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
}
