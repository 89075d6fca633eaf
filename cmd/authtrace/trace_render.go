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

	answers := func(a report.Answers, sent string) {
		traceAnswer(&b, st, "redirect_uri", a.RedirectURI, sent, width)
		traceAnswer(&b, st, "state", a.State, "", width)
	}
	chains := rep.ByChain()
	if len(chains) == 0 {
		answers(rep.Answer(), rep.Profile.RedirectURI)
		b.WriteString("\n" + st.section.Render("Hops") + "\n")
		writeLines(&b, traceHops(rep, st, width))
	} else {
		// A run with chains asks its questions once per redirect URI:
		// the answers of each on top, then the chains' hops.
		for i, c := range chains {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString(st.name.Render("with "+c.Label()) + "\n")
			answers(c.Answers, c.RedirectURI)
		}
		traceChains(&b, chains, st, width)
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
		if w := f.Where(); w != "" {
			where = st.faint.Render(" (" + p(w) + ")")
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
		// Where in the connector file, and the template as written:
		// what the person opens and edits.
		for _, k := range []string{"path", "template"} {
			if v := f.Detail[k]; v != "" && strings.HasPrefix(f.Code, "connector.") {
				// A path or a template is one long word: break it anywhere.
				for i, l := range strings.Split(ansi.Hardwrap(p(v), width-len(indent)-10, true), "\n") {
					lead := fmt.Sprintf("%-10s", k)
					if i > 0 {
						lead = strings.Repeat(" ", 10)
					}
					b.WriteString(indent + st.faint.Render(lead+l) + "\n")
				}
			}
		}
	}
	io.WriteString(w, b.String())
}

func writeLines(b *strings.Builder, lines []string) {
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
}

// traceAnswer writes one answer under its name, wrapped, with the value
// that was sent under it when there is one.
func traceAnswer(b *strings.Builder, st decodeStyles, name string, an report.Answer, sent string, width int) {
	p := report.Printable
	mark := st.sev[report.SeverityWarn].Render(an.Verdict.Mark())
	switch an.Verdict {
	case report.VerdictOK:
		mark = st.ok.Render(an.Verdict.Mark())
	case report.VerdictProblem:
		mark = st.sev[report.SeverityError].Render(an.Verdict.Mark())
	}
	for i, l := range wrap(p(an.Text), width-18) {
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
		b.WriteString("  " + strings.Repeat(" ", 14) + "  " + st.faint.Render("sent "+report.CutMiddle(sent, width-23)) + "\n")
	}
}

// traceChainCol is the narrowest column a chain's hops are drawn in side
// by side; below it they go one chain after the other.
const traceChainCol = 56

// traceChains writes the chains' hops: side by side, a column each, when
// the width allows, else one chain after the other, each under a heading.
func traceChains(b *strings.Builder, chains []report.ChainReport, st decodeStyles, width int) {
	const gap = " │"
	colW := (width - (len(chains)-1)*len([]rune(gap))) / len(chains)
	if len(chains) < 2 || colW < traceChainCol {
		for _, c := range chains {
			b.WriteString("\n" + st.section.Render("Hops: "+report.Printable(c.Name)) + st.faint.Render(" · "+report.Printable(c.RedirectURI)) + "\n")
			writeLines(b, traceHops(c.Report, st, width))
		}
		return
	}
	b.WriteString("\n" + st.section.Render("Hops") + "\n")
	cols := make([][]string, len(chains))
	rows := 0
	for i, c := range chains {
		head := "  " + st.name.Render(report.Printable(c.Name)) + st.faint.Render(" · "+report.CutMiddle(c.RedirectURI, colW-len([]rune(c.Name))-5))
		cols[i] = append([]string{head}, traceHops(c.Report, st, colW)...)
		rows = max(rows, len(cols[i]))
	}
	for r := range rows {
		var parts []string
		for i, col := range cols {
			line := ""
			if r < len(col) {
				line = col[r]
			}
			if i < len(cols)-1 {
				line += strings.Repeat(" ", max(colW-ansi.StringWidth(line), 0)) + st.faint.Render(gap)
			}
			parts = append(parts, line)
		}
		b.WriteString(strings.TrimRight(strings.Join(parts, ""), " ") + "\n")
	}
}

// traceHops are the lines of a report's hops, each with its comparison
// with the authorize request that was sent, in width cells.
func traceHops(rep report.Report, st decodeStyles, width int) []string {
	p := report.Printable
	var out []string
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
		out = append(out, row+report.ElidePath(h.URL, room))
		indent := "       "
		if h.Error != "" {
			for _, l := range wrap(p(h.Error), width-len(indent)) {
				out = append(out, indent+st.sev[report.SeverityError].Render(l))
			}
		}
		for _, l := range joinFitting(hopComparison(h, sent, byHop[h.N], st), st.faint.Render(" · "), width-len(indent)) {
			out = append(out, indent+l)
		}
		if h.Page != "" {
			for i, l := range wrap("page says: "+p(h.Page), width-len(indent)) {
				if i > 2 {
					break
				}
				out = append(out, indent+st.faint.Render(l))
			}
		}
		if h.Location != "" && h.Status >= 300 && h.Status < 400 {
			out = append(out, indent+st.faint.Render("→ "+report.ElidePath(h.Location, width-len(indent)-2)))
		}
	}
	return out
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
