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
	// The size the screen is drawn at until the terminal says its own.
	defaultWidth, defaultHeight = 80, 24
)

// layout is the terminal's size, and how it splits into panes.
type layout struct {
	width, height int
	zoom          zoom
	// stack keeps the list above the detail even when wide: the findings
	// list's rows are sentences, which need the whole width, and a run's
	// chains are columns of their own.
	stack bool
	// listRows, when set, is the rows the list needs (its title
	// included) when they are not one per item: the hop list's chains
	// with their headings.
	listRows int
}

// layoutOf is the layout tab t is drawn in.
func (m *model) layoutOf(t tab) layout {
	l := m.layout
	l.stack = t == tabFindings
	if t == tabHops && chained(&m.shown) {
		l.stack = true
		l.listRows = chainListRows(&m.shown, l.width)
	}
	return l
}

// sideBySide says whether the list and the detail are drawn side by side.
func (l layout) sideBySide() bool { return l.wide() && !l.stack }

// zoom is which pane the body shows: both, or one of them at full size
// (key z cycles), so a long path or a long finding can be read whole.
type zoom int

const (
	zoomNone   zoom = iota // list and detail
	zoomList               // the list alone
	zoomDetail             // the detail alone
	zoomCount
)

func (l layout) wide() bool { return l.width >= wideWidth }

func (l layout) bodyHeight() int {
	return max(l.height-headerRows-2, 3)
}

// panes sizes the list pane and the detail pane (each including its title
// row) of a view whose list has n rows. Stacked, the list takes the rows it
// needs up to two fifths of the body, and the detail the rest.
func (l layout) panes(n int) (listW, listH, detailW, detailH int) {
	h := l.bodyHeight()
	if l.zoom != zoomNone {
		// One pane has the whole body; the other is sized the same so
		// that its rows and lines are ready when the zoom ends.
		return l.width, h, l.width, h
	}
	if l.sideBySide() {
		listW = min(max(l.width*2/5, 50), 72)
		return listW, h, l.width - listW - 1, h
	}
	listH = min(max(n+1, 3), max(h*2/5, 3))
	if l.listRows > 0 {
		// Two chains' headings and hops: up to half the body, so both
		// show whole at 80x24.
		listH = min(max(l.listRows, 3), max(h/2, 3))
	}
	return l.width, listH, l.width, h - listH
}

func (m model) tabBar() string {
	var b strings.Builder
	for i, v := range m.views {
		label := fmt.Sprintf("%s %d", tabNames[i], v.count())
		if tab(i) == m.tab {
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

// body is the current view's list and detail, side by side or stacked.
func (m model) body() string {
	v := m.views[m.tab]
	l := m.layoutOf(m.tab)
	listW, listH, detailW, detailH := l.panes(v.count())
	list, detail := v.draw(m.ctx())
	list = padLines(list, listW, listH)
	detail = padLines(detail, detailW, detailH)
	switch m.zoom {
	case zoomList:
		return strings.Join(list, "\n")
	case zoomDetail:
		return strings.Join(detail, "\n")
	}
	if l.sideBySide() {
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
	// Moving and acting side by side, the rest under them, and the key to
	// the hop list's tags: all three groups in a row do not fit 80
	// columns, one under another not 24 rows.
	g := m.keys.FullHelp()
	view := func(b []key.Binding) string { return m.help.FullHelpView([][]key.Binding{b}) }
	top := lipgloss.JoinHorizontal(lipgloss.Top, view(g[0]), "    ", view(g[1]))
	lines := strings.Split(top, "\n")
	for _, grp := range g[2:] {
		lines = append(lines, "")
		lines = append(lines, strings.Split(view(grp), "\n")...)
	}
	lines = append(lines, "")
	for _, l := range tagLegend() {
		lines = append(lines, m.styles.faint.Render(l))
	}
	return strings.Join(padLines(lines, m.width, m.bodyHeight()), "\n")
}

func (m model) footer() string {
	return fit(m.help.View(m.keys), m.width)
}
