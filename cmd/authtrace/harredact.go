package main

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/authtrace/authtrace/har"
	"github.com/authtrace/authtrace/report"
)

// redactHAR writes the sanitised copy of the HAR file at in to out (a
// report.Output: a temporary file renamed into place only when the whole
// copy was written, so a cut or unreadable input never leaves half a file
// that looks like a HAR; a device or pipe written as it is). It says on stderr what it replaced.
func redactHAR(ctx context.Context, in, out string, stderr io.Writer) error {
	rc, size, err := har.Open(in, nil)
	if err != nil {
		return err
	}
	defer rc.Close()
	// Ctrl-C: closing the input ends the copy, which is then removed.
	defer context.AfterFunc(ctx, func() { rc.Close() })()
	dst, err := report.CreateOutput(out)
	if err != nil {
		return fmt.Errorf("--redact-out %s cannot be written: %w", out, err)
	}
	defer dst.Abort() // after Commit, nothing
	var bar *progress
	if size > progressFrom {
		bar = newProgress(stderr, "copying "+filepath.Base(in), size)
	}
	opt := har.RedactOptions{Progress: bar.set}
	var w io.Writer = dst
	var zw *gzip.Writer
	if strings.EqualFold(filepath.Ext(out), ".gz") {
		zw = gzip.NewWriter(dst) // the name says so: what is inside must be
		w = zw
	}
	stats, err := har.Redact(rc, w, opt)
	bar.end()
	if zw != nil {
		if cerr := zw.Close(); err == nil {
			err = cerr
		}
	}
	if ctx.Err() != nil {
		return errors.New("--redact-out: stopped; no copy written")
	}
	if err != nil {
		return fmt.Errorf("--redact-out: no copy written: %w", err)
	}
	if err := dst.Commit(); err != nil {
		return fmt.Errorf("--redact-out %s: %w", out, err)
	}
	fmt.Fprintf(stderr, "· sanitised copy written to %s: %s\n", out, redactedSummary(stats))
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
