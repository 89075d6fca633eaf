package e2e

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/authtrace/authtrace/demo"
	"github.com/authtrace/authtrace/internal/syncbuf"
	"github.com/authtrace/authtrace/report"
)

// The live browser capture (authtrace login --capture, #14) against
// oidc-provider: headless Chromium started by authtrace itself, the login
// and consent forms driven over the same DevTools connection
// (AUTHTRACE_CAPTURE_DRIVE), every hop after the login page recorded.

const captureUser, capturePassword = "alice", "pw-Zq81xK"

// captureArgs are a capture login's arguments, through the front at fr.
func captureArgs(p *provider, fr *Front, extra ...string) []string {
	return append([]string{"login", "--events",
		"--issuer", p.URL,
		"--authorize-url", fr.URL + "/auth",
		"--client-id", "app-post", "--client-secret", secrets["app-post"],
		"--redirect-uri", callbackURL(),
		"--scope", "openid offline_access", "--param", "prompt=consent",
		"--capture", "--headless", "--browser-path", chromiumPath(),
	}, extra...)
}

func startFront(t *testing.T, p *provider, suffix string) *Front {
	t.Helper()
	fr := &Front{Provider: p.URL, RedirectURI: callbackURL(), StateSuffix: suffix}
	if err := fr.Start(); err != nil {
		t.Fatal(err)
	}
	closeAtCleanup(t, "front", fr)
	return fr
}

// runCapture runs a capture login with its own temporary folder (where
// the browser's profile goes) and checks that the profile is gone after.
func runCapture(t *testing.T, args []string, env ...string) result {
	t.Helper()
	tmp := shortTemp(t)
	res := execAuthtraceEnv(t, authtraceBin(t), "login", secrets["app-post"], args, append(env, "TMPDIR="+tmp))
	left, _ := filepath.Glob(filepath.Join(tmp, "authtrace-capture-*"))
	if len(left) > 0 {
		t.Errorf("the browser's temporary profile was left behind: %v", left)
	}
	if strings.Contains(res.stdout, capturePassword) || strings.Contains(res.stderr, capturePassword) {
		t.Errorf("the password typed into the login form is in authtrace's output")
	}
	return res
}

func TestCaptureLogin(t *testing.T) {
	p := theProvider(t)
	fr := startFront(t, p, "|step=mfa")
	harOut := filepath.Join(t.TempDir(), "login.har")
	res := runCapture(t, captureArgs(p, fr, "--har-out", harOut), "AUTHTRACE_CAPTURE_DRIVE=signin:"+captureUser+":"+capturePassword)
	rep := res.rep
	if res.exit != 1 {
		t.Fatalf("exit %d, want 1 (the state altered after login is an error)", res.exit)
	}

	// The hops after the login page, only the browser's: the login post,
	// the consent post, and the redirect back to the callback.
	var loginPost, consentPost, back *report.Hop
	for i := range rep.Hops {
		h := &rep.Hops[i]
		if h.Source != report.SourceBrowser {
			continue
		}
		switch {
		case h.Method == "POST" && slices.Contains(h.Fields, "login"):
			loginPost = h
		case h.Method == "POST" && loginPost != nil:
			consentPost = h
		case strings.HasPrefix(h.Location, callbackURL()):
			back = h
		}
	}
	if loginPost == nil || consentPost == nil || back == nil {
		t.Fatalf("captured hops lack the login post (%v), the consent post (%v) or the redirect to the callback (%v):\n%s", loginPost != nil, consentPost != nil, back != nil, hopList(rep))
	}
	if !slices.Contains(loginPost.Fields, "login") || !slices.Contains(loginPost.Fields, "password") {
		t.Errorf("the login post's fields = %v, want login and password named", loginPost.Fields)
	}
	for _, h := range []*report.Hop{loginPost, consentPost, back} {
		if !h.BrowserOnly {
			t.Errorf("hop %d (%s %s) is not marked browser_only", h.N, h.Method, h.URL)
		}
	}
	last := rep.Hops[len(rep.Hops)-1]
	if last.Source != report.SourceCallback || last.N <= back.N {
		t.Errorf("the callback (hop %d, %s) is not the last hop, after the browser's", last.N, last.Source)
	}
	// The browser's first hops, up to the login page, are the
	// preflight's chain: not browser_only.
	for _, h := range rep.Hops {
		if h.Source == report.SourceBrowser && h.N < loginPost.N && h.BrowserOnly {
			t.Errorf("hop %d (%s) before the login page is marked browser_only", h.N, h.URL)
		}
	}

	// The state the front altered on the way back: attributed to the
	// redirect that carried it.
	changed, ok := findingAt(rep, report.CodeStateChanged, last.N)
	if !ok {
		t.Fatalf("no state.changed at the callback:\n%s", hopList(rep))
	}
	if changed.Detail["changed_at"] != strconv.Itoa(back.N) || changed.Detail["kind"] != "suffix_added" {
		t.Errorf("state.changed detail = %v, want kind suffix_added, changed_at %d", changed.Detail, back.N)
	}
	for _, f := range rep.Findings {
		if f.Code == report.CodeStateChanged && f.Hop != last.N {
			t.Errorf("state.changed at hop %d too: the state changed only after the login", f.Hop)
		}
	}
	if rep.Exchange == nil || rep.Exchange.Response == nil || rep.Exchange.Response.Status != 200 {
		t.Errorf("the code was not exchanged: %+v", rep.Exchange)
	}

	checkCaptureHAR(t, harOut, rep)
}

