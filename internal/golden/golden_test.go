package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that keeps what would fail the test.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Helper()               {}

func TestCheck(t *testing.T) {
	if Update() {
		t.Skip("compares, which -update turns off")
	}
	path := filepath.Join(t.TempDir(), "sub", "view.txt")
	Write(t, path, []byte("same\n"))
	for _, tt := range []struct {
		got      string
		wantFail bool
	}{{"same\n", false}, {"other\n", true}} {
		r := &recorder{TB: t}
		Check(r, path, tt.got)
		if r.failed != tt.wantFail {
			t.Errorf("Check(%q): failed %v, want %v", tt.got, r.failed, tt.wantFail)
		}
	}
	r := &recorder{TB: t}
	Check(r, filepath.Join(t.TempDir(), "missing.txt"), "x")
	if !r.failed {
		t.Error("a missing golden file did not fail")
	}
	if b, _ := os.ReadFile(path); string(b) != "same\n" {
		t.Errorf("Check changed the golden file without -update: %q", b)
	}
}
