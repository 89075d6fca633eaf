package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const harFixtures = "../../har/testdata/"

func TestHarCommand(t *testing.T) {
	for _, tc := range []struct {
		file   string
		code   int
		codes  []string // finding codes, in order
		chains int
	}{
		{"pp-healthy.har", exitOK, []string{"param.added", "har.platform_leg"}, 1},
		{"pp-healthy.har.gz", exitOK, []string{"param.added", "har.platform_leg"}, 1},
		{"pp-state-suffix.har", exitFindings, []string{"state.changed", "param.added", "state.changed", "har.platform_leg"}, 1},
		{"pp-two-attempts.har", exitFindings, []string{"redirect_uri.changed", "param.added", "redirect_uri.rejected", "param.added", "har.platform_leg"}, 2},
		{"sanitised.har", exitOK, []string{"param.placeholder", "param.placeholder", "param.added", "param.placeholder", "har.platform_leg"}, 1},
	} {
		t.Run(tc.file, func(t *testing.T) {
			code, out, stderr := runCLI(t, "har", harFixtures+tc.file, "--json")
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.code, stderr)
			}
			rep := oneReport(t, out)
			var got []string
			for _, f := range rep.Findings {
				got = append(got, f.Code)
			}
			if strings.Join(got, " ") != strings.Join(tc.codes, " ") {
				t.Errorf("codes %v, want %v", got, tc.codes)
			}
			if rep.Command != "har" || len(rep.Chains) != tc.chains || rep.HAR == nil {
				t.Errorf("command %q, %d chains, har %+v", rep.Command, len(rep.Chains), rep.HAR)
			}
			if strings.Contains(out, "bX6vT2kQ9wYr") {
				t.Error("the callback's code is in the output without --reveal")
			}
		})
	}
}

func TestHarBadInput(t *testing.T) {
	for file, want := range map[string]string{
		"bad/no-login.har":  "none of its 7 entries carries client_id and response_type",
		"bad/not-json.har":  "not a HAR file",
		"bad/page.har":      "HTML",
		"bad/empty.har":     "empty",
		"missing.har":       "no such file",
		"bad/truncated.har": "",
	} {
		code, _, stderr := runCLI(t, "har", harFixtures+file, "--json")
		if file == "bad/truncated.har" {
			// A cut file still gives what came before the cut.
			if code != exitOK {
				t.Errorf("%s: exit %d, stderr %s", file, code, stderr)
			}
			continue
		}
		if code != exitUsage || !strings.Contains(stderr, want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 saying %q", file, code, stderr, want)
		}
	}
	if code, _, stderr := runCLI(t, "har"); code != exitUsage || !strings.Contains(stderr, "one HAR file") {
		t.Errorf("no file: exit %d, %s", code, stderr)
	}
}

// --report FILE.md is the ticket's Markdown, summary first; without .md
// the JSON report. Both are redacted.
func TestHarReportFiles(t *testing.T) {
	dir := t.TempDir()
	md := filepath.Join(dir, "ticket.md")
	code, out, stderr := runCLI(t, "har", harFixtures+"pp-two-attempts.har", "--report", md)
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	attempts, findings, hops := strings.Index(text, "## Attempts"), strings.Index(text, "## Findings"), strings.Index(text, "## Hops")
	if attempts < 0 || findings < attempts || hops < findings {
		t.Errorf("sections out of order (attempts %d, findings %d, hops %d):\n%s", attempts, findings, hops, text)
	}
	if !strings.Contains(text, "1. ✗ failed") || !strings.Contains(text, "2. ✓ reached the platform's redirect URL") {
		t.Errorf("no per-attempt summary:\n%s", text[:min(len(text), 800)])
	}
	if strings.Contains(text, "Zr4pQ8sLm2nV") {
		t.Error("the code is in the Markdown report")
	}
	if out == "" {
		t.Error("nothing on stdout in a pipe")
	}
	if fi, _ := os.Stat(md); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	js := filepath.Join(dir, "r.json")
	if code, _, stderr := runCLI(t, "har", harFixtures+"pp-healthy.har", "--json", "--report", js); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, _ = os.ReadFile(js)
	if rep := oneReport(t, string(b)); rep.Command != "har" {
		t.Errorf("the JSON report file is %q", b[:min(len(b), 200)])
	}
	if code, _, stderr := runCLI(t, "har", harFixtures+"pp-healthy.har", "--report", filepath.Join(dir, "no", "such", "r.md")); code != exitUsage || !strings.Contains(stderr, "cannot be written") {
		t.Errorf("unwritable --report: exit %d, %s", code, stderr)
	}
}

