package capture

import (
	"context"
	"errors"
	"runtime"
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
