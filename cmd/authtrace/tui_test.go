package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/internal/syncbuf"
	"github.com/authtrace/authtrace/report"
)

// tuiRun runs runEngine in the terminal UI with a pipe for a keyboard,
// typing keys once the screen shows ready, and returns what main would
// print: stdout, then stderr with the returned error, and the exit status.
func tuiRun(t *testing.T, mode engineMode, start engineFunc, ready, keys string) (code int, stdout, stderr string) {
	t.Helper()
	pr, pw := io.Pipe()
	defer pw.Close()
	var out syncbuf.Buffer
	var errb bytes.Buffer
	cmd := newLoginCmd()
	cmd.SetIn(pr)
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd.SetContext(ctx)
	go func() {
		for !strings.Contains(ansi.Strip(out.String()), ready) {
			if ctx.Err() != nil {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		pw.Write([]byte(keys))
	}()
	cfg := flow.Config{AuthorizeURL: "https://idp.example/authorize", TokenURL: "https://idp.example/token", ClientID: "app"}
	err := runEngine(cmd, &settings{}, cfg, start, mode)
	code = exitOK
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		code = ee.code
		if ee.err != nil {
			fmt.Fprintf(&errb, "authtrace: %s\n", ee.err)
		}
	case err != nil:
		t.Fatalf("runEngine: %v", err)
	}
	return code, out.String(), errb.String()
}

// TestTUIErrorPrintedOnce: a run that fails (here: the listener's port is
// taken) says so once after the screen closes, not once from the UI's
// summary and again from main.
func TestTUIErrorPrintedOnce(t *testing.T) {
	failed := &flow.ListenError{Addr: "127.0.0.1:53682", PortInURI: true, Err: syscall.EADDRINUSE}
	start := func(context.Context, flow.Config, func(flow.Event)) (report.Report, error) {
		return report.Report{}, failed
	}
	code, stdout, stderr := tuiRun(t, engineMode{tui: true}, start, "login failed", "q")
	if code != exitIncomplete {
		t.Errorf("exit %d, want %d", code, exitIncomplete)
	}
	// The summary is after the last frame, on the normal screen.
	all := ansi.Strip(stdout) + stderr
	const line = "authtrace: cannot listen on 127.0.0.1:53682"
	if n := strings.Count(all, line); n != 1 {
		t.Errorf("the error line is printed %d times, want once:\n%s", n, syncbuf.Tail(all, 800))
	}
	if !strings.Contains(all, "change the port in --redirect-uri") {
		t.Errorf("the error does not name the flag:\n%s", syncbuf.Tail(all, 800))
	}
}

// TestTUISetupEscIsNotAFailure: esc on the setup form, before anything
// ran, exits 0 with one line, not "stopped" and exit 3.
func TestTUISetupEscIsNotAFailure(t *testing.T) {
	ran := false
	start := func(ctx context.Context, _ flow.Config, _ func(flow.Event)) (report.Report, error) {
		ran = true
		return report.Report{}, nil
	}
	code, stdout, stderr := tuiRun(t, engineMode{tui: true, setup: true}, start, "client id", "\x1b")
	if code != exitOK {
		t.Errorf("exit %d, want 0; stderr %q", code, stderr)
	}
	if ran {
		t.Error("the engine ran")
	}
	if stderr != "" {
		t.Errorf("stderr %q, want nothing", stderr)
	}
	if !strings.HasSuffix(stdout, "authtrace: nothing ran\n") || strings.Contains(stdout, "stopped") {
		t.Errorf("stdout ends %q, want one line saying nothing ran", syncbuf.Tail(stdout, 200))
	}
}

// TestTUIScreenFailureIsSaid: when the screen itself fails (here a panic
// the program recovers from), no summary was printed, so the error is.
func TestTUIScreenFailureIsSaid(t *testing.T) {
	start := func(context.Context, flow.Config, func(flow.Event)) (report.Report, error) {
		panic("the view broke")
	}
	code, _, stderr := tuiRun(t, engineMode{tui: true}, start, "", "")
	if code == exitOK || !strings.Contains(stderr, "terminal ui") {
		t.Errorf("exit %d, stderr %q: want the screen's failure said", code, stderr)
	}
}
