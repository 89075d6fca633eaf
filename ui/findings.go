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

func (v *findingsView) set(m *model) {
	listW, listH, _, _ := m.panesFor(tabFindings)
	st := m.styles
	fs := m.rep.Findings
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
	v.setDetail(m)
}

func (v *findingsView) setDetail(m *model) {
	_, _, detailW, detailH := m.panesFor(tabFindings)
	st := m.styles
	f, ok := v.selected(m)
	v.lines = v.lines[:0]
	if !ok {
		msg := "no findings yet"
		if m.state == stateDone {
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
		v.lines = append(v.lines, "", st.faint.Render(fmt.Sprintf("enter: go to hop %d", f.Hop)))
	case f.Token != "":
		v.lines = append(v.lines, "", st.faint.Render(cut("enter: go to the "+f.Token, detailW)))
	}
	v.doff = min(v.doff, max(len(v.lines)-(detailH-1), 0))
}

func (v *findingsView) move(d, height int, m *model) {
	if v.step(d, height) {
		v.setDetail(m)
	}
}

func (v findingsView) selected(m *model) (report.Finding, bool) {
	if v.cur.sel < 0 || v.cur.sel >= len(m.rep.Findings) {
		return report.Finding{}, false
	}
	return m.rep.Findings[v.cur.sel], true
}
