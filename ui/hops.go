package ui

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/authtrace/authtrace/report"
)

// hopsView is the timeline of hops and, beside or below it, the selected
// hop compared with what was sent (or, after enter, everything about it).
type hopsView struct {
	pane
	detail bool // enter: the hop's full URL, Location and params
	// pinned is set once the person moves the selection; until then it
	// follows the newest hop while the login runs, and lands on the first
	// hop with an error when it ends.
	pinned bool

	// A run with chains: each chain's block, each hop's lines, and the
	// width of a chain's column, side by side or not (chains.go).
	blocks   []chainBlock
	hopLines [][]chainLine
	colW     int
	side     bool
}

const labelW = 14

func (v *hopsView) set(c *viewContext) {
	hops := c.rep.Hops
	listW, listH, _, _ := c.panes(len(hops))
	v.cur.setLen(len(hops), listH-1)
	if !v.pinned {
		v.cur.jump(v.autoSelect(c), listH-1)
	}
	v.blocks, v.hopLines = v.blocks[:0], v.hopLines[:0]
	if chained(c.rep) {
		v.setChains(c)
		v.setDetail(c)
		return
	}
	worst := worstByHop(c.rep.Findings)
	st := c.st
	v.title = st.faint.Render(fit("     # from sta role host/path    (?: the tags)", listW))
	v.plain = v.plain[:0]
	v.rows = v.rows[:0]
	for _, h := range hops {
		mark, markSt := " ", st.faint
		if sev, ok := worst[h.N]; ok {
			markSt, mark = st.severity(sev)
		}
		rest := hopTags(h)
		where := report.ElidePath(h.URL, listW-3-len([]rune(rest)))
		v.plain = append(v.plain, fit(mark+" "+rest+where, listW-1))
		v.rows = append(v.rows, fit(markSt.Render(mark)+" "+rest+where, listW-1))
	}
	v.setDetail(c)
}

// setDetail rebuilds the detail pane for the selected hop only; moving the
// selection costs this and nothing else.
func (v *hopsView) setDetail(c *viewContext) {
	_, _, detailW, _ := c.panes(v.cur.n)
	h, ok := v.selected(c)
	switch {
	case !ok:
		msg := "no hops yet: the preflight trace fills this in"
		if c.state == stateFailed {
			msg = "no hops: the run stopped before anything was sent"
			if c.failure != "" {
				msg += ": " + c.failure
			}
		}
		v.lines = v.lines[:0]
		for _, l := range wrapWords(msg, detailW-1) {
			v.lines = append(v.lines, c.st.faint.Render(l))
		}
		v.doff = 0
	case v.detail:
		v.setLines(c, hopDetail(c, h, detailW))
	default:
		v.setLines(c, hopCompare(c, h, detailW))
	}
}

// draw draws the chain list instead of the plain one for a run with
// chains.
func (v *hopsView) draw(c *viewContext) (list, detail []string) {
	if !chained(c.rep) {
		return v.pane.draw(c)
	}
	_, listH, _, detailH := c.panes(v.cur.n)
	return v.drawChains(c, listH), window(c.st, v.lines, v.doff, detailH)
}

func (v *hopsView) rowAt(c *viewContext, x, r int) (int, bool) {
	if !chained(c.rep) {
		return v.pane.rowAt(c, x, r)
	}
	return v.chainRowAt(c, x, r)
}

func (v *hopsView) move(c *viewContext, d int) {
	v.pinned = true
	if v.step(c, d) {
		v.setDetail(c)
	}
}

// pick selects hop i and keeps it selected as new hops arrive.
func (v *hopsView) pick(c *viewContext, i int) {
	v.pinned = true
	v.jump(c, i)
	v.set(c)
}

// enter switches between the comparison and everything about the hop.
func (v *hopsView) enter(c *viewContext) request {
	v.detail = !v.detail
	v.set(c)
	return request{}
}

// copyText is the hop's URL, with codes and tokens in it hidden.
func (v *hopsView) copyText(c *viewContext) (what, text string) {
	h, ok := v.selected(c)
	if !ok {
		return "", ""
	}
	return fmt.Sprintf("hop %d URL", h.N), report.RedactURL(h.URL)
}

// autoSelect is the hop to show before the person chooses one: the first
// hop with an error finding, else, while the login runs, the newest hop.
func (v *hopsView) autoSelect(c *viewContext) int {
	worst := worstByHop(c.rep.Findings)
	for i, h := range c.rep.Hops {
		if worst[h.N] == report.SeverityError {
			return i
		}
	}
	if c.state == stateRunning {
		return len(c.rep.Hops) - 1
	}
	return v.cur.sel
}

