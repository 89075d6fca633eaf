package ui

import (
	"encoding/json"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/report"
)

// tokensView lists the tokens that came back (and any pasted in) and shows
// the selected one: header and claims in token order, times in words, the
// claims that findings are about marked, the raw token only on request.
type tokensView struct {
	pane
	raw    bool // enter: show the raw token
	pasted []pastedToken
	input  pasteInput
}

// pastedToken is a token pasted in for a quick look; it is not part of the
// login's report.
type pastedToken struct {
	tok      report.Token
	findings []report.Finding
}

type pasteInput struct {
	active bool
	ti     textinput.Model
}

// tokenEntry is one row: a token and the findings about it.
type tokenEntry struct {
	report.Token
	findings []report.Finding
	pasted   bool
}

func (v *tokensView) all(c *viewContext) []tokenEntry {
	out := make([]tokenEntry, 0, len(c.rep.Tokens)+len(v.pasted))
	for i, t := range c.rep.Tokens {
		e := tokenEntry{Token: t}
		if c.raw != nil && i < len(c.raw.Tokens) {
			e.Raw = c.raw.Tokens[i].Raw // shown and copied only when asked for
		}
		for _, f := range c.rep.Findings {
			if f.Token == t.Kind && f.Hop == 0 {
				e.findings = append(e.findings, f)
			}
		}
		out = append(out, e)
	}
	if e, ok := refreshEntry(c); ok {
		out = append(out, e)
	}
	for _, p := range v.pasted {
		out = append(out, tokenEntry{Token: p.tok, findings: p.findings, pasted: true})
	}
	return out
}

func (v *tokensView) set(c *viewContext) {
	st := c.st
	all := v.all(c)
	listW, listH, _, _ := c.panes(len(all))
	v.cur.setLen(len(all), listH-1)
	v.title = st.faint.Render(fit("     token          format  audience", listW))
	v.plain, v.rows = v.plain[:0], v.rows[:0]
	for _, e := range all {
		mark, markSt := " ", st.faint
		if sev, ok := report.Worst(e.findings); ok {
			markSt, mark = st.severity(sev)
		}
		kind := e.Kind
		if e.pasted {
			kind = "pasted"
		}
		rest := fmt.Sprintf(" %-14s %-7s %s", cut(kind, 14), cut(e.Format, 7), report.Printable(audSummary(e.Token)))
		v.plain = append(v.plain, fit(mark+rest, listW-1))
		v.rows = append(v.rows, fit(markSt.Render(mark)+rest, listW-1))
	}
	v.setDetail(c)
}

// audSummary is the audience of a JWT, which is what the list is most often
// scanned for.
func audSummary(t report.Token) string {
	claims, _ := decode.Members(t.Claims) // none to read: no audience
	for _, c := range claims {
		if c.Name == "aud" {
			var s string
			if json.Unmarshal(c.Value, &s) == nil {
				return s
			}
			// Most providers send an array, often of one: the values
			// are what the list is scanned for, not the brackets.
			var list []string
			if json.Unmarshal(c.Value, &list) == nil && len(list) > 0 {
				return strings.Join(list, ", ")
			}
			return decode.CompactJSON(c.Value)
		}
	}
	switch t.Format {
	case "opaque":
		return "(opaque: no claims to read)"
	case refreshMissing:
		return "(none came back)"
	}
	return ""
}

func (v *tokensView) setDetail(c *viewContext) {
	_, _, detailW, _ := c.panes(v.cur.n)
	st := c.st
	if v.input.active {
		v.lines = append(v.lines[:0], st.paneTitle.Render("paste a token"),
			v.input.ti.View(), "",
			st.faint.Render(keyName(c.keys.Enter)+": inspect · esc: cancel"),
			st.faint.Render("A JWT, a \"Bearer …\" value or a whole Authorization header line."))
		v.doff = 0
		return
	}
	e, ok := v.selected(c)
	if !ok {
		v.lines = v.lines[:0]
		for _, l := range wrapWords(noTokensWhy(c), detailW-1) {
			v.lines = append(v.lines, st.faint.Render(l))
		}
		v.lines = append(v.lines, st.faint.Render(keyName(c.keys.Paste)+": paste a token to inspect it"))
		v.doff = 0
		return
	}
	v.setLines(c, tokenDetail(c, e, v.raw, detailW))
}

