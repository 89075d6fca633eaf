package e2e

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authtrace/authtrace/internal/syncbuf"
)

// The suite's shared fixtures: one provider for all tests (each browser
// login starts from a fresh profile, so no session carries over), the
// binaries built once into a temporary directory, and the loopback port that
// every client has registered as http://127.0.0.1:<port>/callback.
var (
	binDir       string // temporary; removed after the run
	envProblem   string // why the suite cannot run here, or ""
	callbackPort int
	prov         *provider
	provErr      error
	provOnce     sync.Once
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "authtrace-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binDir = dir
	envProblem = envNotice(missingTools(), false)
	if envProblem != "" && os.Getenv("CI") == "" {
		tellSkipped(envProblem)
	}
	if envProblem == "" {
		port, err := freePort()
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
		callbackPort = port
	}
	code := m.Run()
	if prov != nil {
		prov.stop()
	}
	return code
}

// missingTools names what the suite needs and this machine lacks.
func missingTools() []string {
	var missing []string
	if _, err := exec.LookPath("node"); err != nil {
		missing = append(missing, "node (not on PATH)")
	}
	if _, err := os.Stat(chromiumPath()); err != nil {
		missing = append(missing, fmt.Sprintf("chromium (not at %s; E2E_CHROMIUM names another)", chromiumPath()))
	}
	if _, err := os.Stat(filepath.Join(providerDir(), "node_modules", "oidc-provider", "package.json")); err != nil {
		missing = append(missing, "oidc-provider (not in e2e/provider/node_modules)")
	}
	return missing
}

// envNotice is the one line that says the suite cannot run, what is
// missing and how to install it, or "" when nothing is. Under CI it says
// the suite fails, since a skip there would hide that it never ran.
func envNotice(missing []string, ci bool) string {
	if len(missing) == 0 {
		return ""
	}
	outcome := "skipped"
	if ci {
		outcome = "failing under CI"
	}
	return fmt.Sprintf("e2e: end-to-end tests %s: missing %s; install with: sudo bash e2e/setup.sh", outcome, strings.Join(missing, ", "))
}

// tellSkipped prints the skip notice once. `go test ./...` shows nothing
// that a passing package prints (only -v does), so the line also goes to
// the terminal itself when there is one: a skipped suite must not pass for
// a suite that ran.
func tellSkipped(notice string) {
	fmt.Fprintln(os.Stderr, notice)
	flag.Parse() // for testing.Verbose; m.Run parses again, harmlessly
	if testing.Verbose() {
		return // -v shows stderr
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		fmt.Fprintln(tty, notice)
		tty.Close()
	}
}

func chromiumPath() string {
	if p := os.Getenv("E2E_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

func providerDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "provider")
}

func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// needEnv skips a test that needs Node and Chromium where they are missing,
// and fails it under CI, where a skip would hide that the suite never ran.
func needEnv(t testing.TB) {
	t.Helper()
	if envProblem == "" {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal(envNotice(missingTools(), true))
	}
	t.Skip(envProblem)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// callbackURL is the redirect URI every client has registered.
func callbackURL() string {
	return fmt.Sprintf("http://127.0.0.1:%d/callback", callbackPort)
}

// builds holds one build per package path, made on first use: a build
// error of one binary (say authtrace while issue 2 is in progress) fails the
// tests that need it, not the others.
var builds sync.Map // package path -> *build

type build struct {
	once sync.Once
	path string
	err  error
}

func binary(t testing.TB, pkg, name string) string {
	t.Helper()
	v, _ := builds.LoadOrStore(pkg, &build{})
	b := v.(*build)
	b.once.Do(func() {
		b.path = filepath.Join(binDir, name)
		cmd := exec.Command("go", "build", "-o", b.path, pkg)
		cmd.Dir = moduleRoot()
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.err = fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

func authtraceBin(t testing.TB) string {
	return binary(t, "./cmd/authtrace", "authtrace")
}

func browserBin(t testing.TB) string {
	return binary(t, "./e2e/browser", "e2e-browser")
}

// provider is oidc-provider running server.js.
type provider struct {
	URL    string // issuer, http://127.0.0.1:PORT
	cmd    *exec.Cmd
	stderr *syncbuf.Buffer
	done   chan struct{}
}

// theProvider starts the provider on first use and returns it.
func theProvider(t testing.TB) *provider {
	t.Helper()
	needEnv(t)
	provOnce.Do(func() {
		// Node can take many seconds to load on a two-core machine that
		// others are compiling on; one more try before giving up.
		for try := 0; try < 2; try++ {
			prov, provErr = startProvider([]string{callbackURL()})
			if provErr == nil {
				return
			}
			t.Logf("provider start %d: %v", try+1, provErr)
		}
	})
	if provErr != nil {
		t.Fatal(provErr)
	}
	return prov
}

func startProvider(redirectURIs []string) (*provider, error) {
	cmd := exec.Command("node", "server.js")
	cmd.Dir = providerDir()
	cmd.Env = append(os.Environ(), "PORT=0", "REDIRECT_URIS="+strings.Join(redirectURIs, ","))
	// Its own process group, so stop can end it and anything it started.
	ownGroup(cmd)
	p := &provider{cmd: cmd, stderr: &syncbuf.Buffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start provider: %w", err)
	}
	go func() {
		cmd.Wait() //nolint:errcheck // the exit is seen through done
		close(p.done)
	}()

	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				lines <- u
			}
		}
	}()
	select {
	case p.URL = <-lines:
	case <-p.done:
		return nil, fmt.Errorf("provider exited before listening: %s", p.stderr)
	case <-time.After(45 * time.Second):
		p.stop()
		return nil, fmt.Errorf("provider did not start within 45s: %s", p.stderr)
	}
	if err := waitReady(p.URL+"/.well-known/openid-configuration", 20*time.Second); err != nil {
		p.stop()
		return nil, fmt.Errorf("provider at %s: %w: %s", p.URL, err, p.stderr)
	}
	return p, nil
}

func waitReady(u string, within time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready within %s: %w", within, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (p *provider) stop() {
	// The process group started above: node only.
	stopGroup(p.cmd, false)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		stopGroup(p.cmd, true)
		<-p.done
	}
}

// startProxy runs a tenant proxy in front of the provider for one test.
func startProxy(t testing.TB, p *provider, fault Fault) *Proxy {
	t.Helper()
	px := &Proxy{AuthorizeURL: p.URL + "/auth", Fault: fault}
	if err := px.Start(); err != nil {
		t.Fatal(err)
	}
	closeAtCleanup(t, "proxy", px)
	return px
}

// closeAtCleanup closes a test server of the suite when the test ends.
func closeAtCleanup(t testing.TB, what string, c io.Closer) {
	t.Cleanup(func() {
		if err := c.Close(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("close %s: %v", what, err)
		}
	})
}
