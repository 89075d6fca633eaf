package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/authtrace/authtrace/report"
)

// findingsView lists every finding with its severity and shows the selected
// one's message, hint and detail; enter jumps to its hop or token.
type findingsView struct {
	pane
	// order is the report's findings by severity, then in the order they
	// were found: row i shows c.rep.Findings[order[i]].
	order []int
}

func (v *findingsView) set(c *viewContext) {
	st := c.st
	fs := c.rep.Findings
	v.order = report.BySeverity(fs)
	listW, listH, _, _ := c.panes(len(fs))
	v.cur.setLen(len(fs), listH-1)
	// The code and where columns grow to fit what they hold, within
	// bounds: connector codes are longer than a hop's, and a connector
	// finding's place is a JSON name (tokenBodyTemplate).
	codeW, whereW := 24, 8
	for _, f := range fs {
		codeW = max(codeW, min(len([]rune(f.Code)), 30))
		whereW = max(whereW, min(len([]rune(f.Where())), 18))
	}
	v.title = st.faint.Render(fit("   "+fit("code", codeW)+" "+fit("where", whereW)+" message", listW))
	v.plain, v.rows = v.plain[:0], v.rows[:0]
	for _, i := range v.order {
		f := fs[i].Redact()
		sevSt, sym := st.severity(f.Severity)
		rest := fmt.Sprintf(" %s %s %s", fit(cut(f.Code, codeW), codeW), fit(cut(f.Where(), whereW), whereW), report.Printable(report.Untick(f.Message)))
		v.plain = append(v.plain, fit(sym+rest, listW-1))
		v.rows = append(v.rows, fit(sevSt.Render(sym)+rest, listW-1))
	}
	v.setDetail(c)
}

func (v *findingsView) setDetail(c *viewContext) {
	_, _, detailW, _ := c.panes(v.cur.n)
	st := c.st
	f, ok := v.selected(c)
	v.lines = v.lines[:0]
	if !ok {
		msg := "no findings yet"
		switch c.state {
		case stateDone:
			msg = "no findings: the login looks healthy"
		case stateFailed:
			msg = "no findings: the run stopped before anything was compared"
			if c.failure != "" {
				msg += ": " + c.failure
			}
		}
		for _, l := range wrapWords(msg, detailW-1) {
			v.lines = append(v.lines, st.faint.Render(l))
		}
		v.doff = 0
		return
	}
	f = f.Redact()
	sevSt, _ := st.severity(f.Severity)
	title := st.paneTitle.Render(cut(f.Code, detailW/2)) + "  " + sevSt.Render(string(f.Severity))
	if where := f.Where(); where != "" {
		title += st.faint.Render(" · " + report.Printable(where))
	}
	v.lines = append(v.lines, title)
	v.lines = append(v.lines, wrapWords(report.Untick(f.Message), detailW-1)...)
	if f.Hint != "" {
		v.lines = append(v.lines, "", st.bold.Render("what to change"))
		for _, l := range wrapWords(report.Untick(f.Hint), detailW-2) {
			v.lines = append(v.lines, "  "+l)
		}
	}
	if step, name := findingStep(c.rep, f); step != nil {
		v.lines = append(v.lines, "", st.bold.Render(name))
		v.lines = append(v.lines, stepLines(st, *step, detailW)...)
	}
	if len(f.Detail) > 0 {
		v.lines = append(v.lines, "", st.bold.Render("detail"))
		keys := make([]string, 0, len(f.Detail))
		for k := range f.Detail {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			for i, l := range wrapMarked(f.Detail[k], 0, 0, max(detailW-labelW-2, 8), lipglossPlain, lipglossPlain) {
				label := ""
				if i == 0 {
					label = st.key.Render(cut(k, labelW-1))
				}
				v.lines = append(v.lines, "  "+fit(label, labelW)+l)
			}
		}
	}
	switch {
	case f.Hop > 0:
		v.lines = append(v.lines, "", st.faint.Render(fmt.Sprintf("%s: go to hop %d", keyName(c.keys.Enter), f.Hop)))
	case f.Token != "" && tokenRow(c.rep, f.Token) >= 0:
		v.lines = append(v.lines, "", st.faint.Render(cut(keyName(c.keys.Enter)+": go to the "+f.Token+" in Tokens", detailW)))
	}
	v.setLines(c, v.lines)
}

