package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/internal/tmuxtest"
)

// TestTmuxRealBinary runs the real authtrace binary in a tmux pane, the way
// a person would: `authtrace demo --fault state-suffix` (the built-in
// provider behind a tenant proxy that appends to state, and a built-in
// browser), then reads the screen (it opens on the first error), goes to
// the hop where state changed, zooms its panes, looks at the findings,
// exports, and quits.
func TestTmuxRealBinary(t *testing.T) {
	bin := tmuxtest.Build(t)
	dir := t.TempDir()
	term := tmuxtest.Start(t, dir, 100, 30, fmt.Sprintf("%q demo --fault state-suffix", bin))
	waitFor, keys := term.WaitFor, term.Keys

	// A login with errors opens on them: Findings, errors first.
	s := waitFor("login finished")
	for _, want := range []string{"authtrace · demo ·", "2 errors", "Hops 5", "Findings 3", "▸✗ state.changed", "enter: go to hop 3"} {
		if !strings.Contains(s, want) {
			t.Errorf("first screen lacks %q:\n%s", want, s)
		}
	}
	keys("Enter") // jump to the finding's hop
	s = waitFor("hop 3 · preflight")
	if !strings.Contains(s, "suffix_added") || !strings.Contains(s, "org=acme") {
		t.Errorf("hop 3 does not show the appended suffix:\n%s", s)
	}

	// z: the list alone, then the detail alone, then both again.
	keys("z")
	s = waitFor("showing the list only")
	if strings.Contains(s, "verdict") || !strings.Contains(s, "host/path") {
		t.Errorf("z does not show the list alone:\n%s", s)
	}
	keys("z")
	s = waitFor("showing the detail only")
	if !strings.Contains(s, "verdict") || strings.Contains(s, "host/path") {
		t.Errorf("z z does not show the detail alone:\n%s", s)
	}
	keys("z")
	s = waitFor("showing the list and the detail")
	if !strings.Contains(s, "verdict") || !strings.Contains(s, "host/path") {
		t.Errorf("z z z does not show both panes:\n%s", s)
	}

	keys("g")
	waitFor("hop 1 · sent")
	keys("BTab") // shift+tab from Hops: findings
	s = waitFor("where    message")
	if !strings.Contains(s, "state.changed") {
		t.Errorf("findings view lacks state.changed:\n%s", s)
	}
	keys("Enter") // back to the hop
	waitFor("hop 3 · preflight")

	keys("e")
	waitFor("exported ")
	matches, _ := filepath.Glob(filepath.Join(dir, "authtrace-*.json"))
	if len(matches) != 1 {
		t.Errorf("export wrote %v, want one JSON report in %s", matches, dir)
	} else if fi, err := os.Stat(matches[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("exported report: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}

	// A resize, then the raw token on screen: after q none of it may stay
	// in the scrollback above the summary (tmux shrinks the alternate
	// screen into it when the size changed).
	term.Resize(160, 48)
	keys("Tab")
	waitFor("access_token")
	keys("Enter")
	waitFor("enter: hide")
	keys("q")
	waitFor("authtrace: login finished: 2 errors")
	s = term.Scrollback()
	for _, leak := range []string{"│", "Hops 5", "eyJ", "tab next view"} {
		if strings.Contains(s, leak) {
			t.Errorf("after quit the screen or scrollback still has %q:\n%s", leak, s)
		}
	}
	if !strings.Contains(s, "report: ") {
		t.Errorf("summary does not name the exported report:\n%s", s)
	}
	if got := term.Status(); got != "1" {
		t.Errorf("exit status %s, want 1 (error findings)", got)
	}
}
