package main

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/authtrace/authtrace/har"
	"github.com/authtrace/authtrace/report"
)

// redactHAR writes the sanitised copy of the HAR file at in to out, as
// writeHAR writes it. It says on stderr what it replaced.
func redactHAR(ctx context.Context, in, out string, stderr io.Writer) error {
	rc, size, err := har.Open(in, nil)
	if err != nil {
		return err
	}
	defer rc.Close()
	// Ctrl-C: closing the input ends the copy, which is then removed.
	defer context.AfterFunc(ctx, func() { rc.Close() })()
	var bar *progress
	if size > progressFrom {
		bar = newProgress(stderr, "copying "+filepath.Base(in), size)
	}
	return writeHAR(ctx, rc, out, harCopy{flag: "--redact-out", redact: true, bar: bar}, stderr)
}

// harCopy says how writeHAR writes: the flag that named the file (for
// messages), whether secrets are replaced, and the progress line.
type harCopy struct {
	flag   string
	redact bool
	bar    *progress
}

// writeHAR copies the HAR file r to out (a report.Output: a temporary
// file renamed into place only when the whole copy was written, so a cut
// or unreadable input never leaves half a file that looks like a HAR; a
// device or pipe written as it is), sanitised as har.Redact does unless
// c says not to, gzip-compressed when out ends in .gz.
func writeHAR(ctx context.Context, r io.Reader, out string, c harCopy, stderr io.Writer) error {
	dst, err := report.CreateOutput(out)
	if err != nil {
		return fmt.Errorf("%s %s cannot be written: %w", c.flag, out, err)
	}
	defer dst.Abort() // after Commit, nothing
	var w io.Writer = dst
	var zw *gzip.Writer
	if strings.EqualFold(filepath.Ext(out), ".gz") {
		zw = gzip.NewWriter(dst) // the name says so: what is inside must be
		w = zw
	}
	var stats har.RedactStats
	if c.redact {
		stats, err = har.Redact(r, w, har.RedactOptions{Progress: c.bar.set})
	} else {
		_, err = io.Copy(w, r)
	}
	c.bar.end()
	if zw != nil {
		if cerr := zw.Close(); err == nil {
			err = cerr
		}
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%s: stopped; no copy written", c.flag)
	}
	if err != nil {
		return fmt.Errorf("%s: no copy written: %w", c.flag, err)
	}
	if err := dst.Commit(); err != nil {
		return fmt.Errorf("%s %s: %w", c.flag, out, err)
	}
	if c.redact {
		fmt.Fprintf(stderr, "· sanitised copy written to %s: %s\n", out, redactedSummary(stats))
	}
	return nil
}

// redactedSummary says what a copy lost: "12 values replaced (4 cookie,
// 3 code, ...)", or that nothing needed replacing.
func redactedSummary(st har.RedactStats) string {
	if st.Values == 0 {
		return fmt.Sprintf("%d entries, nothing needed replacing", st.Entries)
	}
	kinds := make([]string, 0, len(st.ByKind))
	for k := range st.ByKind {
		kinds = append(kinds, k)
	}
	slices.SortFunc(kinds, func(a, b string) int {
		if d := st.ByKind[b] - st.ByKind[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", st.ByKind[k], k))
	}
	return fmt.Sprintf("%d entries, %d values replaced (%s)", st.Entries, st.Values, strings.Join(parts, ", "))
}