func (v *findingsView) move(c *viewContext, d int) {
	if v.step(c, d) {
		v.setDetail(c)
	}
}

func (v *findingsView) pick(c *viewContext, i int) {
	v.jump(c, i)
	v.set(c)
}

// enter goes to the hop or the token the finding is about.
func (v *findingsView) enter(c *viewContext) request {
	f, ok := v.selected(c)
	if !ok {
		return request{}
	}
	switch {
	case f.Hop > 0:
		for i, h := range c.rep.Hops {
			if h.N == f.Hop {
				return request{jump: true, tab: tabHops, row: i}
			}
		}
		return request{status: fmt.Sprintf("hop %d is not in the report", f.Hop)}
	case f.Token != "":
		if i := tokenRow(c.rep, f.Token); i >= 0 {
			return request{jump: true, tab: tabTokens, row: i}
		}
		return request{status: "no " + f.Token + " came back"}
	}
	if strings.HasPrefix(f.Code, "connector.") {
		return request{status: "this finding is about the connector definition, not one hop or token"}
	}
	return request{status: "this finding is about the whole login, not one hop or token"}
}

// copyText is the finding's code, message and hint, secrets hidden.
func (v *findingsView) copyText(c *viewContext) (what, text string) {
	f, ok := v.selected(c)
	if !ok {
		return "", ""
	}
	f = f.Redact()
	text = f.Code + ": " + f.Message
	if f.Hint != "" {
		text += "\n" + f.Hint
	}
	return f.Code, text
}

func (v *findingsView) selected(c *viewContext) (report.Finding, bool) {
	if v.cur.sel < 0 || v.cur.sel >= len(c.rep.Findings) || len(v.order) != len(c.rep.Findings) {
		return report.Finding{}, false
	}
	return c.rep.Findings[v.order[v.cur.sel]], true
}

// findingStep is the token-endpoint round trip a finding is about (the
// engine names it in the finding's step detail), and its name.
func findingStep(r *report.Report, f report.Finding) (*report.Step, string) {
	step := f.Detail["step"]
	if step == "" && f.Code == report.CodeTokenClientAuth {
		step = "exchange"
	}
	switch {
	case step == "exchange" && r.Exchange != nil:
		return &r.Exchange.Step, "the code exchange"
	case step == "refresh" && r.Refresh != nil:
		return &r.Refresh.Step, "the refresh grant"
	}
	if step == "call" {
		for i, c := range r.Calls {
			if fmt.Sprint(c.N) == f.Detail["call"] {
				return &r.Calls[i].Step, "the API call"
			}
		}
	}
	return nil, ""
}

// bodyLines is how much of a token endpoint's body the detail shows.
const bodyLines = 6

// stepLines are a token-endpoint round trip as a person checks it: where
// it went, what came back, and the start of the body.
func stepLines(st styles, s report.Step, w int) []string {
	row := func(name, val string) []string {
		var out []string
		for i, l := range wrapWords(val, max(w-labelW-2, 8)) {
			label := ""
			if i == 0 {
				label = st.key.Render(name)
			}
			out = append(out, "  "+fit(label, labelW)+l)
		}
		return out
	}
	lines := row("url", report.Printable(s.Request.Method+" "+report.RedactURL(s.Request.URL)))
	if s.Error != "" {
		lines = append(lines, row("error", errText(s.Error))...)
	}
	resp := s.Response
	if resp == nil {
		return lines
	}
	lines = append(lines, row("status", fmt.Sprint(resp.Status))...)
	lines = append(lines, row("content type", report.ContentTypeOr(resp.ContentType))...)
	if resp.Body != "" {
		start := []rune(strings.Join(strings.Fields(resp.Body), " "))
		start = start[:min(len(start), (bodyLines+1)*w)]
		body := wrapMarked(errText(string(start)), 0, 0, max(w-4, 8), lipglossPlain, lipglossPlain)
		lines = append(lines, "  "+st.key.Render("body starts"))
		if len(body) > bodyLines {
			body = append(body[:bodyLines], st.faint.Render(fmt.Sprintf("… %d characters in all (e: export the report for the whole body)", len(resp.Body))))
		}
		for _, l := range body {
			lines = append(lines, "    "+l)
		}
	}
	return lines
}
