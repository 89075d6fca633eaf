package ui

import (
	"fmt"
	"slices"

	"github.com/authtrace/authtrace/report"
)

// findingsView lists every finding with its severity and shows the selected
// one's message, hint and detail; enter jumps to its hop or token.
type findingsView struct {
	pane
}

func (v *findingsView) set(c *viewContext) {
	st := c.st
	fs := c.rep.Findings
	listW, listH, _, _ := c.panes(len(fs))
	v.cur.setLen(len(fs), listH-1)
	v.title = st.faint.Render(fit("   code                      where   message", listW))
	v.plain, v.rows = v.plain[:0], v.rows[:0]
	for _, f := range fs {
		f = f.Redact()
		sevSt, sym := st.severity(f.Severity)
		rest := fmt.Sprintf(" %-25s %-7s %s", cut(f.Code, 25), cut(f.Where(), 7), report.Printable(f.Message))
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
		if c.state == stateDone {
			msg = "no findings: the login looks healthy"
		}
		v.lines = append(v.lines, st.faint.Render(msg))
		v.doff = 0
		return
	}
	f = f.Redact()
	sevSt, _ := st.severity(f.Severity)
	v.lines = append(v.lines, st.paneTitle.Render(cut(f.Code, detailW/2))+"  "+sevSt.Render(string(f.Severity))+st.faint.Render(" · "+report.Printable(f.Where())))
	v.lines = append(v.lines, wrapWords(f.Message, detailW-1)...)
	if f.Hint != "" {
		v.lines = append(v.lines, "", st.bold.Render("what to change"))
		for _, l := range wrapWords(f.Hint, detailW-2) {
			v.lines = append(v.lines, "  "+l)
		}
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
	case f.Token != "":
		v.lines = append(v.lines, "", st.faint.Render(cut(keyName(c.keys.Enter)+": go to the "+f.Token, detailW)))
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
		// The login's tokens come first in the tokens list, pasted ones
		// after them.
		for i, t := range c.rep.Tokens {
			if t.Kind == f.Token {
				return request{jump: true, tab: tabTokens, row: i}
			}
		}
		return request{status: "no " + f.Token + " came back"}
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
	if v.cur.sel < 0 || v.cur.sel >= len(c.rep.Findings) {
		return report.Finding{}, false
	}
	return c.rep.Findings[v.cur.sel], true
}
