package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"login"}, "--authorize-url"},
		{[]string{"login", "--authorize-url", "https://idp.example/authorize"}, "--client-id"},
		{[]string{"login", "--authorize-url", "idp.example/authorize", "--client-id", "x", "--token-url", "https://idp.example/t"}, "has no scheme"},
		{[]string{"login", "--issuer", "https://idp.example", "--client-id", "x", "--param", "audience"}, "--param"},
		{[]string{"login", "--bogus"}, "Run 'authtrace login --help'"},
		{[]string{"decode", "a.b.c", "d.e.f"}, "pipe them in one per line"},
		{[]string{"demo", "--fault", "state_suffix"}, "did you mean state-suffix?"},
		{[]string{"demo", "--report", "/nonexistent/dir/r.json"}, "--report /nonexistent/dir/r.json cannot be written"},
		{[]string{"trace", "--authorize-url", "https://idp.example/a", "--client-id", "x", "--param", "prompt=a", "--param", "prompt=b"}, "given twice"},
		{[]string{"trace", "--authorize-url", "https://idp.example/a", "--client-id", "x", "--port", "70000"}, "--port"},
		{[]string{"trace", "--authorize-url", "https://idp.example/a", "--client-id", "x", "--max-hops", "100000"}, "--max-hops: 100000 is more than 100"},
		{[]string{"trace", "--authorize-url", "https://idp.example/a", "--client-id", "x", "--param", "client_secret=hunter2"}, `--param: "client_secret" is set by authtrace itself; use --client-secret instead`},
		{[]string{"login", "--authorize-url", "https://idp.example/a", "--token-url", "https://idp.example/t", "--client-id", "x", "--redirect-uri", "http://example.com/cb"}, "loopback"},
		{[]string{"login", "--authorize-url", "https://idp.example/a", "--token-url", "https://idp.example/t", "--client-id", "x", "--redirect-uri", "http://127.0.0.1:8080/cb", "--port", "9000"}, "has its own port, 8080, and --port says 9000"},
		{[]string{"login", "--authorize-url", "https://idp.example/a", "--token-url", "https://idp.example/t", "--client-id", "x", "--redirect-uri", "http://127.0.0.1:53682/cb#x"}, "--redirect-uri: \"http://127.0.0.1:53682/cb#x\" has a fragment"},
		{[]string{"trace", "--authorize-url", "https://idp.example/a", "--client-id", "x", "--redirect-uri", "https://u:p@global.consent.azure-apim.net/redirect"}, "user name or password"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) { wantUsage(t, tt.args, tt.want) })
	}
}

// wantUsage runs the CLI with args and wants exit 2 with want in stderr.
func wantUsage(t *testing.T, args []string, want string) {
	t.Helper()
	code, _, stderr := runCLI(t, args...)
	if code != exitUsage {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
	}
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr %q does not mention %q", stderr, want)
	}
}

// TestTraceJSON runs `authtrace trace --json` against a two-hop chain and
// reads the report, the only thing on stdout.
func TestTraceJSON(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/login?"+r.URL.RawQuery, http.StatusFound)
	})
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>login</html>"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	reportPath := filepath.Join(t.TempDir(), "r.json")
	code, out, stderr := runCLI(t, "trace", "--json", "--authorize-url", srv.URL+"/authorize", "--client-id", "app",
		"--redirect-uri", "https://global.consent.azure-apim.net/redirect", "--state", "abc", "--report", reportPath)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	rep := oneReport(t, out)
	if rep.Version != 1 || len(rep.Hops) != 3 {
		t.Fatalf("report version %d with %d hops, want version 1 with 3 hops", rep.Version, len(rep.Hops))
	}
	if got := rep.Hops[1].Params["state"]; got != "abc" {
		t.Errorf("hop 2 state = %q, want abc", got)
	}
	fi, err := os.Stat(reportPath)
	if err != nil {
		t.Fatalf("report file: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("report file mode %v, want 0600", fi.Mode().Perm())
	}
}

// oneReport reads --json output, which must be exactly one JSON value, the
// version-1 report (as gh's and kubectl's JSON outputs are).
func oneReport(t *testing.T, out string) report.Report {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	var rep report.Report
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\n%s", err, out)
	}
	var more json.RawMessage
	if err := dec.Decode(&more); err != io.EOF {
		t.Fatalf("stdout holds more than one JSON value (next: %v, %.200s)", err, more)
	}
	if rep.Version != report.Version {
		t.Errorf("report version %d, want %d", rep.Version, report.Version)
	}
	return rep
}

