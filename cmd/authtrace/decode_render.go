package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"golang.org/x/term"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/report"
)

type renderOptions struct {
	now    time.Time
	loc    *time.Location
	skew   time.Duration
	exp    decode.Expect
	verify bool
	width  int
	color  bool
}

// decodeStyles are decode's colours, in one place. Basic ANSI colours only:
// they follow the terminal's own palette, light or dark, so there is no
// need to query the background (which costs a round trip at start-up).
type decodeStyles struct {
	title, section, name, faint, value lipgloss.Style
	sev                                map[report.Severity]lipgloss.Style
	ok, code                           lipgloss.Style
}

func newDecodeStyles() decodeStyles {
	s := lipgloss.NewStyle()
	return decodeStyles{
		title:   s.Bold(true),
		section: s.Bold(true).Foreground(lipgloss.Blue),
		name:    s.Foreground(lipgloss.Cyan),
		faint:   s.Faint(true),
		value:   s,
		ok:      s.Foreground(lipgloss.Green),
		code:    s.Bold(true),
		sev: map[report.Severity]lipgloss.Style{
			report.SeverityError: s.Foreground(lipgloss.Red).Bold(true),
			report.SeverityWarn:  s.Foreground(lipgloss.Yellow).Bold(true),
			report.SeverityInfo:  s.Foreground(lipgloss.Blue),
		},
	}
}

var sevMark = map[report.Severity]string{
	report.SeverityError: "✗ error",
	report.SeverityWarn:  "! warn ",
	report.SeverityInfo:  "i info ",
}

// colorWriter wraps out so that styles come out as the terminal can show
// them: stripped when out is not a terminal or NO_COLOR is set.
func colorWriter(out io.Writer) (io.Writer, bool) {
	env := os.Environ()
	if os.Getenv("NO_COLOR") != "" {
		// no-color.org: any non-empty value disables colour, where
		// colorprofile only reads values that parse as true.
		env = append(env, "NO_COLOR=1")
	}
	w := colorprofile.NewWriter(out, env)
	return w, w.Profile > colorprofile.Ascii
}

func termWidth(out io.Writer) int {
	if f, ok := out.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w >= 40 {
			return min(w, 120)
		}
	}
	return 100
}

// renderText writes the readable layout of every result.
func renderText(w io.Writer, results []result, o renderOptions) {
	st := newDecodeStyles()
	var b strings.Builder
	for i, r := range results {
		if i > 0 {
			b.WriteString("\n")
		}
		renderResult(&b, st, r, i, len(results), o)
	}
	io.WriteString(w, b.String())
}

func renderResult(b *strings.Builder, st decodeStyles, r result, i, n int, o renderOptions) {
	var title []string
	if n > 1 {
		title = append(title, fmt.Sprintf("token %d/%d:", i+1, n))
	}
	kind := r.kind
	switch {
	case errors.Is(r.err, decode.ErrNotToken):
		kind = "input"
	case kind == "":
		kind = "token (kind unknown)"
	case r.kindGuessed:
		kind += " (guessed)"
	}
	title = append(title, kind)
	switch {
	case errors.Is(r.err, decode.ErrNotToken):
		title = append(title, "· not a token")
	case r.tok == nil:
		title = append(title, "· not a usable token")
	case r.tok.Format == decode.FormatOpaque:
		title = append(title, fmt.Sprintf("· opaque · %d characters", len(r.tok.Raw)))
	default:
		title = append(title, "· "+string(r.tok.Format))
		if r.tok.Alg != "" {
			title = append(title, "· "+r.tok.Alg)
		}
		if r.tok.Kid != "" {
			title = append(title, "· kid "+r.tok.Kid)
		}
	}
	b.WriteString(st.title.Render(report.Printable(strings.Join(title, " "))) + "\n")

	if r.tok != nil && r.tok.Format != decode.FormatOpaque {
		renderMembers(b, st, "header", r.tok.Header, o)
		if r.tok.Format == decode.FormatJWE {
			b.WriteString("  " + st.section.Render("claims") + "  " + st.faint.Render("encrypted: only the holder of the decryption key can read them") + "\n")
		} else {
			renderMembers(b, st, "claims", r.tok.Claims, o)
			b.WriteString("  " + st.section.Render("signature") + "  " + signatureText(st, r, o) + "\n")
		}
	}
	if r.err != nil {
		if ex := caret(r, o.width); ex != "" {
			b.WriteString(ex)
		}
	}
	renderChecks(b, st, r, o)
}

