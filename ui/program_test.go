package ui

import (
	"context"
	"errors"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/internal/syncbuf"
	"github.com/authtrace/authtrace/report"
)

// The program-level tests: Run with a pipe for a keyboard and a buffer
// for a terminal.

// TestRunProgram runs the real program with a pipe for a keyboard: the
// engine waits like the listener does, q quits, the engine's context is
// cancelled, and the summary lands on the output after the screen.
func TestRunProgram(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	var out syncbuf.Buffer
	stopped := make(chan struct{})
	var gotCfg flow.Config
	waiting, seen := waitingEvents(t), loadFixture(t, "healthy").Report
	seen.Hops = seen.Hops[:4] // the preflight, up to the login page
	start := func(ctx context.Context, cfg flow.Config, emit func(flow.Event)) (report.Report, error) {
		gotCfg = cfg
		for _, ev := range waiting {
			emit(ev)
		}
		<-ctx.Done()
		close(stopped)
		return seen, ctx.Err()
	}
	go func() {
		waitForScreen(t, &out, "waiting for callback on "+testListen)
		pw.Write([]byte("q"))
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rep, err := Run(ctx, Options{Start: start, Config: testConfig(), Input: pr, Output: &out, Env: []string{"TERM=xterm-256color"}})
	select {
	case <-stopped:
	default:
		t.Error("the engine's context was not cancelled")
	}
	if !errors.Is(err, ErrStopped) {
		t.Errorf("err = %v, want ErrStopped", err)
	}
	if len(rep.Hops) != 4 {
		t.Errorf("report has %d hops, want the 4 seen", len(rep.Hops))
	}
	if gotCfg.ClientID != "connector-app" {
		t.Errorf("engine got client id %q", gotCfg.ClientID)
	}
	if s := out.String(); !strings.Contains(s, "authtrace: login stopped before it finished (quit while waiting)") {
		t.Errorf("summary missing from the output tail: %q", syncbuf.Tail(s, 300))
	}
}

func TestRunProgramFinished(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	var out syncbuf.Buffer
	sc := scenarios(t)[3]
	start := func(ctx context.Context, cfg flow.Config, emit func(flow.Event)) (report.Report, error) {
		return sc.done.rep, nil
	}
	go func() {
		waitForScreen(t, &out, "login finished in")
		pw.Write([]byte("q"))
	}()
	rep, err := Run(context.Background(), Options{Start: start, Input: pr, Output: &out, Env: []string{"TERM=xterm-256color"}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sc.done.rep, rep); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if s := out.String(); !strings.Contains(s, "authtrace: login finished: 1 error, 1 info\n  ✗ refresh_token.missing") {
		t.Errorf("summary missing: %q", syncbuf.Tail(s, 300))
	}
}

// waitForScreen waits until the program has drawn want, or says it did
// not. The output is frames of text and escape sequences; the renderer
// draws a changed stretch of a line in one piece, so a phrase of one line
// shows up whole once the escapes are stripped.
func waitForScreen(t *testing.T, out *syncbuf.Buffer, want string) {
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(ansi.Strip(out.String()), want) {
		if time.Now().After(deadline) {
			t.Errorf("the screen never showed %q; output: %q", want, syncbuf.Tail(out.String(), 500))
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRunSummaryInTheFormsWords: a run set up in the form that fails says
// why after the screen in the form's words, not with flags nobody typed.
func TestRunSummaryInTheFormsWords(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	var out syncbuf.Buffer
	start := func(context.Context, flow.Config, func(flow.Event)) (report.Report, error) {
		return report.Report{}, &flow.ListenError{Addr: testListen, PortInURI: true, Err: syscall.EADDRINUSE}
	}
	go func() {
		waitForScreen(t, &out, "set up a login")
		pw.Write([]byte(strings.Repeat("\r", len(newSetupForm(testConfig(), newStyles(true, true), true).fields))))
		waitForScreen(t, &out, "login failed")
		pw.Write([]byte("q"))
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Run(ctx, Options{Start: start, Config: testConfig(), Setup: true, Input: pr, Output: &out, Env: []string{"TERM=xterm-256color"},
		Phrase: func(error) string { return "flag words: --redirect-uri" }})
	if err == nil {
		t.Fatal("the failed run returned no error")
	}
	after := ansi.Strip(out.String())
	after = after[strings.LastIndex(after, "login failed"):]
	if !strings.Contains(after, "the redirect URI field") || strings.Contains(after, "--redirect-uri") {
		t.Errorf("the summary is not in the form's words:\n%s", syncbuf.Tail(after, 600))
	}
}