func (v *hopsView) selected(c *viewContext) (report.Hop, bool) {
	if v.cur.sel < 0 || v.cur.sel >= len(c.rep.Hops) {
		return report.Hop{}, false
	}
	return c.rep.Hops[v.cur.sel], true
}

// window returns at most h lines of lines starting at off, with a marker
// on the last line when more follow.
func window(st styles, lines []string, off, h int) []string {
	if off > len(lines) {
		off = len(lines)
	}
	end := min(off+h, len(lines))
	out := lines[off:end]
	if end < len(lines) && h > 0 && len(out) > 0 {
		out = append(out[:len(out)-1:len(out)-1], st.faint.Render(fmt.Sprintf("… %d more lines (pgdn)", len(lines)-end+1)))
	}
	return out
}

// The hop list's tags for sources and roles: short, so the path gets the
// room; the help (?) spells them out, and the detail's title uses the
// words.
var (
	sourceTags = map[report.Source]string{
		report.SourceSent: "sent", report.SourcePreflight: "pre",
		report.SourceCallback: "cb", report.SourceHAR: "har",
		report.SourceBrowser: "brw",
	}
	roleTags = map[report.Role]string{
		report.RoleAuthorize: "auth", report.RoleProvider: "prov", report.RoleCallback: "cb",
		report.RoleErrorPage: "err", report.RoleOther: "-",
	}
)

// hopSourceTag is h's source tag, with "!" for a browser hop the
// preflight did not see.
func hopSourceTag(h report.Hop) string {
	if h.BrowserOnly {
		return sourceTag(h.Source) + "!"
	}
	return sourceTag(h.Source)
}

func sourceTag(s report.Source) string {
	if t, ok := sourceTags[s]; ok {
		return t
	}
	return cut(string(s), 4)
}

func roleTag(r report.Role) string {
	if t, ok := roleTags[r]; ok {
		return t
	}
	return cut(string(r), 4)
}

// tagLegend is the help's key to the hop list's tags.
func tagLegend() []string {
	return []string{
		"hops  from  sent: as built · pre: preflight · cb: callback · har: HAR file · brw: browser (brw!: only it)",
		"      role  auth: authorize · prov: provider · cb: callback · err: error page",
	}
}

// worstByHop maps each hop number to the most severe finding about it.
func worstByHop(fs []report.Finding) map[int]report.Severity {
	out := map[int]report.Severity{}
	for _, f := range fs {
		if f.Hop == 0 {
			continue
		}
		if f.Severity.Rank() > out[f.Hop].Rank() {
			out[f.Hop] = f.Severity
		}
	}
	return out
}