func renderMembers(b *strings.Builder, st decodeStyles, label string, members []decode.Claim, o renderOptions) {
	b.WriteString("  " + st.section.Render(label) + "\n")
	fields := decode.Fields(members, o.now, o.loc)
	width := 0
	// Names and values are the token's: made printable before they are
	// styled, since the styles' own escapes must survive.
	for i := range fields {
		fields[i].Name, fields[i].Value = report.Printable(fields[i].Name), report.Printable(fields[i].Value)
		width = max(width, min(lipgloss.Width(fields[i].Name), 18))
	}
	for _, f := range fields {
		pad := strings.Repeat(" ", max(width-lipgloss.Width(f.Name), 0))
		line := "    " + st.name.Render(f.Name) + pad + "  " + st.value.Render(f.Value)
		if f.When != "" {
			line += "  " + st.faint.Render(f.When)
		}
		b.WriteString(line + "\n")
	}
}

func signatureText(st decodeStyles, r result, o renderOptions) string {
	r.sigNote = report.Printable(r.sigNote) // names a key source, or says what failed
	switch r.sig {
	case sigValid:
		return st.ok.Render("valid") + st.faint.Render(" ("+r.sigNote+")")
	case sigInvalid:
		return st.sev[report.SeverityError].Render("INVALID") + st.faint.Render(" (keys from "+r.sigNote+"; see below)")
	case sigUnverifiable:
		if r.verifyErr != "" {
			return st.sev[report.SeverityError].Render("not verified") + st.faint.Render(" (see below)")
		}
		return "not checked: " + r.sigNote
	case sigNone:
		if r.tok != nil && r.tok.Alg != "" && !strings.EqualFold(r.tok.Alg, "none") {
			return st.sev[report.SeverityError].Render("empty") + st.faint.Render(" (the header says "+report.Printable(r.tok.Alg)+"; see below)")
		}
		return st.sev[report.SeverityError].Render("none") + st.faint.Render(" (unsigned)")
	case sigRedacted:
		return "redacted " + st.faint.Render("(copied from an authtrace report; the original token can be verified)")
	}
	return "present, not checked " + st.faint.Render("(--verify checks it)")
}

func renderChecks(b *strings.Builder, st decodeStyles, r result, o renderOptions) {
	ctx := []string{"now " + o.now.UTC().Format("2006-01-02 15:04:05 UTC"), "skew " + o.skew.String()}
	exp := o.exp
	for _, e := range []struct{ name, v string }{{"aud", exp.Audience}, {"iss", exp.Issuer}, {"client-id", exp.ClientID}, {"nonce", exp.Nonce}} {
		if e.v != "" {
			ctx = append(ctx, e.name+" "+e.v)
		}
	}
	b.WriteString("  " + st.section.Render("checks") + "  " + st.faint.Render(report.Printable(strings.Join(ctx, " · "))) + "\n")
	fs := r.findings
	if len(fs) == 0 {
		b.WriteString("    " + st.ok.Render("✓ no problems found") + "\n")
		return
	}
	indent := "        "
	for _, f := range fs {
		// Messages and hints quote claim values.
		head := "    " + st.sev[f.Severity].Render(sevMark[f.Severity]) + "  " + st.code.Render(report.Printable(f.Code))
		// The message wraps under its code, indented like its fix.
		msg := wrap(report.Printable(report.Untick(f.Message)), o.width-len(indent))
		if len(msg) == 1 && lipgloss.Width(head)+2+len(msg[0]) <= o.width {
			b.WriteString(head + "  " + msg[0] + "\n")
		} else {
			b.WriteString(head + "\n")
			for _, line := range msg {
				b.WriteString(indent + line + "\n")
			}
		}
		if f.Hint != "" {
			for j, line := range wrap("fix: "+report.Printable(report.Untick(f.Hint)), o.width-len(indent)-5) {
				if j == 0 {
					b.WriteString(indent + st.faint.Render(line) + "\n")
					continue
				}
				b.WriteString(indent + "     " + st.faint.Render(line) + "\n")
			}
		}
	}
}

// caret shows where in the token a parse error is, with a marker under
// the offending byte.
func caret(r result, width int) string {
	pe, ok := r.err.(*decode.ParseError)
	if !ok || pe.Offset < 0 {
		return ""
	}
	raw := decode.Clean(r.in.raw)
	if pe.Offset > len(raw) {
		return ""
	}
	span := max(width-12, 20)
	start := max(pe.Offset-span/2, 0)
	end := min(start+span, len(raw))
	excerpt := raw[start:end]
	prefix := ""
	if start > 0 {
		prefix = "…"
	}
	var b strings.Builder
	b.WriteString("    " + prefix + report.Printable(excerpt) + "\n")
	// The caret goes under the offending character: count the cells of what
	// comes before it as shown, not its bytes.
	col := lipgloss.Width(prefix + report.Printable(raw[start:pe.Offset]))
	b.WriteString("    " + strings.Repeat(" ", col) + "^ offset " + fmt.Sprint(pe.Offset) + "\n")
	return b.String()
}

// wrap breaks text into lines of at most width bytes at spaces.
func wrap(text string, width int) []string {
	width = max(width, 30)
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case len(line)+1+len(word) > width:
			lines = append(lines, line)
			line = word
		default:
			line += " " + word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
