package ui

import (
	"fmt"
	"strings"

	"github.com/authtrace/authtrace/report"
)

// The hop list of a run with chains (trace --connector preflights the
// platform's redirect URI and the loopback one): each chain under a
// heading with its redirect URI and its answers, its hops with their state
// and redirect_uri verdicts. Wide terminals put the chains side by side,
// one column each; narrow ones one after the other. The selection is still
// one hop of the report, so keys, zoom and the detail pane work as for any
// hop list.

// chainColMin is the narrowest chain column drawn side by side: below it
// the headings' answers and the hops' paths are cut too short to read, so
// the chains go one after the other.
const chainColMin = 56

// Each hop's verdicts are cells of this width; a hop's path beside them
// needs at least minWhere cells, or the verdicts go on a line of their own.
const (
	verdictCellW = 12
	minWhere     = 22
)

// chained says whether the hop list is drawn chain by chain.
func chained(r *report.Report) bool { return len(r.Chains) > 0 }

// chainBlock is one chain as the list draws it: the heading's lines and
// the hops' indexes into the report.
type chainBlock struct {
	head []string
	hops []int
}

// chainLine is one line of the list: a heading's (hop -1) or a hop's.
type chainLine struct {
	plain, styled string
	hop           int
}

// chainGeom is how the list pane splits into chain columns: one column
// holding every chain when it is narrow.
func chainGeom(r *report.Report, listW int) (cols, colW int) {
	n := len(r.Chains)
	if leftover(r) {
		n++
	}
	if n > 1 && (listW-(n-1))/n >= chainColMin {
		return n, (listW - (n - 1)) / n
	}
	return 1, listW
}

// leftover says whether some hop is in none of the report's chains.
func leftover(r *report.Report) bool {
	for _, h := range r.Hops {
		if chainIndex(r, h.Chain) < 0 {
			return true
		}
	}
	return false
}

