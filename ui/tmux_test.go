package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTmuxRealBinary runs the real authtrace binary in a tmux pane, the way
// a person would: `authtrace demo --fault state-suffix` (the built-in
// provider behind a tenant proxy that appends to state, and a built-in
// browser), then reads the screen (it opens on the first error), goes to
// the hop where state changed, zooms its panes, looks at the findings,
// exports, and quits.
func TestTmuxRealBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed (apt-get install tmux)")
		}
		t.Skip("tmux is not installed (apt-get install tmux)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "authtrace")
	build := exec.Command("go", "build", "-o", bin, "github.com/authtrace/authtrace/cmd/authtrace")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	session := fmt.Sprintf("authtrace-ui-test-%d", os.Getpid())
	sock := filepath.Join(dir, "tmux.sock")
	tmux := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("tmux", append([]string{"-S", sock}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	status := filepath.Join(dir, "status")
	// The shell records the exit status and keeps the pane open so the
	// summary can be read after the program ends.
	script := fmt.Sprintf("cd %q && %q demo --fault state-suffix; echo $? > %q; sleep 600", dir, bin, status)
	tmux("-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
		"env", "TERM=xterm-256color", "COLORTERM=truecolor", "sh", "-c", script)
	defer exec.Command("tmux", "-S", sock, "kill-server").Run()

	capture := func() string { return tmux("capture-pane", "-p", "-t", session) }
	waitFor := func(want string) string {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			s := capture()
			if strings.Contains(s, want) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("screen never showed %q; last screen:\n%s", want, s)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	keys := func(k ...string) {
		t.Helper()
		tmux(append([]string{"send-keys", "-t", session}, k...)...)
	}

	// A login with errors opens on them: Findings, errors first.
	s := waitFor("login finished")
	for _, want := range []string{"2 errors", "Hops 5", "Findings 3", "▸✗ state.changed", "enter: go to hop 3"} {
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
	s = waitFor("where   message")
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
	tmux("resize-window", "-t", session, "-x", "160", "-y", "48")
	keys("Tab")
	waitFor("access_token")
	keys("Enter")
	waitFor("enter: hide")
	keys("q")
	waitFor("authtrace: login finished: 2 errors")
	s = tmux("capture-pane", "-p", "-t", session, "-S", "-1000")
	for _, leak := range []string{"│", "Hops 5", "eyJ", "tab next view"} {
		if strings.Contains(s, leak) {
			t.Errorf("after quit the screen or scrollback still has %q:\n%s", leak, s)
		}
	}
	if !strings.Contains(s, "report: ") {
		t.Errorf("summary does not name the exported report:\n%s", s)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(status)
		if err == nil && len(b) > 0 {
			if got := strings.TrimSpace(string(b)); got != "1" {
				t.Errorf("exit status %s, want 1 (error findings)", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the program did not exit after q")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