// checkCaptureHAR reads --har-out back: sanitised, 0600, and the same
// findings about the browser's hops as the live login's.
func checkCaptureHAR(t *testing.T, path string, live report.Report) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("--har-out: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("--har-out mode %v, want 0600", fi.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), capturePassword) {
		t.Errorf("the password is in the HAR file")
	}
	out, err := exec.Command(authtraceBin(t), "har", "--json", path).Output()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
		t.Fatalf("authtrace har %s: %v", path, err)
	}
	var rep report.Report
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("authtrace har --json: %v", err)
	}
	// The HAR has the browser's requests and the callback: the same
	// findings as the live login's on those hops, hop for hop.
	liveN := map[int]int{} // live hop number -> position among browser+callback hops
	pos := 0
	for _, h := range live.Hops {
		if h.Source == report.SourceBrowser || h.Source == report.SourceCallback && h.Role == report.RoleCallback {
			pos++
			liveN[h.N] = pos
		}
	}
	type key struct {
		code, kind string
		pos        int
		changedAt  string
	}
	collect := func(r report.Report, posOf func(int) int) []key {
		var out []key
		for _, f := range r.Findings {
			if f.Hop == 0 || f.Code == report.CodeHARIrregular {
				continue
			}
			p := posOf(f.Hop)
			if p == 0 {
				continue // a preflight hop's
			}
			at := f.Detail["changed_at"]
			if n, err := strconv.Atoi(at); err == nil {
				at = strconv.Itoa(posOf(n))
			}
			out = append(out, key{f.Code, f.Detail["kind"], p, at})
		}
		return out
	}
	want := collect(live, func(n int) int { return liveN[n] })
	got := collect(rep, func(n int) int { return n })
	if !slices.Equal(want, got) {
		t.Errorf("authtrace har on --har-out finds %v, the live login %v", got, want)
	}
}

