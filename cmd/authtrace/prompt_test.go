package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/internal/tmuxtest"
	"github.com/authtrace/authtrace/report"
)

// Tests never ask the terminal they may have been started from.
func init() {
	openTerminal = func() (*os.File, *os.File, error) { return nil, nil, errors.New("tests have no terminal") }
}

// loginPage is a provider that answers every request with a login page:
// a login against it waits for a callback that never comes.
func loginPage(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>login page</html>"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// unsetEnv unsets key for the test, restoring it after.
func unsetEnv(t *testing.T, key string) {
	t.Setenv(key, "")
	os.Unsetenv(key)
}

// TestSecretWithoutTerminal: with no secret and no terminal to ask on, the
// login fails at once saying how to give one, rather than wait; a secret
// given as empty (a public client) needs no question.
func TestSecretWithoutTerminal(t *testing.T) {
	srv := loginPage(t)
	args := []string{"login", "--authorize-url", srv.URL + "/authorize", "--token-url", srv.URL + "/token",
		"--client-id", "app", "--no-browser", "--port", "0", "--timeout", "200ms"}

	unsetEnv(t, secretEnv)
	code, out, stderr := runCLI(t, args...)
	if code != exitUsage || out != "" {
		t.Errorf("no secret, no terminal: exit %d, stdout %q; want %d and nothing sent", code, out, exitUsage)
	}
	for _, want := range []string{"no terminal", secretEnv, `--client-secret ""`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("no secret, no terminal: stderr lacks %q:\n%s", want, stderr)
		}
	}

	if code, _, stderr := runCLI(t, append(args, "--client-secret", "")...); code != exitIncomplete {
		t.Errorf(`--client-secret "": exit %d, want %d (the login ran and timed out); stderr:\n%s`, code, exitIncomplete, stderr)
	}
	t.Setenv(secretEnv, "")
	if code, _, stderr := runCLI(t, args...); code != exitIncomplete {
		t.Errorf("%s set but empty: exit %d, want %d; stderr:\n%s", secretEnv, code, exitIncomplete, stderr)
	}
}

// TestNoBrowserSaysHowToOpen: --no-browser prints the whole authorize URL
// and the ssh line that brings the callback port to this machine.
func TestNoBrowserSaysHowToOpen(t *testing.T) {
	srv := loginPage(t)
	code, _, stderr := runCLI(t, "login", "--authorize-url", srv.URL+"/authorize", "--token-url", srv.URL+"/token",
		"--client-id", "app", "--client-secret", "s", "--no-browser", "--port", "0", "--timeout", "300ms")
	if code != exitIncomplete {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitIncomplete, stderr)
	}
	m := regexp.MustCompile(`(?m)^  (http://127\.0\.0\.1:\d+/authorize\?\S+)$`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("stderr has no whole authorize URL on a line of its own:\n%s", stderr)
	}
	_, port := redirectHostPort(m[1])
	if port == "" || !strings.Contains(m[1], "state=") {
		t.Fatalf("the URL printed is not the whole authorize URL: %s", m[1])
	}
	if want := fmt.Sprintf("-L %s:127.0.0.1:%s USER@THIS-HOST", port, port); !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
}

// TestOpenByHandSSHLine: the ssh line forwards to the address the
// listener binds: 127.0.0.1 for 127.0.0.1 and localhost, [::1] for [::1].
func TestOpenByHandSSHLine(t *testing.T) {
	for redirect, want := range map[string]string{
		"http://127.0.0.1:53682/callback": "ssh -L 53682:127.0.0.1:53682 ",
		"http://localhost:8400/cb":        "ssh -L 8400:127.0.0.1:8400 ",
		"http://[::1]:9000/cb":            "ssh -L 9000:[::1]:9000 ",
	} {
		u := "https://idp.example/authorize?redirect_uri=" + url.QueryEscape(redirect)
		if got := openByHand(u); !strings.Contains(got, want) {
			t.Errorf("openByHand(%s):\n%s\nwant %q", redirect, got, want)
		}
	}
	local := "http://127.0.0.1:40000/acme/authorize?redirect_uri=" + url.QueryEscape("http://127.0.0.1:53682/callback")
	if got, want := openByHand(local), "ssh -L 40000:127.0.0.1:40000 -L 53682:127.0.0.1:53682 "; !strings.Contains(got, want) {
		t.Errorf("a provider on this machine:\n%s\nwant %q", got, want)
	}
	if got := openByHand("https://idp.example/authorize"); strings.Contains(got, "ssh") {
		t.Errorf("a URL without a loopback redirect_uri gets an ssh line:\n%s", got)
	}
}

