//go:build unix

package decode

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestReadJWKSFileFIFO: a named pipe nobody writes to is refused at once
// (opening it would wait for a writer forever).
func TestReadJWKSFileFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jwks.fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadJWKSFile(path); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("ReadJWKSFile(fifo) = %v, want ErrNotRegular", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadJWKSFile(fifo) is still waiting")
	}
}