// TestCaptureBadInput: a program that is no browser, a window closed
// before the login, and a login nobody finishes: exit 3 with a clear
// message, the hops so far kept, the profile removed (runCapture).
func TestCaptureBadInput(t *testing.T) {
	p := theProvider(t)
	fr := startFront(t, p, "")
	notBrowser := filepath.Join(t.TempDir(), "not-a-browser")
	if err := os.WriteFile(notBrowser, []byte("#!/bin/sh\necho 'I am not a browser'\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	loopFront := &Front{Provider: p.URL, RedirectURI: callbackURL(), LoopAfterLogin: true}
	if err := loopFront.Start(); err != nil {
		t.Fatal(err)
	}
	closeAtCleanup(t, "front", loopFront)
	tests := []struct {
		name        string
		front       *Front // default fr
		args        []string
		env         string
		wantMessage string
		wantBrowser bool   // browser hops kept
		wantCode    string // a finding the run must have
	}{
		{name: "not a browser", args: []string{"--browser-path", notBrowser}, wantMessage: "did not start as a Chromium-family browser"},
		{name: "exits at once", args: []string{"--browser-path", "/bin/true"}, wantMessage: "did not start as a Chromium-family browser"},
		{name: "window closed", env: "AUTHTRACE_CAPTURE_DRIVE=close-at-login", wantMessage: "its window (tab) was closed", wantBrowser: true},
		{name: "nobody signs in", args: []string{"--timeout", "6s"}, wantMessage: "no callback arrived in time", wantBrowser: true},
		{name: "redirect loop after login", front: loopFront, env: "AUTHTRACE_CAPTURE_DRIVE=signin:" + captureUser + ":" + capturePassword,
			wantMessage: "the browser gave up on a redirect loop", wantBrowser: true, wantCode: report.CodeRedirectLoop},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var env []string
			if tt.env != "" {
				env = append(env, tt.env)
			}
			front := fr
			if tt.front != nil {
				front = tt.front
			}
			res := runCapture(t, captureArgs(p, front, tt.args...), env...)
			if res.exit != 3 {
				t.Errorf("exit %d, want 3", res.exit)
			}
			if !strings.Contains(res.stderr, tt.wantMessage) || !strings.Contains(res.rep.Error, tt.wantMessage) {
				t.Errorf("stderr and the report's error do not say %q:\n%s\nreport error: %s", tt.wantMessage, res.stderr, res.rep.Error)
			}
			var pre, brw int
			for _, h := range res.rep.Hops {
				switch h.Source {
				case report.SourcePreflight:
					pre++
				case report.SourceBrowser:
					brw++
				}
			}
			if tt.wantCode != "" && !slices.ContainsFunc(res.rep.Findings, func(f report.Finding) bool { return f.Code == tt.wantCode }) {
				t.Errorf("no %s finding", tt.wantCode)
			}
			if pre == 0 || tt.wantBrowser && brw == 0 {
				t.Errorf("hops kept: %d preflight, %d browser; want the hops so far\n%s", pre, brw, hopList(res.rep))
			}
		})
	}
}

// shortTemp is a temporary folder with a short path: Chromium's
// profile lock is a Unix socket in the profile, whose path may not be
// longer than about 100 bytes, and t.TempDir's names the test.
func shortTemp(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "atc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func findingAt(rep report.Report, code string, hop int) (report.Finding, bool) {
	for _, f := range rep.Findings {
		if f.Code == code && f.Hop == hop {
			return f, true
		}
	}
	return report.Finding{}, false
}

func hopList(rep report.Report) string {
	var b strings.Builder
	for _, h := range rep.Hops {
		b.WriteString(strconv.Itoa(h.N) + " " + string(h.Source) + " " + h.Method + " " + strconv.Itoa(h.Status) + " " + h.URL + " -> " + h.Location + "\n")
	}
	return b.String()
}

// BenchmarkLoginCaptured and BenchmarkLoginOpenWith are the capture's
// overhead: one whole headless login (Chromium start, login and consent
// pages, callback, exchange, refresh, Chromium exit) with authtrace
// driving the browser it captures, and the same login with the browser
// helper opened by --open-with, no capture. Run them together:
//
//	go test -run '^$' -bench 'BenchmarkLogin(Captured|OpenWith)' -benchtime 10x ./e2e
func BenchmarkLoginCaptured(b *testing.B) {
	p := theProvider(b)
	benchLogin(b, p, []string{"--capture", "--headless", "--browser-path", chromiumPath()},
		"AUTHTRACE_CAPTURE_DRIVE=signin:"+captureUser+":"+capturePassword)
}

func BenchmarkLoginOpenWith(b *testing.B) {
	p := theProvider(b)
	benchLogin(b, p, []string{"--open-with", browserBin(b) + " -timeout 40s -user " + captureUser + " -password " + capturePassword}, "")
}

func benchLogin(b *testing.B, p *provider, how []string, env string) {
	authtrace := authtraceBin(b)
	args := append([]string{"login", "--json", "--issuer", p.URL,
		"--client-id", "app-post", "--client-secret", secrets["app-post"],
		"--redirect-uri", callbackURL(), "--scope", "openid offline_access", "--param", "prompt=consent",
		"--timeout", "60s"}, how...)
	for b.Loop() {
		cmd := exec.Command(authtrace, args...)
		if env != "" {
			cmd.Env = append(os.Environ(), env)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("authtrace login: %v\n%s", err, out)
		}
	}
}