// TestRelay: the UI gets every event of a run started ahead of it, in
// order, then the run's end; the UI's cancel reaches the run.
func TestRelay(t *testing.T) {
	release := make(chan struct{})
	start := func(ctx context.Context, cfg flow.Config, emit func(flow.Event)) (report.Report, error) {
		emit(flow.Event{Kind: flow.EventLog, Text: "before"})
		emit(flow.Event{Kind: flow.EventHop, Hop: &report.Hop{N: 1, Source: report.SourceSent, URL: "https://idp/authorize?x=1"}})
		select {
		case <-release:
		case <-ctx.Done():
			return report.Report{Error: "stopped"}, ctx.Err()
		}
		for i := range 100 {
			emit(flow.Event{Kind: flow.EventLog, Text: fmt.Sprint(i)})
		}
		return report.Report{Error: "done"}, nil
	}
	u, r := startAhead(context.Background(), start, flow.Config{})
	if u != "https://idp/authorize?x=1" {
		t.Fatalf("startAhead URL = %q", u)
	}
	var got []string
	go close(release)
	rep, err := r.start(context.Background(), flow.Config{}, func(e flow.Event) { got = append(got, e.Text) })
	if err != nil || rep.Error != "done" {
		t.Fatalf("end = %q, %v; want the run's own", rep.Error, err)
	}
	if len(got) != 102 || got[0] != "before" || got[2] != "0" || got[101] != "99" {
		t.Errorf("events out of order or lost: %d of them: %q...", len(got), got[:min(len(got), 4)])
	}

	// Cancelled by the UI while the run waits.
	_, r = startAhead(context.Background(), func(ctx context.Context, cfg flow.Config, emit func(flow.Event)) (report.Report, error) {
		emit(flow.Event{Kind: flow.EventHop, Hop: &report.Hop{N: 1, Source: report.SourceSent, URL: "u"}})
		<-ctx.Done()
		return report.Report{}, ctx.Err()
	}, flow.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.start(ctx, flow.Config{}, func(flow.Event) {}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled UI: run ended with %v, want context.Canceled", err)
	}

	// A run that ends before sending anything gives no URL.
	u, _ = startAhead(context.Background(), func(context.Context, flow.Config, func(flow.Event)) (report.Report, error) {
		return report.Report{}, errors.New("no listener")
	}, flow.Config{})
	if u != "" {
		t.Errorf("a run that sent nothing gave URL %q", u)
	}
}

// TestTerminalPromptAndByHand runs the real binary in a terminal (tmux),
// as over SSH: the secret question is asked on the terminal even with
// stdout and stderr in files, and typing stays hidden; with the screen,
// --no-browser leaves the whole URL and the ssh line in the scrollback
// before the screen starts, and the URL again after it ends, said to be
// spent.
func TestTerminalPromptAndByHand(t *testing.T) {
	bin := tmuxtest.Build(t)
	srv := loginPage(t)
	dir := t.TempDir()
	login := fmt.Sprintf("%q login --authorize-url %s/authorize --token-url %s/token --client-id app --no-browser --port 0",
		bin, srv.URL, srv.URL)

	s := tmuxtest.Start(t, dir, 120, 30, "unset "+secretEnv+"; "+login+" --timeout 2s >out.txt 2>err.txt")
	s.WaitFor("Client secret of app")
	s.Keys("hunter2-typed", "Enter")
	if got := s.Status(); got != fmt.Sprint(exitIncomplete) {
		t.Errorf("exit status %s, want %d (no callback came)", got, exitIncomplete)
	}
	if screen := s.Screen(); strings.Contains(screen, "hunter2") {
		t.Errorf("the secret was echoed:\n%s", screen)
	}
	errText, _ := os.ReadFile(filepath.Join(dir, "err.txt"))
	if !strings.Contains(string(errText), "ssh -L ") || strings.Contains(string(errText), "Client secret") {
		t.Errorf("stderr file: want the ssh line and not the question:\n%s", errText)
	}

	s = tmuxtest.Start(t, dir, 120, 30, login+" --client-secret s --timeout 3s")
	s.WaitFor("no callback arrived")
	s.Keys("q")
	if got := s.Status(); got != fmt.Sprint(exitIncomplete) {
		t.Errorf("with the screen: exit status %s, want %d", got, exitIncomplete)
	}
	back := s.Scrollback()
	if n := strings.Count(back, "ssh -L "); n != 1 {
		t.Errorf("the ssh line is in the scrollback %d times, want 1 (before the screen):\n%s", n, back)
	}
	if n := strings.Count(back, srv.URL+"/authorize?"); n != 2 || !strings.Contains(back, "its listener is closed now") {
		t.Errorf("the authorize URL is not in the scrollback before and after the screen (%d times), or not said to be spent:\n%s", n, back)
	}
	if !strings.Contains(back, srv.URL+"/authorize?") {
		t.Errorf("the scrollback lacks the authorize URL:\n%s", back)
	}
}

// TestTraceOnTerminal: trace on a terminal shows the view, answers first,
// with no hop line printed twice; in a pipe it is Markdown.
func TestTraceOnTerminal(t *testing.T) {
	bin := tmuxtest.Build(t)
	srv := loginPage(t)
	trace := fmt.Sprintf("%q trace --authorize-url %s/authorize --client-id app", bin, srv.URL)
	s := tmuxtest.Start(t, t.TempDir(), 100, 30, trace)
	if got := s.Status(); got != "0" {
		t.Errorf("exit status %s, want 0", got)
	}
	screen := s.Screen()
	lines := strings.Split(strings.TrimSpace(screen), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "authtrace trace · 2 hops") || !strings.Contains(lines[2], "redirect_uri  ✓ accepted") {
		t.Errorf("the view does not open with the answers:\n%s", screen)
	}
	if strings.Contains(screen, "following the authorize chain") || strings.Count(screen, "127.0.0.1") > 3 {
		t.Errorf("progress lines stayed on the screen next to the view:\n%s", screen)
	}

	_, out, _ := runCLI(t, "trace", "--authorize-url", srv.URL+"/authorize", "--client-id", "app")
	if !strings.HasPrefix(out, "# authtrace trace report") {
		t.Errorf("in a pipe trace is not the Markdown report:\n%s", out)
	}
}

// TestRedirectPortFromPortSaid: a --redirect-uri without a port is sent
// with --port's, and the person is told the URI that is sent, since that
// is the one the provider must have.
func TestRedirectPortFromPortSaid(t *testing.T) {
	srv := loginPage(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	_, _, stderr := runCLI(t, "login", "--authorize-url", srv.URL+"/authorize", "--token-url", srv.URL+"/token",
		"--client-id", "app", "--client-secret", "s", "--no-browser", "--timeout", "200ms",
		"--redirect-uri", "http://localhost/cb", "--port", port)
	if want := "sending redirect_uri http://localhost:" + port + "/cb"; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
}
