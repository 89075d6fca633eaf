package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/report"
)

// hostile is text a provider, a proxy or a token could send: an OSC that
// retitles the terminal, a bell, a C1 CSI and a cursor move.
const hostile = "\x1b]0;PWNED\x07x\u009b2J\x1b[2A"

// sgr matches the colour sequences the styles themselves draw.
var sgr = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// inert fails when s, once the styles' own colour sequences are set aside,
// still holds a control character.
func inert(t *testing.T, where, s string) {
	t.Helper()
	rest := sgr.ReplaceAllString(s, "")
	for _, r := range rest {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) {
			t.Errorf("%s: control character %U reached the terminal:\n%q", where, r, rest)
			return
		}
	}
}

func hostileReport() report.Report {
	rep := baseReport()
	rep.Hops = append(chain(testState+hostile), callbackHop(testState))
	rep.Hops[1].Method = "G\x1bET"
	rep.Hops[2].Page = "oops " + hostile
	rep.Hops[3].Error = "dial: " + hostile
	rep.Hops[4].Params["error"] = "access_denied" + hostile
	rep.Hops[4].Params["error_description"] = "no " + hostile
	rep.Hops[4].Params["organization"+hostile] = hostile
	rep.Exchange = exchange()
	rep.Exchange.Error = "token " + hostile
	rep.Error = "stopped " + hostile
	rep.Tokens = tokens(true)
	sub := strings.NewReplacer("\x1b", `\u001b`, "\x07", `\u0007`, "\u009b", `\u009b`).Replace(hostile)
	bad := jwt(`{"alg":"RS256","kid":"k`+sub+`"}`, `{"sub":"`+sub+`","aud":"`+sub+`","exp":1}`)
	bad.Kind = "access_token" + hostile
	rep.Tokens = append(rep.Tokens, bad)
	rep.Findings = []report.Finding{
		{Code: report.CodeStateChanged, Severity: report.SeverityError, Hop: 3, Message: "state " + hostile,
			Hint: "fix " + hostile, Detail: map[string]string{"kind": "suffix_added" + hostile, "got" + hostile: hostile}},
		{Code: report.CodeJWTAudMismatch, Severity: report.SeverityError, Token: bad.Kind, Message: "aud " + hostile, Hint: hostile},
		{Code: "made.up" + hostile, Severity: report.SeverityWarn, Message: hostile},
	}
	return rep
}

// TestHostileTextStaysInert walks every view and detail of a report whose
// provider-controlled text is full of terminal controls.
func TestHostileTextStaysInert(t *testing.T) {
	for _, w := range []int{80, 160} {
		m := newTestModel(w, 40, Options{})
		rep := hostileReport()
		m = update(m, doneMsg{rep: rep})
		inert(t, "first screen", m.View().Content)
		m = update(m, press("g"))
		for i := range rep.Hops {
			inert(t, fmt.Sprintf("%d cols, hop %d", w, i+1), m.View().Content)
			m = update(m, press("enter"))
			inert(t, fmt.Sprintf("%d cols, hop %d detail", w, i+1), m.View().Content)
			m = update(m, press("enter"))
			m = update(m, press("j"))
		}
		for _, tab := range []string{"tokens", "findings"} {
			m = update(m, press("tab"))
			m = update(m, press("g"))
			for i := range 4 {
				inert(t, fmt.Sprintf("%d cols, %s %d", w, tab, i+1), m.View().Content)
				if tab == "tokens" {
					m = update(m, press("enter")) // the raw token
					inert(t, fmt.Sprintf("%d cols, %s %d raw", w, tab, i+1), m.View().Content)
					m = update(m, press("enter"))
				}
				m = update(m, press("j"))
			}
		}
		inert(t, "summary", summary(m.rep, fmt.Errorf("engine: %s", hostile), nil))
	}
}
