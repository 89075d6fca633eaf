package ui

// cursor is the selection and scroll window of a list of n rows shown
// height rows at a time. Views keep one per list and move it in Update, so
// View only slices the rows that are visible.
type cursor struct {
	sel, off, n int
}

// setLen changes the number of rows, keeping the selection inside them.
func (c *cursor) setLen(n, height int) {
	c.n = n
	c.clamp(height)
}

// move moves the selection by d rows and scrolls to keep it visible.
func (c *cursor) move(d, height int) {
	c.sel += d
	c.clamp(height)
}

// jump selects row i.
func (c *cursor) jump(i, height int) {
	c.sel = i
	c.clamp(height)
}

func (c *cursor) clamp(height int) {
	if c.sel >= c.n {
		c.sel = c.n - 1
	}
	if c.sel < 0 {
		c.sel = 0
	}
	if height < 1 {
		height = 1
	}
	if c.sel < c.off {
		c.off = c.sel
	}
	if c.sel >= c.off+height {
		c.off = c.sel - height + 1
	}
	if max := c.n - height; c.off > max {
		c.off = max
	}
	if c.off < 0 {
		c.off = 0
	}
}

// window returns the half-open range of rows to draw in height rows.
func (c cursor) window(height int) (lo, hi int) {
	lo = c.off
	hi = lo + height
	if hi > c.n {
		hi = c.n
	}
	if lo > hi {
		lo = hi
	}
	return lo, hi
}

// listLines draws a list's title and its visible rows, the selected one
// with a ▸ in front (so it shows without colour too) and highlighted.
func listLines(st styles, title string, plain, rows []string, c cursor, height int) []string {
	out := make([]string, 0, height)
	out = append(out, title)
	lo, hi := c.window(height - 1)
	for i := lo; i < hi; i++ {
		if i == c.sel {
			out = append(out, st.selected.Render("▸"+plain[i]))
			continue
		}
		out = append(out, " "+rows[i])
	}
	return out
}

// pane is the list-and-detail mechanics the hops, tokens and findings views
// share: the list's title, rows and cursor, and the selected row's detail
// lines with their scroll offset. Each view embeds one, fills it in its own
// set and setDetail, and gets count, scroll and draw of the view interface
// from it.
type pane struct {
	cur   cursor
	title string
	plain []string // one row per item, unstyled, for the selected row
	rows  []string // the same rows styled
	lines []string // the selected item's detail
	doff  int      // the first detail line shown
}

func (p *pane) count() int { return p.cur.n }

// step moves the selection by d rows and reports whether it changed; when
// it did, the detail goes back to its top and the caller rebuilds it.
func (p *pane) step(c *viewContext, d int) bool {
	_, listH, _, _ := c.panes(p.cur.n)
	old := p.cur.sel
	p.cur.move(d, listH-1)
	if p.cur.sel == old {
		return false
	}
	p.doff = 0
	return true
}

// jump selects row i.
func (p *pane) jump(c *viewContext, i int) {
	_, listH, _, _ := c.panes(p.cur.n)
	p.cur.jump(i, listH-1)
}

// setLines sets the detail, keeping the scroll offset where it still
// shows lines.
func (p *pane) setLines(c *viewContext, lines []string) {
	_, _, _, detailH := c.panes(p.cur.n)
	p.lines = lines
	p.doff = min(p.doff, max(len(p.lines)-(detailH-1), 0))
}

// scroll scrolls the detail by d pages, shown a pane's height at a time.
func (p *pane) scroll(c *viewContext, d int) {
	_, _, _, detailH := c.panes(p.cur.n)
	page := max(detailH-2, 1) * d
	p.doff = max(min(p.doff+page, len(p.lines)-(detailH-1)), 0)
}

// scrollLines scrolls the detail by n lines.
func (p *pane) scrollLines(c *viewContext, n int) {
	_, _, _, detailH := c.panes(p.cur.n)
	p.doff = max(min(p.doff+n, len(p.lines)-(detailH-1)), 0)
}

func (p *pane) rowAt(c *viewContext, _, r int) (int, bool) {
	_, listH, _, _ := c.panes(p.cur.n)
	lo, hi := p.cur.window(listH - 1)
	i := lo + r - 1
	return i, r >= 1 && i < hi
}

// draw returns the visible rows of the list (with its title) and of the
// detail pane.
func (p *pane) draw(c *viewContext) (list, detail []string) {
	_, listH, _, detailH := c.panes(p.cur.n)
	return listLines(c.st, p.title, p.plain, p.rows, p.cur, listH), window(c.st, p.lines, p.doff, detailH)
}
