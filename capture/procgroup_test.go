//go:build !windows

package capture

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/authtrace/authtrace/flow"
)

// alive says whether pid runs (a zombie, killed but not reaped, does not).
func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err == nil {
		_, rest, _ := strings.Cut(string(stat), ") ")
		return !strings.HasPrefix(rest, "Z")
	}
	return syscall.Kill(pid, 0) == nil && !os.IsNotExist(err)
}

// TestStartTimeoutWins: a program that never answers (a wrapper script
// whose browser hangs, and that does not exec it) ends the capture with
// the start timeout's words, even when the login's own time ends sooner
// than the start timeout, and nothing it started is left running.
func TestStartTimeoutWins(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	script := filepath.Join(dir, "browser")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nsleep 1000 &\necho $! > "+pidFile+"\nwait\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := New(Options{Path: script, Headless: true, StartTimeout: 2 * time.Second}).Run(ctx, "http://127.0.0.1:1/", func(flow.BrowserRequest) {})
	if !errors.Is(err, ErrNotStarted) || !strings.Contains(err.Error(), "did not answer over the DevTools protocol") {
		t.Errorf("Run = %v, want the start timeout's error", err)
	}
	raw, rerr := os.ReadFile(pidFile)
	if rerr != nil {
		t.Fatalf("the script did not start its child: %v", rerr)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(raw)))
	// SIGKILL is delivered, not yet acted on, when kill returns.
	for i := 0; i < 100 && pid > 0 && alive(pid); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	if pid > 0 && alive(pid) {
		syscall.Kill(pid, syscall.SIGKILL) //nolint:errcheck // the test failed already
		t.Errorf("the program's child (pid %d) was left running", pid)
	}
}

// TestStartCutByTheRunsLimit: when the run's own time limit leaves the
// browser less than its start timeout and it has not answered by then,
// the limit is blamed, not the browser.
func TestStartCutByTheRunsLimit(t *testing.T) {
	script := filepath.Join(t.TempDir(), "browser")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexec sleep 1000\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	err := New(Options{Path: script, Headless: true}).Run(ctx, "http://127.0.0.1:1/", func(flow.BrowserRequest) {})
	if err == nil || errors.Is(err, ErrNotStarted) || !strings.Contains(err.Error(), "raise --timeout") {
		t.Errorf("Run = %v, want the time limit named", err)
	}
}
