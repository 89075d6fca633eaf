package main

import (
	"fmt"
	"io"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authtrace/authtrace/report"
)

// renderTrace writes a trace for a person at a terminal: the answers to
// "is my redirect URI accepted?" and "what happens to state?" first, then
// the hops with each one's comparison, then the findings, each once.
// Pipes get the Markdown report instead.
func renderTrace(w io.Writer, rep report.Report, width int) {
	st := newDecodeStyles()
	var b strings.Builder
	p := report.Printable

	head := fmt.Sprintf("authtrace trace · %d hops · %s", len(rep.Hops), rep.Tally())
	b.WriteString(st.title.Render(head) + "\n")
	if rep.Error != "" {
		b.WriteString(st.sev[report.SeverityError].Render("stopped early: ") + p(rep.Error) + "\n")
	}
	b.WriteString("\n")

	a := rep.Answer()
	answer := func(name string, an report.Answer, sent string) {
		mark := map[report.Verdict]string{
			report.VerdictOK:      st.ok.Render("✓"),
			report.VerdictProblem: st.sev[report.SeverityError].Render("✗"),
			report.VerdictUnknown: st.sev[report.SeverityWarn].Render("?"),
		}[an.Verdict]
		lines := wrap(p(an.Text), width-18)
		for i, l := range lines {
			label := ""
			if i == 0 {
				label = name
			}
			lead := "  "
			if i == 0 {
				lead = mark + " "
			}
			b.WriteString("  " + st.name.Render(fmt.Sprintf("%-13s", label)) + " " + lead + l + "\n")
		}
		if sent != "" {
			b.WriteString("  " + strings.Repeat(" ", 14) + "  " + st.faint.Render("sent "+p(sent)) + "\n")
		}
	}
	answer("redirect_uri", a.RedirectURI, rep.Profile.RedirectURI)
	answer("state", a.State, "")

	b.WriteString("\n" + st.section.Render("Hops") + "\n")
	byHop := map[int][]report.Finding{}
	for _, f := range rep.Findings {
		byHop[f.Hop] = append(byHop[f.Hop], f)
	}
	sent := map[string]string{}
	for _, h := range rep.Hops {
		if h.Source == report.SourceSent {
			sent = h.Params
		}
	}
	for _, h := range rep.Hops {
		status := "   "
		if h.Status != 0 {
			status = fmt.Sprint(h.Status)
		}
		row := fmt.Sprintf("  %2d %-9s %s %-10s ", h.N, h.Source, status, h.Role)
		room := max(width-lipgloss.Width(row)-2, 20)
		b.WriteString(row + report.ElidePath(h.URL, room) + "\n")
		indent := "       "
		if h.Error != "" {
			for _, l := range wrap(p(h.Error), width-len(indent)) {
				b.WriteString(indent + st.sev[report.SeverityError].Render(l) + "\n")
			}
		}
		for _, l := range joinFitting(hopComparison(h, sent, byHop[h.N], st), st.faint.Render(" · "), width-len(indent)) {
			b.WriteString(indent + l + "\n")
		}
		if h.Page != "" {
			for i, l := range wrap("page says: "+p(h.Page), width-len(indent)) {
				if i > 2 {
					break
				}
				b.WriteString(indent + st.faint.Render(l) + "\n")
			}
		}
		if h.Location != "" && h.Status >= 300 && h.Status < 400 {
			b.WriteString(indent + st.faint.Render("→ "+report.ElidePath(h.Location, width-len(indent)-2)) + "\n")
		}
	}

	b.WriteString("\n" + st.section.Render("Findings") + "\n")
	var fs []report.Finding
	for _, i := range report.BySeverity(rep.Findings) {
		fs = append(fs, rep.Findings[i])
	}
	if len(fs) == 0 {
		b.WriteString("  " + st.ok.Render("✓ no problems found") + "\n")
	}
	indent := "      "
	for _, f := range fs {
		where := ""
		if f.Hop != 0 {
			where = st.faint.Render(fmt.Sprintf(" (hop %d)", f.Hop))
		}
		b.WriteString("  " + st.sev[f.Severity].Render(strings.TrimSpace(sevMark[f.Severity])) + " " + st.code.Render(p(f.Code)) + where + "\n")
		for _, l := range wrap(p(report.Untick(f.Message)), width-len(indent)) {
			b.WriteString(indent + l + "\n")
		}
		for i, l := range wrap(p(report.Untick(f.Hint)), width-len(indent)-5) {
			lead := "fix: "
			if i > 0 {
				lead = "     "
			}
			b.WriteString(indent + st.faint.Render(lead+l) + "\n")
		}
	}
	io.WriteString(w, b.String())
}

// hopComparison compares a hop's state and redirect_uri with what was
// sent, and names the codes of its other findings: nothing for a hop
// without them. The provider's own transaction state is said to be its
// own, not compared.
func hopComparison(h report.Hop, sent map[string]string, fs []report.Finding, st decodeStyles) []string {
	if h.Source == report.SourceSent {
		return nil
	}
	kindOf := func(code string) (string, bool) {
		for _, f := range fs {
			if f.Code == code {
				return f.Detail["kind"], true
			}
		}
		return "", false
	}
	var parts []string
	for _, c := range []struct{ name, code string }{{"state", report.CodeStateChanged}, {"redirect_uri", report.CodeRedirectURIChanged}} {
		v, has := h.Params[c.name]
		if !has {
			continue
		}
		switch {
		case h.Role == report.RoleProvider && c.name == "state":
			parts = append(parts, st.name.Render(c.name)+" "+st.faint.Render("the provider's own"))
		case v == sent[c.name]:
			parts = append(parts, st.name.Render(c.name)+" "+st.ok.Render("✓ as sent"))
		default:
			// Red only where the comparison found a fault: a value it
			// did not compare (an upstream provider's own) is said so.
			kind, changed := kindOf(c.code)
			if !changed {
				parts = append(parts, st.name.Render(c.name)+" "+st.faint.Render("its own, not compared"))
				continue
			}
			parts = append(parts, st.name.Render(c.name)+" "+st.sev[report.SeverityError].Render("✗ "+kind))
		}
	}
	for _, f := range fs {
		if f.Code != report.CodeStateChanged && f.Code != report.CodeRedirectURIChanged {
			parts = append(parts, st.sev[f.Severity].Render(report.Printable(f.Code)))
		}
	}
	return parts
}

// joinFitting joins parts with sep into lines of at most width cells,
// breaking between parts.
func joinFitting(parts []string, sep string, width int) []string {
	var lines []string
	line := ""
	for _, p := range parts {
		switch {
		case line == "":
			line = p
		case ansi.StringWidth(line+sep+p) > width:
			lines = append(lines, line)
			line = p
		default:
			line += sep + p
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