// TestDemoJSONAndEvents: --json prints the report alone; --events prints
// one event per line, every line with an "event", the report last.
func TestDemoJSONAndEvents(t *testing.T) {
	code, out, stderr := runCLI(t, "demo", "--fault", "state-suffix", "--json")
	if code != exitFindings {
		t.Fatalf("--json: exit %d, want %d; stderr:\n%s", code, exitFindings, stderr)
	}
	if rep := oneReport(t, out); !slices.ContainsFunc(rep.Findings, func(f report.Finding) bool { return f.Code == report.CodeStateChanged }) {
		t.Errorf("--json report lacks %s: %+v", report.CodeStateChanged, rep.Findings)
	}

	code, out, stderr = runCLI(t, "demo", "--fault", "state-suffix", "--events")
	if code != exitFindings {
		t.Fatalf("--events: exit %d, want %d; stderr:\n%s", code, exitFindings, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	kinds := map[string]int{}
	for i, l := range lines {
		var e struct {
			Event  string         `json:"event"`
			Report *report.Report `json:"report"`
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil || e.Event == "" {
			t.Fatalf("line %d is not an event (%v): %.200s", i+1, err, l)
		}
		kinds[e.Event]++
		if e.Event == "report" {
			if i != len(lines)-1 {
				t.Errorf("the report is line %d of %d, want the last", i+1, len(lines))
			}
			if e.Report == nil || e.Report.Version != report.Version || len(e.Report.Findings) == 0 {
				t.Errorf("the report event carries no version-%d report with findings: %.300s", report.Version, l)
			}
		}
	}
	for _, k := range []string{"phase", "hop", "finding", "exchange", "token", "report"} {
		if kinds[k] == 0 {
			t.Errorf("no %q event in --events output (%v)", k, kinds)
		}
	}
	if kinds["report"] != 1 {
		t.Errorf("%d report events, want 1", kinds["report"])
	}

	code, out, stderr = runCLI(t, "demo", "--json", "--events")
	if code != exitUsage || out != "" || !strings.Contains(stderr, "--json and --events") {
		t.Errorf("--json --events: exit %d, stdout %q, stderr %q; want %d naming both flags", code, out, stderr, exitUsage)
	}
}

// TestReportFileReplaced: --report names the file, so an older report
// there is replaced (the TUI's export, which picks names, never does).
func TestReportFileReplaced(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>login</html>")) }))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "r.json")
	if err := os.WriteFile(path, []byte("an older report"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "trace", "--authorize-url", srv.URL+"/authorize", "--client-id", "app", "--report", path)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	var rep report.Report
	if b, err := os.ReadFile(path); err != nil || json.Unmarshal(b, &rep) != nil || len(rep.Hops) == 0 {
		t.Errorf("report file was not replaced by the new report: %v\n%s", err, b)
	}
}

func TestTraceUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // nothing listens there now
	code, out, _ := runCLI(t, "trace", "--authorize-url", addr+"/authorize", "--client-id", "app")
	if code != exitFindings {
		t.Errorf("exit %d, want %d", code, exitFindings)
	}
	if !strings.Contains(out, "hop.unreachable") || !strings.Contains(out, strings.TrimPrefix(addr, "http://")) {
		t.Errorf("output does not name the unreachable host:\n%s", out)
	}
}

// TestDemoText runs the built-in demo in text mode (stdout is no terminal
// here) and checks that the report names the fault, the fix and the tokens.
func TestDemoText(t *testing.T) {
	code, out, stderr := runCLI(t, "demo", "--fault", "state-suffix")
	if code != exitFindings {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFindings, stderr)
	}
	for _, want := range []string{"`state.changed` (hop 3)", `appended "|org=acme"`, "fix: ", "access_token (jwt)", "| `aud` | `[\"https://api.demo.example\"]` |", "state: `"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := runCLI(t, "demo", "--fault", "nonsense"); code != exitUsage {
		t.Errorf("unknown fault: exit %d, want %d", code, exitUsage)
	}
}

// TestJSONRedacted: --json output carries no secret unless --reveal.
func TestJSONRedacted(t *testing.T) {
	_, out, _ := runCLI(t, "demo", "--json")
	if strings.Contains(out, "demo-secret") {
		t.Errorf("--json output contains the client secret")
	}
	if !strings.Contains(out, report.Redacted) {
		t.Errorf("--json output shows no redaction at all")
	}
	_, out, _ = runCLI(t, "demo", "--json", "--reveal")
	if !strings.Contains(out, "demo-secret") {
		t.Errorf("--json --reveal output lacks the client secret")
	}
}

// TestIncompleteExit: a login that cannot complete exits 3, saying why,
// whether the callback never came or the listener could not start.
func TestIncompleteExit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>login page</html>"))
	}))
	defer srv.Close()
	args := []string{"login", "--authorize-url", srv.URL + "/authorize", "--token-url", srv.URL + "/token",
		"--client-id", "app", "--client-secret", "s", "--no-browser"}

	// The default port when it is free here (another authtrace may be
	// waiting on it), else any.
	defaultFree := true
	if ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", flow.DefaultPort)); err != nil {
		defaultFree = false
		args = append(args, "--port", "0")
		t.Logf("port %d is in use here: the default redirect URI is not checked", flow.DefaultPort)
	} else {
		ln.Close()
	}
	code, out, stderr := runCLI(t, append(args, "--timeout", "300ms", "--json")...)
	if code != exitIncomplete || !strings.Contains(stderr, "no callback arrived in time") {
		t.Errorf("timeout: exit %d, stderr %q; want %d and the reason", code, stderr, exitIncomplete)
	}
	rep := oneReport(t, out)
	if !strings.Contains(rep.Error, "--timeout") {
		t.Errorf("the report's error is not in the command's flags: %q", rep.Error)
	}
	if rep.Error == "" || len(rep.Hops) == 0 {
		t.Errorf("timeout: the report does not say why it stopped: %s", out)
	}
	// Without --port or --redirect-uri the login sends the one redirect URI
	// a person registers once (the README's), not a random port.
	if defaultFree && rep.Profile.RedirectURI != flow.DefaultRedirectURI {
		t.Errorf("redirect URI sent by default = %q, want %q", rep.Profile.RedirectURI, flow.DefaultRedirectURI)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	code, out, stderr = runCLI(t, append(args, "--port", port)...)
	if code != exitIncomplete || !strings.Contains(stderr, port) || !strings.Contains(stderr, "in use") {
		t.Errorf("port in use: exit %d, stderr %q; want %d naming port %s", code, stderr, exitIncomplete, port)
	}
	if out != "" {
		t.Errorf("port in use: nothing was sent, yet stdout has a report:\n%s", out)
	}
	// For scripts the output is still whole: the report, saying why.
	code, out, _ = runCLI(t, append(args, "--port", port, "--json")...)
	if rep := oneReport(t, out); code != exitIncomplete || !strings.Contains(rep.Error, "in use") {
		t.Errorf("port in use, --json: exit %d, report error %q; want %d and the reason", code, rep.Error, exitIncomplete)
	}
	_, out, _ = runCLI(t, append(args, "--port", port, "--events")...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var last struct {
		Event  string        `json:"event"`
		Report report.Report `json:"report"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Event != "report" || last.Report.Error == "" {
		t.Errorf("port in use, --events: the last line is not the report (%v):\n%s", err, out)
	}
}

func TestProgressLineIsPrintable(t *testing.T) {
	evil := "page says \x1b]0;PWNED\x07\x1b[2J"
	for _, e := range []flow.Event{
		{Kind: flow.EventFinding, Finding: &report.Finding{Severity: report.SeverityError, Code: "x", Message: evil}},
		{Kind: flow.EventHop, Hop: &report.Hop{N: 2, URL: "http://h/\x1b[2J", Error: evil}},
		{Kind: flow.EventLog, Text: evil},
	} {
		if line := progressLine(e, true, false); strings.ContainsAny(line, "\x1b\x07") {
			t.Errorf("progress line for %s carries control characters: %q", e.Kind, line)
		}
	}
}

// TestTraceTimeoutExit: trace whose whole-run time limit runs out exits 3,
// as login does, and says which limit it was in flag words.
func TestTraceTimeoutExit(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	code, _, stderr := runCLI(t, "trace", "--authorize-url", srv.URL+"/authorize", "--client-id", "x", "--timeout", "300ms", "--json")
	if code != exitIncomplete {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitIncomplete, stderr)
	}
	if !strings.Contains(stderr, "time limit of 300ms ran out while following the authorize chain (raise --timeout; each request has its own limit, --request-timeout)") {
		t.Errorf("stderr does not say the whole run's limit ran out:\n%s", stderr)
	}
}

// TestTraceNamesOnlyItsFlags: trace's errors never suggest a flag trace
// does not have (it has no --token-url): such settings are named in words.
func TestTraceNamesOnlyItsFlags(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	code, _, stderr := runCLI(t, "trace", "--issuer", srv.URL, "--client-id", "x")
	if code == exitOK || !strings.Contains(stderr, "--authorize-url") {
		t.Fatalf("exit %d; stderr %q: want the discovery failure naming --authorize-url", code, stderr)
	}
	if strings.Contains(stderr, "--token-url") {
		t.Errorf("trace suggests --token-url, which it does not have:\n%s", stderr)
	}
}

// --report FILE.md on trace (and login) writes the Markdown report for a
// ticket, redacted; another name the JSON report.
func TestReportFileMarkdown(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>login</html>")) }))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "Ticket.MD")
	code, _, stderr := runCLI(t, "trace", "--authorize-url", srv.URL+"/authorize", "--client-id", "app", "--state", "s-123", "--report", path)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "# authtrace trace report") || !strings.Contains(string(b), "## Hops") {
		t.Errorf("not the Markdown report:\n%s", b)
	}
}