func (v *tokensView) move(c *viewContext, d int) {
	if v.step(c, d) {
		v.setDetail(c)
	}
}

func (v *tokensView) pick(c *viewContext, i int) {
	v.jump(c, i)
	v.set(c)
}

// enter shows or hides the raw token.
func (v *tokensView) enter(c *viewContext) request {
	v.raw = !v.raw
	v.set(c)
	return request{}
}

// copyText is the raw token.
func (v *tokensView) copyText(c *viewContext) (what, text string) {
	e, ok := v.selected(c)
	if !ok {
		return "", ""
	}
	return e.Kind, e.Raw
}

func (v *tokensView) selected(c *viewContext) (tokenEntry, bool) {
	all := v.all(c)
	if v.cur.sel < 0 || v.cur.sel >= len(all) {
		return tokenEntry{}, false
	}
	return all[v.cur.sel], true
}

// typing reports whether the paste input has the keyboard.
func (v *tokensView) typing() bool { return v.input.active }

func (v *tokensView) openInput(c *viewContext) tea.Cmd {
	ti := textinput.New()
	ti.Prompt = "> "
	ti.Placeholder = "eyJ…"
	ti.SetStyles(textinput.DefaultStyles(c.isDark))
	_, _, detailW, _ := c.panes(v.cur.n)
	ti.SetWidth(max(detailW-4, 10))
	v.input = pasteInput{active: true, ti: ti}
	cmd := v.input.ti.Focus()
	v.setDetail(c)
	return cmd
}

// updateInput is a key typed into the paste input; enter inspects what
// was typed and returns the status line to show.
func (v *tokensView) updateInput(c *viewContext, msg tea.KeyPressMsg) (tea.Cmd, string) {
	switch msg.String() {
	case "esc", "ctrl+c":
		v.input.active = false
		return nil, ""
	case "enter":
		raw := v.input.ti.Value()
		v.input.active = false
		return nil, v.paste(c, raw)
	}
	var cmd tea.Cmd
	v.input.ti, cmd = v.input.ti.Update(msg)
	v.setDetail(c)
	return cmd, ""
}

// paste inspects a pasted token and selects it, and returns the status
// line to show (none when the text went into the open input, or was
// empty).
func (v *tokensView) paste(c *viewContext, raw string) string {
	if v.input.active {
		v.input.ti.SetValue(v.input.ti.Value() + raw)
		return ""
	}
	if strings.TrimSpace(raw) == "" {
		return ""
	}
	exp := decode.Expect{Audience: c.rep.Profile.ExpectAud, Issuer: c.rep.Profile.ExpectIss, Skew: decode.DefaultSkew}
	tok, fs := decode.Inspect(raw, exp, c.now)
	p := pastedToken{findings: fs}
	if tok != nil {
		p.tok = tok.Report("pasted")
	} else {
		p.tok = report.Token{Kind: "pasted", Format: "malformed", Raw: strings.TrimSpace(raw)}
	}
	for i := range p.findings {
		p.findings[i].Token = "pasted"
	}
	v.pasted = append(v.pasted, p)
	v.raw = false
	v.set(c)
	v.jump(c, len(v.all(c))-1)
	v.setDetail(c)
	return "pasted token inspected"
}

