package ui

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

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

func (v tokensView) all(m *model) []tokenEntry {
	out := make([]tokenEntry, 0, len(m.rep.Tokens)+len(v.pasted))
	for _, t := range m.rep.Tokens {
		e := tokenEntry{Token: t}
		for _, f := range m.rep.Findings {
			if f.Token == t.Kind && f.Hop == 0 {
				e.findings = append(e.findings, f)
			}
		}
		out = append(out, e)
	}
	for _, p := range v.pasted {
		out = append(out, tokenEntry{Token: p.tok, findings: p.findings, pasted: true})
	}
	return out
}

func (v *tokensView) set(m *model) {
	listW, listH, _, _ := m.panesFor(tabTokens)
	st := m.styles
	all := v.all(m)
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
	v.setDetail(m)
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
			return decode.CompactJSON(c.Value)
		}
	}
	if t.Format == "opaque" {
		return "(opaque: no claims to read)"
	}
	return ""
}

func (v *tokensView) setDetail(m *model) {
	_, _, detailW, detailH := m.panesFor(tabTokens)
	all := v.all(m)
	v.lines = v.lines[:0]
	if v.input.active {
		v.lines = append(v.lines, m.styles.paneTitle.Render("paste a token"),
			v.input.ti.View(), "",
			m.styles.faint.Render("enter: inspect · esc: cancel"),
			m.styles.faint.Render("A JWT, a \"Bearer …\" value or a whole Authorization header line."))
		v.doff = 0
		return
	}
	if v.cur.sel < 0 || v.cur.sel >= len(all) {
		v.lines = append(v.lines, m.styles.faint.Render("no tokens yet: they arrive after the code exchange"),
			m.styles.faint.Render("p: paste a token to inspect it"))
		v.doff = 0
		return
	}
	v.lines = tokenDetail(m, all[v.cur.sel], v.raw, detailW)
	v.doff = min(v.doff, max(len(v.lines)-(detailH-1), 0))
}

func (v *tokensView) move(d, height int, m *model) {
	if v.step(d, height) {
		v.setDetail(m)
	}
}

func (v tokensView) selected(m *model) (tokenEntry, bool) {
	all := v.all(m)
	if v.cur.sel < 0 || v.cur.sel >= len(all) {
		return tokenEntry{}, false
	}
	return all[v.cur.sel], true
}

func (v *tokensView) openInput(m *model) tea.Cmd {
	ti := textinput.New()
	ti.Prompt = "> "
	ti.Placeholder = "eyJ…"
	ti.SetStyles(textinput.DefaultStyles(m.isDark))
	_, _, detailW, _ := m.panesFor(tabTokens)
	ti.SetWidth(max(detailW-4, 10))
	v.input = pasteInput{active: true, ti: ti}
	cmd := v.input.ti.Focus()
	v.setDetail(m)
	return cmd
}

func (v *tokensView) updateInput(msg tea.KeyPressMsg, m *model) tea.Cmd {
	switch msg.String() {
	case "esc", "ctrl+c":
		v.input.active = false
		return nil
	case "enter":
		raw := v.input.ti.Value()
		v.input.active = false
		return v.paste(raw, m)
	}
	var cmd tea.Cmd
	v.input.ti, cmd = v.input.ti.Update(msg)
	v.setDetail(m)
	return cmd
}

// paste inspects a pasted token and selects it.
func (v *tokensView) paste(raw string, m *model) tea.Cmd {
	if v.input.active {
		v.input.ti.SetValue(v.input.ti.Value() + raw)
		return nil
	}
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	exp := decode.Expect{Audience: m.rep.Profile.ExpectAud, Issuer: m.rep.Profile.ExpectIss, Skew: decode.DefaultSkew}
	tok, fs := decode.Inspect(raw, exp, m.now())
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
	_, listH, _, _ := m.panesFor(tabTokens)
	v.set(m)
	v.cur.jump(len(m.rep.Tokens)+len(v.pasted)-1, listH-1)
	v.setDetail(m)
	m.status = "pasted token inspected"
	return nil
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

func tokenDetail(m *model, e tokenEntry, showRaw bool, w int) []string {
	st := m.styles
	now := m.now()
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
		loc := m.opts.Location
		if loc == nil {
			loc = time.Local
		}
		for _, f := range decode.Fields(ms, now, loc) {
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
				for _, l := range wrapWords(fd.Code+": "+errText(fd.Message), valW) {
					lines = append(lines, pad+sevSt.Render(l))
				}
			}
		}
	}
	section("header", e.Header)
	section("claims", e.Claims)
	if len(e.Header) == 0 && len(e.Claims) == 0 {
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
			for _, l := range wrapWords(f.Code+" → "+errText(f.Hint), w-2) {
				lines = append(lines, "  "+st.faint.Render(l))
			}
		}
	}

	lines = append(lines, "")
	switch {
	case e.Raw == "":
		lines = append(lines, st.faint.Render("raw token: not kept"))
	case showRaw:
		lines = append(lines, st.bold.Render("raw token")+st.faint.Render(" (enter: hide · c: copy)"))
		lines = append(lines, wrapMarked(e.Raw, 0, 0, w, lipglossPlain, lipglossPlain)...)
	default:
		lines = append(lines, st.faint.Render(fmt.Sprintf("raw token hidden (%d characters) · enter: show · c: copy", len(e.Raw))))
	}
	return lines
}