// sentValues are the parameters authtrace sent: the sent hop's, or, before
// it arrives, the profile's.
func sentValues(r report.Report) map[string]string {
	for _, h := range r.Hops {
		if h.Source == report.SourceSent && len(h.Params) > 0 {
			return h.Params
		}
	}
	p := r.Profile
	out := map[string]string{
		"state":         p.State,
		"redirect_uri":  p.RedirectURI,
		"client_id":     p.ClientID,
		"scope":         p.Scope,
		"response_type": "code",
	}
	for k, v := range p.Params {
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	return out
}

// compareRows names the parameters a hop is compared on, in order: the
// fixed set, then any other parameter a finding about the hop names (an
// organization added on the way).
func compareRows(sent, here map[string]string, h report.Hop, fs []report.Finding) []string {
	aud := "audience"
	if sent["audience"] == "" && here["audience"] == "" && (sent["resource"] != "" || here["resource"] != "") {
		aud = "resource"
	}
	rows := []string{"state", "redirect_uri", "client_id", "scope", aud, "response_type"}
	if h.Role == report.RoleCallback {
		// The callback carries the provider's answer, not the request.
		rows = []string{"state", "code", "error", "error_description"}
	}
	for _, f := range fs {
		if name := f.Detail["name"]; f.Hop == h.N && name != "" && !slices.Contains(rows, name) {
			rows = append(rows, name)
		}
	}
	return rows
}

// verdictMark is how a verdict is drawn beside the values.
type verdictMark int

const (
	markPlain   verdictMark = iota // nothing to flag: faint
	markOK                         // the value arrived as it should: ✓
	markFlagged                    // the severity's symbol and colour
)

// verdict says what a hop did to one parameter: from the finding about it
// when there is one (with its kind), else from the values.
func verdict(fs []report.Finding, h report.Hop, name, sent, here string) (string, report.Severity, verdictMark) {
	for _, f := range fs {
		if f.Hop != h.N {
			continue
		}
		switch {
		case name == "state" && f.Code == report.CodeStateChanged,
			name == "redirect_uri" && f.Code == report.CodeRedirectURIChanged:
			return f.Detail["kind"], f.Severity, markFlagged
		case name == "state" && f.Code == report.CodeStateMissing:
			return "missing", f.Severity, markFlagged
		case name == "redirect_uri" && f.Code == report.CodeRedirectURIRejected:
			return "rejected", f.Severity, markFlagged
		case f.Detail["name"] == name && f.Code == report.CodeParamDropped:
			return "dropped", f.Severity, markFlagged
		case f.Detail["name"] == name && f.Code == report.CodeParamChanged:
			return "changed", f.Severity, markFlagged
		case f.Detail["name"] == name && f.Code == report.CodeParamAdded:
			return "added", f.Severity, markFlagged
		}
	}
	switch {
	case h.Source == report.SourceSent:
		return "sent", "", markPlain
	case name == "code" && here != "":
		return "received", "", markOK
	case (name == "error" || name == "error_description") && here != "":
		return "provider's answer", report.SeverityError, markFlagged
	case sent == here:
		return "same", "", markOK
	case here == "":
		return "not here", "", markPlain
	case h.Role == report.RoleProvider && name == "state":
		return "provider's own", "", markPlain
	default:
		return "differs", report.SeverityInfo, markFlagged
	}
}

func hopCompare(c *viewContext, h report.Hop, w int) []string {
	st := c.st
	lines := []string{hopTitle(st, h, w)}
	sent := sentValues(chainOf(*c.rep, h))
	here := h.Params
	verdictW := 16
	if w >= 90 {
		verdictW = 22
	}
	cw := max((w-labelW-verdictW-4)/2, 6)
	lines = append(lines, st.faint.Render(fit("", labelW)+fit("sent", cw)+"  "+fit("at this hop", cw)+"  "+"verdict"))
	for _, name := range compareRows(sent, here, h, c.rep.Findings) {
		s, g := sent[name], here[name]
		if s == "" && g == "" && name != "state" && name != "redirect_uri" {
			continue
		}
		if name == "code" {
			s = ""
		}
		if name == "code" && g != "" {
			g = "(present)" // the value is a secret, and it is not compared
		}
		var sc, gc []string
		if s != "" && g != "" && s != g {
			lo, hiS, hiG := diffRange(s, g)
			sc = wrapMarked(s, lo, hiS, cw, st.faint, st.diffRemoved)
			gc = wrapMarked(g, lo, hiG, cw, lipglossPlain, st.diffAdded)
		} else {
			// Equal or absent values need no close reading: one line.
			sc = []string{valueCell(s, cw, st.faint, st)}
			gc = []string{valueCell(g, cw, lipglossPlain, st)}
		}
		text, sev, kind := verdict(c.rep.Findings, h, name, s, g)
		vc := wrapWords(text, verdictW-2)
		var mark string
		switch {
		case kind == markFlagged:
			sevSt, sym := st.severity(sev)
			mark = sevSt.Render(sym)
			for i := range vc {
				vc[i] = sevSt.Render(vc[i])
			}
		case kind == markOK:
			mark = st.ok.Render("✓")
		default:
			mark = " "
			for i := range vc {
				vc[i] = st.faint.Render(vc[i])
			}
		}
		n := max(len(sc), len(gc), len(vc))
		for i := range n {
			label := ""
			if i == 0 {
				label = st.key.Render(cut(name, labelW-1))
			}
			vm := "  "
			if i == 0 {
				vm = mark + " "
			}
			lines = append(lines, fit(label, labelW)+fit(at(sc, i), cw)+"  "+fit(at(gc, i), cw)+"  "+vm+at(vc, i))
		}
	}
	lines = append(lines, hopNotes(c, h, w)...)
	if c.wide() {
		// There is room: show the request itself too.
		lines = append(lines, "")
		lines = append(lines, requestLines(st, h, w)...)
	} else {
		lines = append(lines, "", st.faint.Render(keyName(c.keys.Enter)+": full URL, Location and parameters"))
	}
	return lines
}

// requestLines are the hop's URL and Location, wrapped in full.
func requestLines(st styles, h report.Hop, w int) []string {
	var lines []string
	// Codes and tokens in a URL stay hidden, as in the report: the screen
	// may be shared with whoever helps debug.
	for _, f := range []struct{ name, val string }{{"url", report.RedactURL(h.URL)}, {"location", report.RedactURL(h.Location)}} {
		if f.val == "" {
			continue
		}
		lines = append(lines, st.key.Render(f.name))
		for _, l := range wrapMarked(f.val, 0, 0, w-2, lipglossPlain, lipglossPlain) {
			lines = append(lines, "  "+l)
		}
	}
	return lines
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

func valueCell(v string, w int, base lipglossStyle, st styles) string {
	if v == "" {
		return st.faint.Render("—")
	}
	return base.Render(cutValue(v, w))
}

// cutValue shortens a compared value to w cells. A URL keeps its scheme,
// host and port whole when they fit, and then its end: "http://127.0.0.1:
// 35317/callback" must not read as port 5317. Other values keep both ends.
func cutValue(v string, w int) string {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || len([]rune(v)) <= w {
		return cutMiddle(v, w)
	}
	origin := u.Scheme + "://" + u.Host
	rest := []rune(strings.TrimPrefix(v, origin))
	if room := w - len([]rune(origin)) - 1; room >= 4 {
		return report.Printable(origin) + "…" + report.Printable(string(rest[len(rest)-room:]))
	}
	// Narrower: the host and port, then whatever of the end fits; then
	// the end of the host with the whole port.
	host := []rune(report.Printable(u.Host))
	if room := w - len(host) - 1; room >= 3 {
		return string(host) + "…" + report.Printable(string(rest[max(len(rest)-room, 0):]))
	}
	if len(host) > w-1 && w >= len(u.Port())+3 {
		return "…" + string(host[len(host)-(w-1):])
	}
	return cutMiddle(v, w)
}

func hopTitle(st styles, h report.Hop, w int) string {
	parts := []string{fmt.Sprintf("hop %d", h.N), string(h.Source), h.Method}
	if h.Status > 0 {
		parts = append(parts, fmt.Sprintf("%d", h.Status))
	}
	parts = append(parts, h.Role.Label())
	if h.Chain != "" {
		parts = append(parts, report.Printable(h.Chain)+" chain")
	}
	return st.paneTitle.Render(cut(strings.Join(parts, " · "), w))
}

// hopNotes are the lines under a comparison: the findings about the hop,
// the error page's words, the request error.
func hopNotes(c *viewContext, h report.Hop, w int) []string {
	st := c.st
	var lines []string
	if h.Error != "" {
		lines = append(lines, "")
		for _, l := range wrapWords("request failed: "+errText(h.Error), w-2) {
			lines = append(lines, st.errorSev.Render(l))
		}
	}
	if h.Page != "" {
		lines = append(lines, "", st.key.Render("page says:"))
		for _, l := range wrapWords(errText(h.Page), w-2) {
			lines = append(lines, "  "+l)
		}
	}
	for _, f := range c.rep.Findings {
		if f.Hop != h.N {
			continue
		}
		lines = append(lines, "")
		lines = append(lines, findingLines(st, f, w)...)
	}
	return lines
}

// findingLines draws a finding: its mark, code and message, then its hint.
func findingLines(st styles, f report.Finding, w int) []string {
	f = f.Redact()
	sevSt, sym := st.severity(f.Severity)
	var lines []string
	for i, l := range wrapWords(f.Code+": "+report.Untick(f.Message), w-2) {
		if i == 0 {
			lines = append(lines, sevSt.Render(sym)+" "+l)
			continue
		}
		lines = append(lines, "  "+l)
	}
	if f.Hint != "" {
		for _, l := range wrapWords("→ "+report.Untick(f.Hint), w-2) {
			lines = append(lines, "  "+st.faint.Render(l))
		}
	}
	return lines
}

func hopDetail(c *viewContext, h report.Hop, w int) []string {
	st := c.st
	lines := []string{hopTitle(st, h, w)}
	lines = append(lines, requestLines(st, h, w)...)
	if !h.At.IsZero() {
		lines = append(lines, st.key.Render("at"), "  "+h.At.UTC().Format("2006-01-02 15:04:05.000 UTC"))
	}
	if h.BrowserOnly {
		lines = append(lines, "  "+st.faint.Render("only the browser saw it (not the preflight)"))
	}
	if len(h.Fields) > 0 {
		// Names only: a capture never keeps a login post's values.
		lines = append(lines, st.key.Render("form fields"))
		for _, l := range wrapWords(report.Printable(strings.Join(h.Fields, " ")), w-2) {
			lines = append(lines, "  "+l)
		}
	}
	if len(h.Params) > 0 {
		lines = append(lines, st.key.Render("params"))
		names := make([]string, 0, len(h.Params))
		for k := range h.Params {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			v := h.Params[k]
			if k == "code" && v != "" {
				v = "(present)"
			}
			for i, l := range wrapMarked(v, 0, 0, max(w-labelW-4, 8), lipglossPlain, lipglossPlain) {
				label := ""
				if i == 0 {
					label = cut(k, labelW+1)
				}
				lines = append(lines, "  "+fit(label, labelW+2)+l)
			}
		}
	}
	lines = append(lines, hopNotes(c, h, w)...)
	lines = append(lines, "", st.faint.Render(keyName(c.keys.Enter)+": back to the comparison"))
	return lines
}
