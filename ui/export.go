package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

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
	js, err := json.MarshalIndent(red, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode report: %w", err)
	}
	js = append(js, '\n')
	md := []byte(markdown(red))

	base := "authtrace-" + now.UTC().Format("20060102-150405")
	for i := 0; i < 100; i++ {
		name := base
		if i > 0 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		jp := filepath.Join(dir, name+".json")
		mp := filepath.Join(dir, name+".md")
		if err := writeNew(jp, js); err != nil {
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			return nil, err
		}
		if err := writeNew(mp, md); err != nil {
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

// writeNew creates path (mode 0600, failing if it exists) and writes b; a
// failed write removes the half-written file.
func writeNew(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// markdown renders a (redacted) report for a ticket or a chat: findings
// first, then the hops and the tokens.
func markdown(r report.Report) string {
	var b strings.Builder
	p := r.Profile
	fmt.Fprintf(&b, "# authtrace report\n\n")
	fmt.Fprintf(&b, "- provider: `%s`\n", providerHost(p))
	if p.AuthorizeURL != "" {
		fmt.Fprintf(&b, "- authorize URL: `%s`\n", p.AuthorizeURL)
	}
	if p.TokenURL != "" {
		fmt.Fprintf(&b, "- token URL: `%s`\n", p.TokenURL)
	}
	fmt.Fprintf(&b, "- client id: `%s`\n", p.ClientID)
	if p.Scope != "" {
		fmt.Fprintf(&b, "- scope: `%s`\n", p.Scope)
	}
	fmt.Fprintf(&b, "- redirect_uri: `%s`\n", p.RedirectURI)
	if !r.Started.IsZero() {
		fmt.Fprintf(&b, "- started: %s\n", r.Started.UTC().Format(time.RFC3339))
	}
	if r.Error != "" {
		fmt.Fprintf(&b, "- stopped early: %s\n", r.Error)
	}

	errs, warns, infos := r.Count()
	fmt.Fprintf(&b, "\n## Findings (%d errors, %d warnings, %d info)\n\n", errs, warns, infos)
	if len(r.Findings) == 0 {
		b.WriteString("None.\n")
	}
	for _, f := range r.Findings {
		where := findingWhere(f)
		if where != "" {
			where = " (" + where + ")"
		}
		fmt.Fprintf(&b, "- **%s** `%s`%s: %s\n", f.Severity, f.Code, where, f.Message)
		if f.Hint != "" {
			fmt.Fprintf(&b, "  - fix: %s\n", f.Hint)
		}
	}

	b.WriteString("\n## Hops\n\n| # | source | method | status | role | URL |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, h := range r.Hops {
		status := ""
		if h.Status > 0 {
			status = fmt.Sprint(h.Status)
		}
		if h.Error != "" {
			status = "error: " + h.Error
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | `%s` |\n", h.N, h.Source, h.Method, mdCell(status), roleName(h.Role), mdCell(h.URL))
	}

	if len(r.Tokens) > 0 {
		b.WriteString("\n## Tokens\n")
		for _, t := range r.Tokens {
			fmt.Fprintf(&b, "\n### %s (%s)\n\n", t.Kind, t.Format)
			if len(t.Header) > 0 {
				fmt.Fprintf(&b, "```json\n%s\n```\n\n", indentJSON(t.Header))
			}
			if len(t.Claims) > 0 {
				fmt.Fprintf(&b, "```json\n%s\n```\n", indentJSON(t.Claims))
			}
		}
	}
	return b.String()
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "`", "'").Replace(s)
}

func indentJSON(raw json.RawMessage) string {
	var b strings.Builder
	buf, err := json.MarshalIndent(raw, "", "  ")
	if err != nil {
		return string(raw)
	}
	b.Write(buf)
	return b.String()
}

// summary is printed to the normal screen after the program exits, so it
// stays in the scrollback.
func summary(r report.Report, err error, exported []string) string {
	var b strings.Builder
	errs, warns, infos := r.Count()
	switch {
	case err != nil:
		fmt.Fprintf(&b, "authtrace: %s\n", report.Printable(err.Error()))
	default:
		fmt.Fprintf(&b, "authtrace: login finished with %s, %s, %d info\n", plural(errs, "error"), plural(warns, "warning"), infos)
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
		where := report.Printable(findingWhere(f))
		if where != "" {
			where = " (" + where + ")"
		}
		mark := "!"
		if f.Severity == report.SeverityError {
			mark = "✗"
		}
		fmt.Fprintf(&b, "  %s %s%s: %s\n", mark, report.Printable(f.Code), where, report.Printable(f.Message))
		shown++
	}
	for _, p := range exported {
		fmt.Fprintf(&b, "report: %s\n", p)
	}
	return b.String()
}
