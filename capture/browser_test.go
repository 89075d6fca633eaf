package capture

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/authtrace/authtrace/flow"
)

func TestStartErrorSaysWhy(t *testing.T) {
	long := strings.Repeat("é", 400) // 800 bytes: the cut lands inside one
	for _, tc := range []struct {
		name, log, want, not string
	}{
		{"no X server", "chrome exited: [ERROR:ozone_platform_x11.cc(240)] Missing X server or $DISPLAY\n", "no display for a browser window: add --headless", "give Chromium"},
		{"ozone", "[ERROR:env.cc] The platform failed to initialize.  Exiting.\n ozone platform", "no display for a browser window", "give Chromium"},
		{"not a browser", "exit status 1: usage: sleep", "give Chromium", "no display"},
		{"long", long, "give Chromium", "\uFFFD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := (&StartError{Path: "/usr/bin/chromium", Err: errors.New(tc.log)}).Error()
			if !strings.Contains(got, tc.want) || tc.not != "" && strings.Contains(got, tc.not) {
				t.Errorf("%q: want %q in it, not %q", got, tc.want, tc.not)
			}
			if !utf8.ValidString(got) {
				t.Errorf("%q is cut inside a character", got)
			}
		})
	}
}

func TestRunWithoutDisplay(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("a display is X11's or Wayland's, on Linux")
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	// A program that is no browser: the run must not even start it.
	s := New(Options{Path: "/bin/false"})
	err := s.Run(context.Background(), "http://127.0.0.1:1/", func(flow.BrowserRequest) {})
	if !errors.Is(err, ErrNoDisplay) || !strings.Contains(err.Error(), "--headless") {
		t.Errorf("Run without a display = %v, want ErrNoDisplay saying --headless", err)
	}
}

// TestSandbox: a headless browser keeps Chromium's sandbox (it opens
// third-party login pages) unless authtrace runs as root, where Chromium
// refuses it, or the sandbox could not start.
func TestSandbox(t *testing.T) {
	for _, tc := range []struct {
		headless, root, failed, want bool
	}{
		{true, false, false, false},
		{true, true, false, true},
		{true, false, true, true},
		{false, false, false, false},
		{false, true, false, true},
	} {
		cmdline := New(Options{Headless: tc.headless}).flags(tc.root, tc.failed)
		if got := slices.Contains(cmdline, "no-sandbox"); got != tc.want {
			t.Errorf("headless %v, root %v, sandbox failed %v: no-sandbox %v, want %v (%v)", tc.headless, tc.root, tc.failed, got, tc.want, cmdline)
		}
	}
	if !saysNoSandbox("[FATAL:zygote_host_impl_linux.cc(127)] No usable sandbox! Update your kernel or see https://chromium.googlesource.com/...") {
		t.Error("Chromium's no-usable-sandbox line is not recognised")
	}
}
