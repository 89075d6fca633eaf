// Package tmuxtest runs a program in a real terminal, a detached tmux
// session, for tests that read its screen and type at it as a person
// would.
package tmuxtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Build builds the authtrace command into a temporary directory and
// returns its path. It skips the test under -short.
func Build(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "authtrace")
	build := exec.Command("go", "build", "-o", bin, "github.com/authtrace/authtrace/cmd/authtrace")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Session is one tmux server with one pane running a shell script.
type Session struct {
	t      *testing.T
	sock   string
	name   string
	status string
}

var sessions atomic.Int64

// Start runs script with sh in a new pane of w×h cells, in dir, with a
// 256-colour TERM. The pane stays open after the script ends so that the
// screen can still be read; Status waits for the script's exit status.
// Without tmux the test skips, or fails when $CI is set.
func Start(t *testing.T, dir string, w, h int, script string) *Session {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed (apt-get install tmux)")
		}
		t.Skip("tmux is not installed (apt-get install tmux)")
	}
	s := &Session{
		t:      t,
		sock:   filepath.Join(t.TempDir(), "tmux.sock"),
		name:   fmt.Sprintf("authtrace-test-%d-%d", os.Getpid(), sessions.Add(1)),
		status: filepath.Join(t.TempDir(), "status"),
	}
	full := fmt.Sprintf("cd %q && { %s\n}; echo $? > %q; sleep 600", dir, script, s.status)
	s.tmux("-f", "/dev/null", "new-session", "-d", "-s", s.name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h),
		"env", "TERM=xterm-256color", "COLORTERM=truecolor", "sh", "-c", full)
	t.Cleanup(func() { exec.Command("tmux", "-S", s.sock, "kill-server").Run() })
	return s
}

func (s *Session) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.sock}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Screen is what the pane shows now.
func (s *Session) Screen() string { return s.tmux("capture-pane", "-p", "-t", s.name) }

// Scrollback is the screen with up to 1000 lines of history above it.
func (s *Session) Scrollback() string {
	return s.tmux("capture-pane", "-p", "-t", s.name, "-S", "-1000")
}

// WaitFor waits up to 30s for the screen to show want and returns it.
func (s *Session) WaitFor(want string) string {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		screen := s.Screen()
		if strings.Contains(screen, want) {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q; last screen:\n%s", want, screen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Keys types keys, in tmux send-keys names (Enter, BTab, C-c...).
func (s *Session) Keys(k ...string) {
	s.t.Helper()
	s.tmux(append([]string{"send-keys", "-t", s.name}, k...)...)
}

// Resize makes the pane w×h.
func (s *Session) Resize(w, h int) {
	s.t.Helper()
	s.tmux("resize-window", "-t", s.name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h))
}

// Status waits up to 30s for the script to end and returns its exit
// status.
func (s *Session) Status() string {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, err := os.ReadFile(s.status)
		if err == nil && len(b) > 0 {
			return strings.TrimSpace(string(b))
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the program did not end; screen:\n%s", s.Screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
