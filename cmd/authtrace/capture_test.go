package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/flow"
)

func TestCaptureUsageErrors(t *testing.T) {
	login := []string{"login", "--authorize-url", "https://idp.example/a", "--token-url", "https://idp.example/t", "--client-id", "x", "--client-secret", ""}
	dir := t.TempDir()
	old := filepath.Join(dir, "customer.har")
	if err := os.WriteFile(old, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{append(login, "--headless"), "--headless goes with --capture"},
		{append(login, "--har-out", filepath.Join(dir, "x.har")), "--har-out goes with --capture"},
		{append(login, "--browser-path", "/usr/bin/chromium"), "--browser-path goes with --capture"},
		{append(login, "--capture", "--no-browser"), "leave out --no-browser and --open-with"},
		{append(login, "--capture", "--browser-path", filepath.Join(dir, "nope")), "--browser-path: " + filepath.Join(dir, "nope") + " does not exist"},
		{append(login, "--capture", "--browser-path", dir), "is a folder"},
		{append(login, "--capture", "--browser-path", old), "is not executable"},
		{append(login, "--capture", "--browser-path", "/bin/sh", "--har-out", dir), "--har-out " + dir + " is a directory"},
		{append(login, "--capture", "--browser-path", "/bin/sh", "--har-out", "r.json", "--report", "r.json"), "--report and --har-out are both"},
		{append(login, "--capture", "--browser-path", "/bin/sh", "--har-out", old), "--har-out " + old + " exists: authtrace does not overwrite a HAR file"},
		{[]string{"demo", "--capture", "--browser"}, "--browser and --capture each open a real browser"},
		{[]string{"demo", "--headless"}, "--headless goes with --capture"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[len(tt.args)-2:], " "), func(t *testing.T) { wantUsage(t, tt.args, tt.want) })
	}
}

func TestCaptureNoBrowserFound(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // none of the browsers' names
	for _, p := range []string{"/snap/bin/chromium", "/opt/google/chrome/chrome", "/opt/microsoft/msedge/msedge", "/opt/brave.com/brave/brave"} {
		if _, err := os.Stat(p); err == nil {
			t.Skipf("%s is installed: a machine with no browser cannot be faked here", p)
		}
	}
	code, _, stderr := runCLI(t, "demo", "--capture", "--json")
	if code != exitIncomplete {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitIncomplete, stderr)
	}
	for _, want := range []string{"no Chromium-family browser found", "chromium", "google-chrome", "microsoft-edge", "brave-browser", "--browser-path"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not name %q:\n%s", want, stderr)
		}
	}
}

func TestCaptureDriver(t *testing.T) {
	for _, v := range []string{"", "signin", "signin:ada:pw", "close-at-login"} {
		if _, err := captureDriver(v); err != nil {
			t.Errorf("captureDriver(%q) = %v", v, err)
		}
	}
	for _, v := range []string{"signin:ada", "fill", "close"} {
		if _, err := captureDriver(v); err == nil {
			t.Errorf("captureDriver(%q) took it", v)
		}
	}
}

func TestCaptureNoDisplay(t *testing.T) {
	for _, v := range []string{"DISPLAY", "WAYLAND_DISPLAY"} {
		t.Setenv(v, "")
	}
	if runtime.GOOS == "linux" {
		// Said before anything is sent, not after the browser failed.
		wantUsage(t, []string{"demo", "--capture", "--browser-path", "/bin/sh"}, "no display for a browser window (neither DISPLAY nor WAYLAND_DISPLAY is set): add --headless")
	}
}

// TestCaptureHeadlessUnattended: login --capture --headless has nobody to
// sign in: it says so up front and waits a minute, not a person's five
// (unless --timeout says otherwise).
func TestCaptureHeadlessUnattended(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "<html><form method=post><input type=password name=pw></form></html>")
	}))
	defer srv.Close()
	login := []string{"login", "--authorize-url", srv.URL + "/authorize", "--token-url", srv.URL + "/token", "--client-id", "x", "--client-secret", "y",
		"--json", "--capture", "--headless", "--browser-path", "/bin/sh"} // no browser: it fails at once
	for _, tc := range []struct {
		extra []string
		left  string
	}{{nil, "(time left 1m0s)"}, {[]string{"--timeout", "7m"}, "(time left 7m0s)"}} {
		_, _, stderr := runCLI(t, append(login, tc.extra...)...)
		for _, want := range []string{"nobody can sign in to a headless browser", tc.left} {
			if !strings.Contains(stderr, want) {
				t.Errorf("%v: stderr does not say %q:\n%s", tc.extra, want, stderr)
			}
		}
	}
}

// TestCaptureWaitingLine: with --capture authtrace opened the browser
// itself: the wait does not tell the person to open the URL if none did.
func TestCaptureWaitingLine(t *testing.T) {
	e := flow.Event{Kind: flow.EventPhase, Phase: flow.PhaseWaiting, Listen: "127.0.0.1:5", AuthorizeURL: "https://idp.example/authorize?state=s"}
	if line := progressLine(e, false, true); strings.Contains(line, "if no browser opened") || !strings.Contains(line, "waiting for the callback") {
		t.Errorf("capture's waiting line %q", line)
	}
	if line := progressLine(e, false, false); !strings.Contains(line, "if no browser opened") {
		t.Errorf("the system browser's waiting line %q lacks the URL to open by hand", line)
	}
}
