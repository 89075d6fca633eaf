//go:build !windows

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/authtrace/authtrace/internal/tmuxtest"
)

// TestDecodeTerminalModeBackOnKill: killed while it reads a paste in raw
// mode, decode gives the terminal its own mode back.
func TestDecodeTerminalModeBackOnKill(t *testing.T) {
	bin := tmuxtest.Build(t)
	dir := t.TempDir()
	script := fmt.Sprintf("%q decode - < /dev/tty & echo $! > pid; wait; stty -a > stty.txt", bin)
	s := tmuxtest.Start(t, dir, 100, 20, script)
	s.WaitFor("Paste a token")
	pid, err := os.ReadFile(filepath.Join(dir, "pid"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := strconv.Atoi(strings.TrimSpace(string(pid)))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // into raw mode
	if err := syscall.Kill(p, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	s.Status()
	stty, _ := os.ReadFile(filepath.Join(dir, "stty.txt"))
	if !strings.Contains(string(stty), " icanon") || !strings.Contains(string(stty), " echo ") {
		t.Errorf("the terminal stayed raw after decode was killed:\n%s", stty)
	}
}