// TestCaptureInterruptedOrCrashed: Ctrl-C (or SIGTERM, SIGHUP) during the login, and a browser
// killed mid-login (a crash): the hops so far kept, exit 3, the profile
// removed.
func TestCaptureInterruptedOrCrashed(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT or shell scripts on Windows")
	}
	p := theProvider(t)
	fr := startFront(t, p, "")
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "browser.pid")
	wrapper := filepath.Join(dir, "chromium")
	script := "#!/bin/sh\necho $$ > " + pidFile + "\nexec " + chromiumPath() + " \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, want string
		stop       func(t *testing.T, cmd *exec.Cmd)
	}{
		{"ctrl-c", "login stopped", func(t *testing.T, cmd *exec.Cmd) {
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
		}},
		// A closed terminal, a dropped SSH session, a service manager's
		// stop: as Ctrl-C.
		{"sigterm", "login stopped", func(t *testing.T, cmd *exec.Cmd) {
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
		}},
		{"sighup", "login stopped", func(t *testing.T, cmd *exec.Cmd) {
			if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
				t.Fatal(err)
			}
		}},
		{"browser killed", "exited or crashed", func(t *testing.T, _ *exec.Cmd) {
			raw, err := os.ReadFile(pidFile)
			if err != nil {
				t.Fatal(err)
			}
			pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
			if err != nil {
				t.Fatal(err)
			}
			proc, err := os.FindProcess(pid)
			if err == nil {
				err = proc.Kill()
			}
			if err != nil {
				t.Fatalf("kill the browser (pid %d): %v", pid, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := shortTemp(t)
			cmd := exec.Command(authtraceBin(t), captureArgs(p, fr, "--browser-path", wrapper, "--timeout", "60s")...)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			var stdout, stderr syncbuf.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			// Once the browser shows the login page, the person is
			// signing in: stop there.
			deadline := time.After(30 * time.Second)
			for !strings.Contains(stderr.String(), "browser   200 provider") {
				select {
				case err := <-done:
					t.Fatalf("authtrace ended (%v) before the login page:\n%s", err, stderr.String())
				case <-deadline:
					cmd.Process.Kill() //nolint:errcheck // the test failed already
					t.Fatalf("the browser never showed the login page:\n%s", stderr.String())
				case <-time.After(50 * time.Millisecond):
				}
			}
			tt.stop(t, cmd)
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill() //nolint:errcheck // the test failed already
				t.Fatalf("authtrace did not end:\n%s", stderr.String())
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 3 {
				t.Errorf("authtrace ended with %v, want exit 3\n%s", err, stderr.String())
			}
			rep, _ := parseOutput(t, stdout.String())
			if !strings.Contains(rep.Error, tt.want) {
				t.Errorf("report error %q does not say %q", rep.Error, tt.want)
			}
			n := 0
			for _, h := range rep.Hops {
				if h.Source == report.SourceBrowser {
					n++
				}
			}
			if n == 0 {
				t.Errorf("no browser hops kept:\n%s", hopList(rep))
			}
			left, _ := filepath.Glob(filepath.Join(tmp, "authtrace-capture-*"))
			if len(left) > 0 {
				t.Errorf("the browser's temporary profile was left behind: %v", left)
			}
		})
	}
}

// TestDemoCaptureHeadless: authtrace demo --capture --headless signs in by
// itself over the capture's DevTools connection (no one can in a headless
// browser), and reports what each fault shows, as with its built-in
// browser; the person's Deny is a click too.
func TestDemoCaptureHeadless(t *testing.T) {
	needEnv(t)
	for _, name := range []string{"none", "consent-denied", "state-suffix"} {
		t.Run(name, func(t *testing.T) {
			fault, err := demo.Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			tmp := shortTemp(t)
			res := execAuthtraceEnv(t, authtraceBin(t), "demo", "demo-secret",
				[]string{"demo", "--fault", name, "--capture", "--headless", "--browser-path", chromiumPath(), "--events"},
				[]string{"TMPDIR=" + tmp})
			for sev, want := range map[report.Severity][]string{report.SeverityError: fault.Errors, report.SeverityWarn: fault.Warnings} {
				if got, want := demo.Shown(res.rep, sev), slices.Sorted(slices.Values(want)); !slices.Equal(got, want) {
					t.Errorf("%s findings %v, want %v\n%s", sev, got, want, hopList(res.rep))
				}
			}
			if !slices.ContainsFunc(res.rep.Hops, func(h report.Hop) bool { return h.Source == report.SourceBrowser }) {
				t.Errorf("no browser hops\n%s", hopList(res.rep))
			}
			if left, _ := filepath.Glob(filepath.Join(tmp, "authtrace-capture-*")); len(left) > 0 {
				t.Errorf("the browser's temporary profile was left behind: %v", left)
			}
		})
	}
}
