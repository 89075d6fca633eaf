package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/report"
)

// exportCmd writes the report, redacted, as JSON and Markdown into dir.
func exportCmd(rep report.Report, dir string, now time.Time) tea.Cmd {
	return func() tea.Msg {
		paths, err := export(rep, dir, now)
		return exportedMsg{paths: paths, err: err}
	}
}

// export writes authtrace-<time>.json and .md into dir with mode 0600 and
// returns their paths. It never overwrites a file: a name already taken
// gets a counter.
func export(rep report.Report, dir string, now time.Time) ([]string, error) {
	if dir == "" {
		dir = "."
	}
	red := rep.Redact()
	js, err := report.MarshalJSON(red, "  ")
	if err != nil {
		return nil, fmt.Errorf("encode report: %w", err)
	}
	md := []byte(report.Markdown(red, decode.ReportClaims))

	base := "authtrace-" + now.UTC().Format("20060102-150405")
	for i := 0; i < 100; i++ {
		name := base
		if i > 0 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		jp := filepath.Join(dir, name+".json")
		mp := filepath.Join(dir, name+".md")
		if err := report.WriteFile(jp, js, report.NoClobber); err != nil {
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			return nil, err
		}
		if err := report.WriteFile(mp, md, report.NoClobber); err != nil {
			os.Remove(jp)
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			return nil, err
		}
		if abs, err := filepath.Abs(jp); err == nil {
			jp = abs
		}
		if abs, err := filepath.Abs(mp); err == nil {
			mp = abs
		}
		return []string{jp, mp}, nil
	}
	return nil, fmt.Errorf("export report: too many reports named %s in %s", base, dir)
}

// summaryAt is summary with each line wrapped at words to width cells
// (the terminal would break it anywhere), its continuations indented.
func summaryAt(width int, r report.Report, err error, exported []string, phrase func(error) string) string {
	text := summary(r, err, exported, phrase)
	if width < 20 {
		return text
	}
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		body := strings.TrimLeft(line, " ")
		lead := line[:len(line)-len(body)]
		indent := lead + "    "
		for i, l := range wrapWords(body, width-1-len(indent)) {
			if i == 0 {
				l = lead + l
			} else {
				l = indent + l
			}
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// summary is printed to the normal screen after the program exits, so it
// stays in the scrollback.
func summary(r report.Report, err error, exported []string, phrase func(error) string) string {
	secrets := report.SecretsOf(r)
	r = r.Redact()
	var b strings.Builder
	switch {
	case errors.Is(err, ErrNothingRan):
		return "authtrace: nothing ran\n"
	case err != nil && phrase != nil:
		fmt.Fprintf(&b, "authtrace: %s\n", errText(secrets.Text(phrase(err))))
	case err != nil:
		fmt.Fprintf(&b, "authtrace: %s\n", errText(secrets.Text(err.Error())))
	case r.HAR != nil:
		fmt.Fprintf(&b, "authtrace: %s read: %s\n", report.Printable(r.HAR.File), r.Tally())
	default:
		fmt.Fprintf(&b, "authtrace: login finished: %s\n", r.Tally())
	}
	for _, cr := range r.ByChain() {
		if r.HAR != nil {
			// A HAR file's attempts: how each ended.
			o := cr.Outcome()
			fmt.Fprintf(&b, "  %s %s: %s\n", o.Verdict.Mark(), report.Printable(cr.Name), report.Printable(o.Text))
			continue
		}
		// Each chain's answers first: they are what a trace --connector
		// asks.
		a := cr.Answers
		line := fmt.Sprintf("  %s with %s: redirect_uri %s", a.RedirectURI.Verdict.Mark(), cr.Label(), report.Printable(a.RedirectURI.Text))
		if a.State.Verdict == report.VerdictProblem {
			line += "; state " + report.Printable(a.State.Text)
		}
		b.WriteString(line + "\n")
	}
	shown := 0
	for _, f := range r.Findings {
		if f.Severity == report.SeverityInfo {
			continue
		}
		if shown == 5 {
			fmt.Fprintf(&b, "  … and more in the report\n")
			break
		}
		where := report.Printable(f.Where())
		if where != "" {
			where = " (" + where + ")"
		}
		mark := "!"
		if f.Severity == report.SeverityError {
			mark = "✗"
		}
		fmt.Fprintf(&b, "  %s %s%s: %s\n", mark, report.Printable(f.Code), where, errText(report.Untick(f.Message)))
		shown++
	}
	for _, p := range exported {
		fmt.Fprintf(&b, "report: %s\n", p)
	}
	return b.String()
}
