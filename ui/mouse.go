package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// Where a mouse event lands: the body starts under the header and the tab
// bar, and splits into the list and the detail the way body draws them.

type paneKind int

const (
	paneNone paneKind = iota
	paneTabs
	paneList
	paneDetail
)

// bodyTop is the screen row the body starts on.
const bodyTop = headerRows + 1

// at says which pane the cell (x, y) is in, and its row in that pane.
func (m *model) at(x, y int) (paneKind, int) {
	if y == headerRows {
		return paneTabs, 0
	}
	if m.showHelp || y < bodyTop || y >= bodyTop+m.bodyHeight() {
		return paneNone, 0
	}
	row := y - bodyTop
	switch m.zoom {
	case zoomList:
		return paneList, row
	case zoomDetail:
		return paneDetail, row
	}
	l := m.layoutOf(m.tab)
	listW, listH, _, _ := l.panes(m.views[m.tab].count())
	switch {
	case l.sideBySide() && x < listW:
		return paneList, row
	case l.sideBySide():
		return paneDetail, row
	case row < listH:
		return paneList, row
	default:
		return paneDetail, row - listH
	}
}

// click selects the list row under the pointer, or the tab.
func (m *model) click(msg tea.MouseClickMsg) {
	ms := msg.Mouse()
	if ms.Button != tea.MouseLeft {
		return
	}
	kind, row := m.at(ms.X, ms.Y)
	switch kind {
	case paneTabs:
		x := 0
		for i, v := range m.views {
			x += lipgloss.Width(m.styles.tabIdle.Render(fmt.Sprintf("%s %d", tabNames[i], v.count())))
			if ms.X < x {
				m.tab = tab(i)
				return
			}
		}
	case paneList:
		v := m.views[m.tab]
		if i, ok := v.rowAt(m.ctx(), ms.X, row); ok {
			v.pick(m.ctx(), i)
		}
	}
}

// wheel scrolls the pane under the pointer: the list moves its selection,
// the detail scrolls its lines.
func (m *model) wheel(msg tea.MouseWheelMsg) {
	ms := msg.Mouse()
	d := 0
	switch ms.Button {
	case tea.MouseWheelUp:
		d = -1
	case tea.MouseWheelDown:
		d = 1
	default:
		return
	}
	switch kind, _ := m.at(ms.X, ms.Y); kind {
	case paneList:
		m.moveSel(d)
	case paneDetail:
		m.views[m.tab].scrollLines(m.ctx(), 3*d)
	}
}
