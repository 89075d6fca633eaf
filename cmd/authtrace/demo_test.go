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
// fault's problem and nothing else (with the detail that tells one state
// or refresh problem from another): the demo is the README's first
// command, and a fault that shows something else teaches the wrong thing.
// The first ten are what the hand-written demo reported before the demo's
// server became a real OpenID provider.
func TestDemoFaultFindings(t *testing.T) {
	want := map[string]struct{ errors, warnings []string }{
		"none":                  {},
		"state-suffix":          {errors: []string{"state.changed kind=suffix_added"}},
		"state-base64":          {errors: []string{"state.changed kind=wrapped"}},
		"redirect-slash":        {errors: []string{"redirect_uri.changed kind=trailing_slash", "redirect_uri.rejected"}},
		"drop-audience":         {errors: []string{"param.dropped", "access_token.opaque"}},
		"loop":                  {errors: []string{"redirect.loop"}},
		"no-refresh":            {errors: []string{"refresh_token.missing cause=withheld"}},
		"basic-only":            {warnings: []string{"token.client_auth"}},
		"html-token":            {errors: []string{"token.not_json"}},
		"wrong-aud":             {errors: []string{"jwt.aud_mismatch"}, warnings: []string{"jwt.aud_azure_management"}},
		"state-plus-space":      {errors: []string{"state.changed kind=plus_to_space"}},
		"state-truncate":        {errors: []string{"state.changed kind=truncated"}},
		"state-double-encoded":  {errors: []string{"state.changed kind=percent_encoded_twice"}},
		"redirect-unregistered": {errors: []string{"redirect_uri.rejected"}},
		"no-offline-access":     {errors: []string{"refresh_token.missing cause=offline_access_not_requested"}},
		"consent-denied":        {errors: []string{"authorize.error error=access_denied"}},
		"pkce-required":         {errors: []string{"token.error error=invalid_request"}},
		"expired-token":         {errors: []string{"jwt.expired"}},
		"nonce-mismatch":        {errors: []string{"id_token.nonce_mismatch"}},
		"refresh-invalid-grant": {errors: []string{"refresh.failed error=invalid_grant"}},
		"audience-unknown":      {errors: []string{"authorize.error error=access_denied"}},
	}
	if len(want) != len(demo.Faults) {
		t.Fatalf("the test covers %d faults, the demo has %d", len(want), len(demo.Faults))
	}
	for _, f := range demo.Faults {
		t.Run(f.Name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run([]string{"demo", "--fault", f.Name, "--json"}, strings.NewReader(""), &stdout, &stderr)
			var rep struct {
				Findings []struct {
					Code, Severity string
					Detail         map[string]any
				}
			}
			if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
				t.Fatalf("exit %d, stdout is not a report: %v\nstderr: %s", code, err, stderr.String())
			}
			got := map[string][]string{}
			for _, fd := range rep.Findings {
				if c := qualified(fd.Code, fd.Detail); !slices.Contains(got[fd.Severity], c) {
					got[fd.Severity] = append(got[fd.Severity], c)
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

// qualified is a finding's code with the detail that says which kind of
// that problem it is, as "state.changed kind=truncated".
func qualified(code string, detail map[string]any) string {
	for _, k := range []string{"kind", "cause", "error"} {
		if v, ok := detail[k].(string); ok && v != "" {
			return code + " " + k + "=" + v
		}
	}
	return code
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
	for _, args := range [][]string{
		{"demo", "--browser", "--no-browser"},
		{"demo", "--no-browser", "--open-with", "true"},
		{"demo", "--as", "zapier"},
	} {
		if code, _, stderr := runCLI(t, args...); code != exitUsage || stderr == "" {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
}
