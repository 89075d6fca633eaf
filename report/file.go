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
	if c == Replace {
		out, err := CreateOutput(path)
		if err != nil {
			return fmt.Errorf("writing report %s: %w", path, err)
		}
		if _, err := out.Write(data); err != nil {
			out.Abort()
			return fmt.Errorf("writing report %s: %w", path, err)
		}
		if err := out.Commit(); err != nil {
			return fmt.Errorf("writing report %s: %w", path, err)
		}
		return nil
	}
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

// Output is a file being written for the person (a report, a sanitised
// HAR copy), mode 0600. A regular file (or a new one) is written to a
// temporary file next to it and renamed over it by Commit, so a failed
// write leaves the old one; the path of a symbolic link is that of the
// file it points to, which is replaced, not the link. Anything else (a
// device such as /dev/stdout, a named pipe) is written to as it is.
type Output struct {
	f      *os.File
	final  string // rename target; "" when written in place
	closed bool
}

// CreateOutput opens path for writing as Output says.
func CreateOutput(path string) (*Output, error) {
	target := path
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
	}
	if fi, err := os.Stat(target); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return nil, fmt.Errorf("%s is a folder", path)
		}
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &Output{f: f}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(target), ".authtrace-out-*")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &Output{f: f, final: target}, nil
}

func (o *Output) Write(p []byte) (int, error) { return o.f.Write(p) }

// Commit closes the file and puts it in place.
func (o *Output) Commit() error {
	o.closed = true
	err := o.f.Close()
	if o.final == "" {
		return err
	}
	if err == nil {
		err = os.Rename(o.f.Name(), o.final)
	}
	if err != nil {
		os.Remove(o.f.Name())
	}
	return err
}

// Abort closes the file and removes what was written, when it was a
// temporary file. It does nothing after Commit.
func (o *Output) Abort() {
	if o.closed {
		return
	}
	o.closed = true
	o.f.Close()
	if o.final != "" {
		os.Remove(o.f.Name())
	}
}
