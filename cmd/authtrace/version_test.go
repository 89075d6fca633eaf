package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionFrom(t *testing.T) {
	vcs := func(rev, at, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: at}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "9780d40a12913e5ed53f331ee7791298d6e0038e"
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "(devel)"},
		{"go install @tag", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3"},
		{"toolchain pseudo-version", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261202101024-9780d40a1291+dirty"}, Settings: vcs(rev, "2026-12-02T10:10:24Z", "true")}, "v0.0.0-20261202101024-9780d40a1291+dirty"},
		{"devel with VCS", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "2026-12-02T11:10:24+01:00", "false")}, "v0.0.0-20261202101024-9780d40a1291"},
		{"devel with VCS, modified", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "2026-12-02T10:10:24Z", "true")}, "v0.0.0-20261202101024-9780d40a1291+dirty"},
		{"empty version with VCS", &debug.BuildInfo{Settings: vcs(rev, "2026-12-02T10:10:24Z", "false")}, "v0.0.0-20261202101024-9780d40a1291"},
		{"VCS without a time", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("abc123", "", "false")}, "v0.0.0-00000000000000-abc123"},
		{"devel without VCS (go run, -buildvcs=false)", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "(devel)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionFrom(tt.bi); got != tt.want {
				t.Errorf("versionFrom = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestVersionFlag: --version prints what the version command prints.
func TestVersionFlag(t *testing.T) {
	code, cmdOut, _ := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(cmdOut, "authtrace ") || !strings.HasSuffix(cmdOut, ")\n") {
		t.Fatalf("version: exit %d, output %q", code, cmdOut)
	}
	code, flagOut, stderr := runCLI(t, "--version")
	if code != 0 || flagOut != cmdOut {
		t.Errorf("--version: exit %d, output %q (stderr %q); want 0 and %q", code, flagOut, stderr, cmdOut)
	}
}

// TestVersionOfACheckout builds the real binary from a git checkout of
// the module (a test binary carries no VCS information, so only a real
// build can show this) and checks that its version names the commit
// instead of "(devel)".
func TestVersionOfACheckout(t *testing.T) {
	if testing.Short() {
		t.Skip("builds authtrace; not in -short")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	dir := t.TempDir()
	copyModule(t, filepath.Join("..", ".."), dir)
	sh := func(name string, args ...string) string {
		t.Helper()
		c := exec.Command(name, args...)
		c.Dir = dir
		// GOFLAGS may say -buildvcs=false (as it does where the toolchain
		// cannot read the checkout's VCS); this build must not.
		c.Env = append(os.Environ(), "GOFLAGS=", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	sh("git", "init", "-q")
	sh("git", "add", ".")
	sh("git", "commit", "-q", "-m", "test")
	rev := sh("git", "rev-parse", "HEAD")[:12]
	bin := filepath.Join(dir, "authtrace-bin")
	for _, dirty := range []bool{false, true} {
		if dirty {
			f, err := os.OpenFile(filepath.Join(dir, "go.mod"), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString("// changed after the commit\n")
			f.Close()
		}
		sh("go", "build", "-buildvcs=true", "-o", bin, "./cmd/authtrace")
		out := sh(bin, "--version")
		if strings.Contains(out, "(devel)") || !strings.Contains(out, rev) || strings.Contains(out, "+dirty") != dirty {
			t.Errorf("dirty %v: --version says %q; want commit %s, no (devel), +dirty only when changed", dirty, out, rev)
		}
	}
}

// copyModule copies the module's Go sources and go.mod/go.sum from src to
// dst, without .git or node_modules.
func copyModule(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		name := d.Name()
		if !d.Type().IsRegular() || !(strings.HasSuffix(name, ".go") || name == "go.mod" || name == "go.sum") {
			return nil
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
