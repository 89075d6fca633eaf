package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Clobber says what WriteFile does when a file is already at its path.
type Clobber bool

const (
	// Replace replaces the file, atomically: the CLI's --report FILE,
	// which the person named.
	Replace Clobber = true
	// NoClobber leaves the file alone and fails with an error that is
	// fs.ErrExist: the TUI's export, which picks names itself.
	NoClobber Clobber = false
)

// WriteFile is how authtrace writes a report file. Reports hold claims,
// URLs and, with --reveal, secrets, so the file gets mode 0600. It is
// written to a temporary file in the same folder and then renamed (or,
// with NoClobber, hard-linked) into place, so nobody reads half a report
// and a failed write leaves nothing behind. On a file system without hard
// links (FAT, some network shares) NoClobber creates the file exclusively
// and writes it in place instead.
func WriteFile(path string, data []byte, c Clobber) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".authtrace-report-*")
	if err != nil {
		return fmt.Errorf("writing report %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after a rename
	if err := writeClose(tmp, data); err != nil {
		return fmt.Errorf("writing report %s: %w", path, err)
	}
	if c == Replace {
		err = os.Rename(tmp.Name(), path)
	} else if err = os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		err = writeNew(path, data)
	}
	if err != nil {
		return fmt.Errorf("writing report %s: %w", path, err)
	}
	return nil
}

// writeNew creates path, failing if it exists, and writes data; a failed
// write removes what it created.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := writeClose(f, data); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// writeClose makes f 0600 (CreateTemp already does where modes exist),
// writes data and closes it.
func writeClose(f *os.File, data []byte) error {
	err := f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(data)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