// The sanitised copy reads back to the same attempts and findings, and
// has none of the secrets.
func TestHarRedactOut(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "copy.har")
	code, _, stderr := runCLI(t, "har", harFixtures+"chrome-spa-pkce.har", "--json", "--redact-out", out)
	if code != exitFindings { // the API in it refused the token: api.rejected
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "sanitised copy written to") {
		t.Errorf("stderr %q", stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Qf3vH8yTn2Lw", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "Sup3r-Secret"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("%q is in the sanitised copy", secret)
		}
	}
	code2, again, _ := runCLI(t, "har", out, "--json")
	_, first, _ := runCLI(t, "har", harFixtures+"chrome-spa-pkce.har", "--json")
	a, f := oneReport(t, again), oneReport(t, first)
	if code2 != code || len(a.Hops) != len(f.Hops) || len(a.Tokens) != len(f.Tokens) {
		t.Errorf("the copy reads as %d hops, %d tokens (exit %d); the original %d, %d", len(a.Hops), len(a.Tokens), code2, len(f.Hops), len(f.Tokens))
	}
	if code, _, stderr := runCLI(t, "har", out, "--redact-out", out); code != exitUsage || !strings.Contains(stderr, "is the HAR file being read") {
		t.Errorf("copy over the input: exit %d, %s", code, stderr)
	}
}

// From stdin, gzip-compressed or not, with a sanitised copy (a second
// pass, so stdin is kept in a temporary file, removed afterwards).
func TestHarStdin(t *testing.T) {
	for _, name := range []string{"pp-state-suffix.har", "pp-healthy.har.gz"} {
		data, err := os.ReadFile(harFixtures + name)
		if err != nil {
			t.Fatal(err)
		}
		copyPath := filepath.Join(t.TempDir(), "copy.har")
		var out, errb bytes.Buffer
		code := run([]string{"har", "-", "--json", "--redact-out", copyPath}, bytes.NewReader(data), &out, &errb)
		rep := oneReport(t, out.String())
		if rep.HAR == nil || rep.HAR.File != "stdin" || len(rep.Hops) != 6 {
			t.Errorf("%s: har %+v, %d hops; stderr %s", name, rep.HAR, len(rep.Hops), errb.String())
		}
		if want := map[bool]int{true: exitFindings, false: exitOK}[rep.HasErrors()]; code != want {
			t.Errorf("%s: exit %d, want %d", name, code, want)
		}
		if _, err := os.Stat(copyPath); err != nil {
			t.Errorf("%s: no copy: %v", name, err)
		}
		if strings.Contains(errb.String(), "authtrace-stdin-") {
			t.Errorf("the temporary file's name shows: %s", errb.String())
		}
	}
}

// The customer's HAR survives a typo: no output over the input, and a
// copy named .gz is gzip-compressed.
func TestHarOutputsGuarded(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "c.har")
	data, _ := os.ReadFile(harFixtures + "pp-healthy.har")
	os.WriteFile(in, data, 0o600)
	for _, args := range [][]string{
		{"har", in, "--report", in},
		{"har", in, "--redact-out", in},
		{"har", in, "--report", filepath.Join(dir, "x.md"), "--redact-out", filepath.Join(dir, "x.md")},
	} {
		if code, _, stderr := runCLI(t, args...); code != exitUsage || !strings.Contains(stderr, "give") {
			t.Errorf("%v: exit %d, %s", args[2:], code, stderr)
		}
	}
	if b, _ := os.ReadFile(in); !bytes.Equal(b, data) {
		t.Fatal("the input was changed")
	}
	gz := filepath.Join(dir, "copy.har.gz")
	if code, _, stderr := runCLI(t, "har", in, "--json", "--redact-out", gz); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code, out, stderr := runCLI(t, "har", gz, "--json"); code != exitOK || oneReport(t, out).HAR.Entries == 0 {
		t.Errorf("the .gz copy does not read back: exit %d, %s", code, stderr)
	}
	if b, _ := os.ReadFile(gz); len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Error("the .gz copy is not gzip-compressed")
	}
	zip := filepath.Join(dir, "c.zip")
	os.WriteFile(zip, []byte("PK\x03\x04 rest of an archive"), 0o600)
	if code, _, stderr := runCLI(t, "har", zip); code != exitUsage || !strings.Contains(stderr, "unzip it") {
		t.Errorf("zip: exit %d, %s", code, stderr)
	}
}