// claimMarks says which claim (or header member) each finding code is about.
var claimMarks = map[string]string{
	report.CodeJWTAudMismatch:       "aud",
	report.CodeJWTAudAzureMgmt:      "aud",
	report.CodeIDTokenAudNotClient:  "aud",
	report.CodeJWTIssMismatch:       "iss",
	report.CodeJWTExpired:           "exp",
	report.CodeJWTNotYetValid:       "nbf",
	report.CodeJWTIatFuture:         "iat",
	report.CodeIDTokenNonceMismatch: "nonce",
	report.CodeJWTAlgNone:           "alg",
	report.CodeJWTKidUnknown:        "kid",
}

func tokenDetail(c *viewContext, e tokenEntry, showRaw bool, w int) []string {
	st := c.st
	now := c.now
	title := e.Kind + " · " + e.Format
	lines := []string{st.paneTitle.Render(cut(title, w))}

	byClaim := map[string][]report.Finding{}
	var general []report.Finding
	for _, f := range e.findings {
		if name, ok := claimMarks[f.Code]; ok {
			byClaim[name] = append(byClaim[name], f)
			continue
		}
		general = append(general, f)
	}

	section := func(name string, raw json.RawMessage) {
		ms, err := decode.Members(raw)
		if err != nil || len(ms) == 0 {
			return
		}
		lines = append(lines, st.bold.Render(name))
		nameW := 3
		for _, c := range ms {
			nameW = max(nameW, min(len(c.Name), 14))
		}
		valW := max(w-nameW-5, 10)
		for _, f := range decode.Fields(ms, now, c.loc) {
			fs := byClaim[f.Name]
			mark := " "
			if sev, ok := report.Worst(fs); ok {
				sevSt, sym := st.severity(sev)
				mark = sevSt.Render(sym)
			}
			for i, l := range wrapMarked(f.Value, 0, 0, valW, lipglossPlain, lipglossPlain) {
				label := ""
				if i == 0 {
					label = st.key.Render(cut(f.Name, nameW))
				}
				mk := " "
				if i == 0 {
					mk = mark
				}
				lines = append(lines, mk+" "+fit(label, nameW)+"  "+l)
			}
			pad := strings.Repeat(" ", nameW+4)
			if f.When != "" {
				for _, l := range wrapWords(f.When, valW) {
					lines = append(lines, pad+st.faint.Render(l))
				}
			}
			for _, fd := range fs {
				sevSt, _ := st.severity(fd.Severity)
				for _, l := range wrapWords(fd.Code+": "+errText(report.Untick(fd.Message)), valW) {
					lines = append(lines, pad+sevSt.Render(l))
				}
			}
		}
	}
	section("header", e.Header)
	section("claims", e.Claims)
	if e.Kind != refreshKind {
		lines = append(lines, signatureLines(st, e.Verification, w)...)
	}
	switch {
	case e.Format == refreshMissing:
		lines = append(lines, st.faint.Render("none came back from the token endpoint"))
	case e.Kind == refreshKind:
		for _, l := range wrapWords("opaque: the client keeps it and sends it to the token endpoint for new tokens; there is nothing in it to read", w) {
			lines = append(lines, st.faint.Render(l))
		}
	case len(e.Header) == 0 && len(e.Claims) == 0:
		lines = append(lines, st.faint.Render("no header or claims to show (opaque token)"))
	}

	for _, f := range general {
		lines = append(lines, "")
		lines = append(lines, findingLines(st, f, w)...)
	}
	// Findings about marked claims also carry hints; show them once, below.
	for _, name := range []string{"alg", "kid", "aud", "iss", "exp", "nbf", "iat", "nonce"} {
		for _, f := range byClaim[name] {
			if f.Hint == "" {
				continue
			}
			lines = append(lines, "")
			for _, l := range wrapWords(f.Code+" → "+errText(report.Untick(f.Hint)), w-2) {
				lines = append(lines, "  "+st.faint.Render(l))
			}
		}
	}

	lines = append(lines, "")
	switch {
	case e.Format == refreshMissing:
		lines = lines[:len(lines)-1]
	case e.Raw == "":
		lines = append(lines, st.faint.Render("raw token: not kept"))
	case showRaw:
		lines = append(lines, st.bold.Render("raw token")+st.faint.Render(" ("+keyName(c.keys.Enter)+": hide · "+keyName(c.keys.Copy)+": copy)"))
		lines = append(lines, wrapMarked(e.Raw, 0, 0, w, lipglossPlain, lipglossPlain)...)
	default:
		lines = append(lines, st.faint.Render(fmt.Sprintf("raw token hidden (%d characters) · %s: show · %s: copy", len(e.Raw), keyName(c.keys.Enter), keyName(c.keys.Copy))))
	}
	return lines
}

