package report

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWriteFile(t *testing.T) {
	tests := []struct {
		name    string
		clobber Clobber
		old     string // the file already there, "" for none
		wantErr error
		want    string
	}{
		{"new, replace", Replace, "", nil, "new"},
		{"new, no clobber", NoClobber, "", nil, "new"},
		{"existing, replace", Replace, "old", nil, "new"},
		{"existing, no clobber", NoClobber, "old", fs.ErrExist, "old"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "r.json")
			if tt.old != "" {
				if err := os.WriteFile(path, []byte(tt.old), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := WriteFile(path, []byte("new"), tt.clobber)
			if !errors.Is(err, tt.wantErr) || (err != nil) != (tt.wantErr != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			b, _ := os.ReadFile(path)
			if string(b) != tt.want {
				t.Errorf("file holds %q, want %q", b, tt.want)
			}
			if fi, err := os.Stat(path); err == nil && tt.wantErr == nil && runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", fi.Mode().Perm())
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".authtrace-report-*")); len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

func TestWriteFileIntoMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope", "r.json")
	for _, c := range []Clobber{Replace, NoClobber} {
		if err := WriteFile(path, []byte("x"), c); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("clobber %v: err = %v, want ErrNotExist", c, err)
		}
	}
}

// TestWriteNew is the path taken where hard links are not supported.
func TestWriteNew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	if err := writeNew(path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := writeNew(path, []byte("two")); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second write: err = %v, want ErrExist", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "one" {
		t.Errorf("file holds %q, want the first write", b)
	}
}

// A report written through a symbolic link replaces the file it points
// to, not the link; one written to a device is written to it.
func TestWriteFileThroughLinksAndDevices(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.md")
	if err := os.WriteFile(real, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.md")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := WriteFile(link, []byte("new"), Replace); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(real); string(b) != "new" {
		t.Errorf("the file pointed to holds %q", b)
	}
	if _, err := os.Stat(os.DevNull); err == nil {
		if err := WriteFile(os.DevNull, []byte("x"), Replace); err != nil {
			t.Errorf("writing to %s: %v", os.DevNull, err)
		}
		if fi, _ := os.Stat(os.DevNull); fi.Mode().IsRegular() {
			t.Fatalf("%s was replaced by a file", os.DevNull)
		}
	}
}
