// Package golden compares what a test produced with a file kept under
// testdata/, and rewrites that file instead when the tests run with
// -update. Every package's tests share it, so one flag regenerates the
// golden views, the golden CLI output and the fixtures recorded from the
// engine alike.
package golden

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files and recorded fixtures under testdata/")

// Update reports whether the tests run with -update: they write what they
// produce instead of comparing it.
func Update() bool { return *update }

// Check compares got with the file at path; with -update it writes got
// there.
func Check(t testing.TB, path, got string) {
	t.Helper()
	if Update() {
		Write(t, path, []byte(got))
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run '%s' -update to create it)", err, t.Name())
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs from what the test produced (-want +got; go test -update rewrites it):\n%s\ngot:\n%s", path, diff, got)
	}
}

// Write writes b to path, creating its folder.
func Write(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// ReadJSON decodes the JSON file at path (a fixture another package's
// tests recorded) into v.
func ReadJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