// The refresh token is listed with the tokens, so that a finding about it
// leads somewhere: opaque, its value hidden until asked for like any raw
// token, or marked missing when none came back.
const (
	refreshKind    = "refresh_token"
	refreshMissing = "missing"
)

// refreshEntry is the refresh token's row: the newest one the token
// endpoint gave (the refresh grant's when it rotated it), or, when a
// finding is about one that did not come, a row saying so.
func refreshEntry(c *viewContext) (tokenEntry, bool) {
	e := tokenEntry{Token: report.Token{Kind: refreshKind, Format: "opaque"}}
	for _, f := range c.rep.Findings {
		if f.Token == refreshKind && f.Hop == 0 {
			e.findings = append(e.findings, f)
		}
	}
	raw := refreshValue(c.raw)
	if raw == "" {
		raw = refreshValue(c.rep)
	}
	switch {
	case raw != "":
		e.Raw = raw // shown and copied only when asked for
	case len(e.findings) > 0:
		e.Format = refreshMissing
	default:
		return tokenEntry{}, false
	}
	return e, true
}

// refreshValue is the newest refresh token in r.
func refreshValue(r *report.Report) string {
	if r == nil {
		return ""
	}
	for _, t := range r.Tokens {
		if t.Kind == refreshKind {
			return "" // decoded like the others: listed with them
		}
	}
	if rf := r.Refresh; rf != nil && rf.Response != nil && rf.Response.Fields[refreshKind] != "" {
		return rf.Response.Fields[refreshKind]
	}
	if ex := r.Exchange; ex != nil && ex.Response != nil {
		return ex.Response.Fields[refreshKind]
	}
	return ""
}

// tokenRow is the row of the tokens list that shows the login's token of
// this kind, or -1: the report's tokens come first, then the refresh
// token, then pasted ones.
func tokenRow(r *report.Report, kind string) int {
	for i, t := range r.Tokens {
		if t.Kind == kind {
			return i
		}
	}
	if kind != refreshKind {
		return -1
	}
	for _, f := range r.Findings {
		if f.Token == refreshKind && f.Hop == 0 {
			return len(r.Tokens)
		}
	}
	if refreshValue(r) != "" {
		return len(r.Tokens)
	}
	return -1
}

// noTokensWhy says why the tokens list is empty.
func noTokensWhy(c *viewContext) string {
	r := c.rep
	switch {
	case c.state == stateRunning:
		return "no tokens yet: they arrive after the code exchange"
	case r.Exchange == nil && r.Error != "":
		return "no tokens: the run stopped before the code exchange: " + errText(c.secrets.Text(r.Error))
	case r.Exchange == nil:
		return "no tokens: there was no code exchange (the login did not come back with a code)"
	default:
		return "no tokens: the code exchange did not return any (see Findings)"
	}
}

// signatureLines is the login's own check of the token's signature, as
// the report has it: "signature: verified (RS256, kid abc, JWKS https://…)".
func signatureLines(st styles, v *report.Verification, w int) []string {
	if v == nil {
		return nil
	}
	style := st.faint
	switch v.Status {
	case report.Verified:
		style = st.ok
	case report.Failed:
		style, _ = st.severity(report.SeverityError)
	}
	var lines []string
	for _, l := range wrapWords("signature: "+v.Line(), w) {
		lines = append(lines, style.Render(l))
	}
	return lines
}
