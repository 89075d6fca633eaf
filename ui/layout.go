package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
)

// Layout: the header, a tab bar and the footer take fixed rows; the body
// gets the rest. Wide terminals put a list and its detail side by side,
// narrow ones stack them.
const (
	headerRows = 3
	wideWidth  = 120
)

func (m model) wide() bool { return m.width >= wideWidth }

func (m model) bodyHeight() int {
	return max(m.height-headerRows-2, 3)
}

// panes returns the sizes of the list pane and the detail pane (each
// including its title row).
func (m model) panes() (listW, listH, detailW, detailH int) {
	return m.panesFor(m.tab)
}

// panesFor sizes the panes of view t. Stacked, the list takes the rows it
// needs up to two fifths of the body, and the detail the rest.
func (m model) panesFor(t tab) (listW, listH, detailW, detailH int) {
	h := m.bodyHeight()
	if m.wide() {
		listW = min(max(m.width*2/5, 50), 72)
		return listW, h, m.width - listW - 1, h
	}
	listH = min(max(m.rowCount(t)+1, 3), max(h*2/5, 3))
	return m.width, listH, m.width, h - listH
}

func (m model) rowCount(t tab) int {
	switch t {
	case tabHops:
		return len(m.rep.Hops)
	case tabTokens:
		return len(m.rep.Tokens) + len(m.tokens.pasted)
	default:
		return len(m.rep.Findings)
	}
}

func (m model) tabBar() string {
	counts := [tabCount]int{len(m.rep.Hops), len(m.tokens.all(&m)), len(m.rep.Findings)}
	var b strings.Builder
	for i := range tabCount {
		label := fmt.Sprintf("%s %d", tabNames[i], counts[i])
		if i == m.tab {
			b.WriteString(m.styles.tabActive.Render(label))
		} else {
			b.WriteString(m.styles.tabIdle.Render(label))
		}
	}
	left := b.String()
	if m.status == "" {
		return fit(left, m.width)
	}
	rest := m.width - lipgloss.Width(left) - 2
	return fit(left+"  "+m.styles.status.Render(cut(m.status, rest)), m.width)
}

func (m model) body() string {
	listW, listH, detailW, detailH := m.panes()
	var list, detail []string
	switch m.tab {
	case tabHops:
		list, detail = m.hops.view(m.styles, listW, listH, detailH)
	case tabTokens:
		list, detail = m.tokens.view(m.styles, listW, listH, detailH)
	case tabFindings:
		list, detail = m.findings.view(m.styles, listW, listH, detailH)
	}
	list = padLines(list, listW, listH)
	detail = padLines(detail, detailW, detailH)
	if m.wide() {
		lines := make([]string, listH)
		sep := m.styles.faint.Render("│")
		for i := range lines {
			lines[i] = list[i] + sep + detail[i]
		}
		return strings.Join(lines, "\n")
	}
	return strings.Join(append(list, detail...), "\n")
}

// padLines makes exactly h lines of exactly w cells.
func padLines(lines []string, w, h int) []string {
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = fit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", w)
		}
	}
	return out
}

func (m model) fullHelp() string {
	// One group under another: side by side they do not fit 80 columns.
	var lines []string
	for i, g := range m.keys.FullHelp() {
		if i > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, strings.Split(m.help.FullHelpView([][]key.Binding{g}), "\n")...)
	}
	return strings.Join(padLines(lines, m.width, m.bodyHeight()), "\n")
}

func (m model) footer() string {
	return fit(m.help.View(m.keys), m.width)
}