func chainIndex(r *report.Report, name string) int {
	for i, c := range r.Chains {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// headRows is how many lines a chain's heading takes: its name and
// redirect URI, then each answer on up to two lines of its own in a
// column, or both, short, on one line when the chains are stacked (80x24
// must show both chains' hops).
func headRows(side bool) int {
	if side {
		return 5
	}
	return 2
}

// hopRows is how many lines a hop takes in a column w cells wide: its
// verdicts beside its path, or under it when the path would be too short.
func hopRows(w int) int {
	if whereWidth(w, 19) >= minWhere {
		return 1
	}
	return 2
}

// whereWidth is the room for a hop's path on a line that also holds its
// verdicts, in a column w cells wide, after the tags (restW cells).
func whereWidth(w, restW int) int {
	return w - 1 - 2 - restW - 1 - (2*verdictCellW + 2)
}

// chainListRows is the rows the chain list needs in a terminal w cells
// wide, its title rows included.
func chainListRows(r *report.Report, w int) int {
	cols, colW := chainGeom(r, w)
	per := hopRows(colW)
	if cols > 1 {
		most := 0
		for _, c := range r.Chains {
			most = max(most, len(r.Chain(c.Name).Hops))
		}
		return headRows(true) + 1 + most*per
	}
	blocks := len(r.Chains)
	if leftover(r) {
		blocks++
	}
	return 1 + blocks*headRows(false) + len(r.Hops)*per
}

// setChains builds the chain list: the blocks, and each hop's lines.
func (v *hopsView) setChains(c *viewContext) {
	st := c.st
	r := c.rep
	listW, _, _, _ := c.panes(len(r.Hops))
	cols, colW := chainGeom(r, listW)
	side := cols > 1
	v.colW, v.side = colW, side
	v.blocks = v.blocks[:0]
	byName := map[string]int{}
	for _, cr := range r.ByChain() {
		byName[cr.Name] = len(v.blocks)
		v.blocks = append(v.blocks, chainBlock{head: chainHead(st, cr, colW, side)})
	}
	for i, h := range r.Hops {
		b, ok := byName[h.Chain]
		if !ok {
			// A hop the engine put in no chain still shows, under a
			// heading of its own.
			if _, seen := byName["\x00"]; !seen {
				byName["\x00"] = len(v.blocks)
				head := make([]string, headRows(side))
				head[0] = " " + st.bold.Render("not in a chain")
				v.blocks = append(v.blocks, chainBlock{head: head})
			}
			b = byName["\x00"]
		}
		v.blocks[b].hops = append(v.blocks[b].hops, i)
	}
	worst := worstByHop(r.Findings)
	v.hopLines = v.hopLines[:0]
	for _, h := range r.Hops {
		v.hopLines = append(v.hopLines, chainHopLines(st, r, h, worst, colW))
	}
	rest := 19
	title := "     # from sta role host/path"
	if hopRows(colW) == 1 {
		title = fit(title, 3+rest+whereWidth(colW, rest)) + " " + fit("state", verdictCellW) + "  redirect_uri"
	} else {
		title += "    (verdicts under each hop)"
	}
	v.title = st.faint.Render(fit(title, colW))
}

// chainHead is a chain's heading: its name and redirect URI, and its
// answers, in full on a line each in a column, or short on one line. Its
// lines are a cell narrower than the column, as the hops' are: the list
// puts the selection's ▸ in front of each.
func chainHead(st styles, cr report.ChainReport, w int, side bool) []string {
	w--
	name := " " + st.bold.Render(report.Printable(cr.Name))
	uriW := w - visibleWidth(name) - 3
	head := []string{fit(name+st.faint.Render(" · ")+st.url.Render(cutValue(cr.RedirectURI, uriW)), w)}
	mark := func(a report.Answer) string { return answerMark(st, a.Verdict) }
	a := cr.Answers
	if side {
		room := w - 18
		for _, q := range []struct {
			name string
			a    report.Answer
		}{{"redirect_uri", a.RedirectURI}, {"state", a.State}} {
			text := wrapWords(q.a.Text, room)
			head = append(head, fit("   "+st.key.Render(fmt.Sprintf("%-12s", q.name))+" "+mark(q.a)+" "+text[0], w))
			second := ""
			if len(text) > 1 {
				second = strings.Repeat(" ", 18) + cut(strings.Join(text[1:], " "), room)
			}
			head = append(head, fit(second, w))
		}
		return head
	}
	line := "   " + st.key.Render("redirect_uri") + " " + mark(a.RedirectURI) + " " + a.RedirectURI.Short() +
		st.faint.Render(" · ") + st.key.Render("state") + " " + mark(a.State) + " " + a.State.Short()
	return append(head, fit(line, w))
}

// chainHopLines are a hop's lines in a chain column w cells wide, plain
// (for the selected row) and styled: its tags and path, and its state and
// redirect_uri compared with what its chain sent.
func chainHopLines(st styles, r *report.Report, h report.Hop, worst map[int]report.Severity, w int) []chainLine {
	mark, markSt := " ", st.faint
	if sev, ok := worst[h.N]; ok {
		markSt, mark = st.severity(sev)
	}
	rest := hopTags(h)
	sent := sentValues(chainOf(*r, h))
	var cellsPlain, cellsStyled []string
	for _, name := range []string{"state", "redirect_uri"} {
		text, sev, kind := verdict(r.Findings, h, name, sent[name], h.Params[name])
		sym, symSt := " ", st.faint
		switch kind {
		case markFlagged:
			symSt, sym = st.severity(sev)
		case markOK:
			sym, symSt = "✓", st.ok
		}
		cell := cut(text, verdictCellW-2)
		cellsPlain = append(cellsPlain, fit(sym+" "+cell, verdictCellW))
		cellsStyled = append(cellsStyled, fit(symSt.Render(sym)+" "+st.faint.Render(cell), verdictCellW))
	}
	lead := func(s lipglossStyle) string { return s.Render(mark) + " " + rest }
	if ww := whereWidth(w, len([]rune(rest))); hopRows(w) == 1 && ww >= minWhere {
		where := fit(report.ElidePath(h.URL, ww), ww)
		return []chainLine{{
			plain:  fit(mark+" "+rest+where+" "+strings.Join(cellsPlain, "  "), w-1),
			styled: fit(lead(markSt)+where+" "+strings.Join(cellsStyled, "  "), w-1),
			hop:    h.N,
		}}
	}
	where := report.ElidePath(h.URL, w-3-len([]rune(rest)))
	pad := strings.Repeat(" ", 7) // under the source tag
	return []chainLine{
		{plain: fit(mark+" "+rest+where, w-1), styled: fit(lead(markSt)+where, w-1), hop: h.N},
		{
			plain:  fit(pad+"state "+cellsPlain[0]+" redirect_uri "+cellsPlain[1], w-1),
			styled: fit(pad+st.faint.Render("state ")+cellsStyled[0]+st.faint.Render(" redirect_uri ")+cellsStyled[1], w-1),
			hop:    h.N,
		},
	}
}

// hopTags are a hop's number, source, status and role as the list shows
// them, and its method when it is not GET.
func hopTags(h report.Hop) string {
	status := "   "
	switch {
	case h.Error != "":
		status = "ERR"
	case h.Status > 0:
		status = fmt.Sprintf("%3d", h.Status)
	}
	rest := fmt.Sprintf(" %3d %-4s %s %-4s ", h.N, hopSourceTag(h), status, roleTag(h.Role))
	// GET is the rule; another method is worth the cells it takes.
	if m := report.Printable(h.Method); m != "" && m != "GET" {
		rest += cut(m, 6) + " "
	}
	return rest
}

// chainOf is the report cut down to h's chain, for what h is compared
// with: the authorize request of its own chain.
func chainOf(r report.Report, h report.Hop) report.Report {
	if h.Chain == "" || !chained(&r) {
		return r
	}
	return r.Chain(h.Chain)
}

// chainCell is one column of the chain list as drawn: its lines, and the
// hop index each shows (-1 for a heading or a title).
type chainCell struct {
	lines []string
	hops  []int
}

// chainColumns draws the chain list in h rows: one column per chain side
// by side, else one column of every chain. Each column keeps what does
// not scroll (a column's heading and title, or the stacked list's title)
// on top and scrolls the rest so the selected hop shows, from its chain's
// heading when that fits.
func (v *hopsView) chainColumns(c *viewContext, h int) []chainCell {
	sel := v.cur.sel
	if v.side {
		out := make([]chainCell, 0, len(v.blocks))
		for _, b := range v.blocks {
			var fixed []string
			for _, l := range b.head {
				fixed = append(fixed, " "+l)
			}
			fixed = append(fixed, v.title)
			out = append(out, v.scrollColumn(c, fixed, nil, b, h, sel))
		}
		return out
	}
	return []chainCell{v.scrollColumn(c, []string{v.title}, v.blocks, chainBlock{}, h, sel)}
}

// scrollColumn lays out one column: fixed lines on top, then either the
// blocks with their headings (stacked) or one block's hops (a column of
// its own), windowed to h rows around the selected hop sel.
func (v *hopsView) scrollColumn(c *viewContext, fixed []string, blocks []chainBlock, one chainBlock, h, sel int) chainCell {
	var body []chainLine
	anchor := map[int]int{} // hop index -> the line its block starts on
	add := func(b chainBlock, heading bool) {
		start := len(body)
		if heading {
			for _, l := range b.head {
				body = append(body, chainLine{plain: l, styled: l, hop: -1})
			}
		}
		for _, i := range b.hops {
			anchor[i] = start
			for _, l := range v.hopLines[i] {
				body = append(body, chainLine{plain: l.plain, styled: l.styled, hop: i})
			}
		}
	}
	if blocks != nil {
		for _, b := range blocks {
			add(b, true)
		}
	} else {
		add(one, false)
	}
	rows := max(h-len(fixed), 0)
	first, last := -1, -1
	for j, l := range body {
		if l.hop == sel {
			if first < 0 {
				first = j
			}
			last = j
		}
	}
	off := 0
	if first >= 0 {
		off = anchor[sel]
		if last-off >= rows {
			off = last - rows + 1
		}
	}
	off = max(min(off, len(body)-rows), 0)
	cell := chainCell{}
	for _, l := range fixed {
		cell.lines = append(cell.lines, l)
		cell.hops = append(cell.hops, -1)
	}
	for j := off; j < min(off+rows, len(body)); j++ {
		l := body[j]
		switch {
		case l.hop >= 0 && l.hop == sel && j > 0 && body[j-1].hop == sel:
			// A hop's second line: highlighted, without a second ▸.
			cell.lines = append(cell.lines, c.st.selected.Render(" "+l.plain))
		case l.hop >= 0 && l.hop == sel:
			cell.lines = append(cell.lines, c.st.selected.Render("▸"+l.plain))
		default:
			cell.lines = append(cell.lines, " "+l.styled)
		}
		cell.hops = append(cell.hops, l.hop)
	}
	return cell
}

// drawChains joins the chain columns into the list pane's lines.
func (v *hopsView) drawChains(c *viewContext, h int) []string {
	cells := v.chainColumns(c, h)
	if len(cells) == 1 {
		return cells[0].lines
	}
	sep := c.st.faint.Render("│")
	out := make([]string, h)
	for i := range out {
		var parts []string
		for _, cell := range cells {
			line := ""
			if i < len(cell.lines) {
				line = cell.lines[i]
			}
			parts = append(parts, fit(line, v.colW))
		}
		out[i] = strings.Join(parts, sep)
	}
	return out
}

// chainRowAt is the hop drawn at column x of row r of the list pane.
func (v *hopsView) chainRowAt(c *viewContext, x, r int) (int, bool) {
	_, listH, _, _ := c.panes(v.cur.n)
	cells := v.chainColumns(c, listH)
	col := 0
	if len(cells) > 1 {
		col = min(x/(v.colW+1), len(cells)-1)
	}
	cell := cells[col]
	if r < 0 || r >= len(cell.hops) || cell.hops[r] < 0 {
		return 0, false
	}
	return cell.hops[r], true
}
