package ui

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/authtrace/authtrace/report"
)

// FuzzParseParams: the setup form's extra parameters are typed by a person.
func FuzzParseParams(f *testing.F) {
	for _, s := range []string{"", "audience=https://api", "a=1&b=2, c=%20x", "=", "a==b", "%zz=1", "a=%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := parseParams(s)
		if err != nil {
			return
		}
		for _, p := range ps {
			if p.Name == "" {
				t.Errorf("parseParams(%q) gave an empty name", s)
			}
		}
	})
}

// FuzzMarkedDiff: state and redirect_uri values are whatever the proxy or
// provider sent back. The marked cells must give back exactly the value,
// cut into lines no wider than asked.
func FuzzMarkedDiff(f *testing.F) {
	f.Add("S4mqQkz1c2Pn", "S4mqQkz1c2Pn.eyJ0In0", 7)
	f.Add("http://127.0.0.1/cb", "http://127.0.0.1/cb/", 5)
	f.Add("a+b", "a b", 1)
	f.Add("", "", 3)
	f.Add("héllo", "hello", 2)
	f.Fuzz(func(t *testing.T, sent, got string, w int) {
		if !utf8.ValidString(sent) || !utf8.ValidString(got) || w < 1 || w > 200 {
			return
		}
		lo, hiS, hiG := diffRange(sent, got)
		if lo > hiS || lo > hiG || hiS > utf8.RuneCountInString(sent) || hiG > utf8.RuneCountInString(got) {
			t.Fatalf("diffRange(%q, %q) = %d, %d, %d: out of range", sent, got, lo, hiS, hiG)
		}
		st := newStyles(true, false)
		for _, v := range []struct {
			s      string
			lo, hi int
		}{{sent, lo, hiS}, {got, lo, hiG}} {
			lines := wrapMarked(v.s, v.lo, v.hi, w, st.faint, st.diffAdded)
			var b strings.Builder
			for _, l := range lines {
				plain := ansi.Strip(l)
				if n := utf8.RuneCountInString(plain); n > w {
					t.Errorf("line %q has %d runes, width %d", plain, n, w)
				}
				b.WriteString(plain)
			}
			if b.String() != report.Printable(v.s) {
				t.Errorf("wrapMarked(%q) gives back %q", v.s, b.String())
			}
		}
	})
}

// FuzzHopCompare renders a hop whose parameters came from outside; nothing
// may panic and every line must fit the pane.
func FuzzHopCompare(f *testing.F) {
	f.Add(testState, testRedirect, "https://idp.example.com/authorize?x=1", "suffix_added", 80)
	f.Add("", "", "", "", 20)
	f.Add("\x1b[31mred", "日本語のリダイレクト", "::", "replaced", 160)
	f.Fuzz(func(t *testing.T, state, redirect, rawURL, kind string, width int) {
		if width < 20 || width > 300 {
			return
		}
		m := newTestModel(t, width, 24, Options{})
		rep := loadFixture(t, "healthy").Report
		rep.Hops = rep.Hops[:4]
		rep.Hops[2].URL = rawURL
		rep.Hops[2].Params["state"] = state
		rep.Hops[2].Params["redirect_uri"] = redirect
		rep.Findings = []report.Finding{{Code: report.CodeStateChanged, Severity: report.SeverityError, Hop: 3,
			Message: state, Detail: map[string]string{"kind": kind}}}
		m = update(m, doneMsg{rep: rep})
		m = update(m, press("j"))
		m = update(m, press("j"))
		fits(t, m, width)
		m = update(m, press("enter"))
		fits(t, m, width)
	})
}

func fits(t *testing.T, m model, width int) {
	t.Helper()
	out := m.View().Content
	for i, l := range strings.Split(out, "\n") {
		if w := ansi.StringWidth(l); w > width {
			t.Errorf("line %d is %d cells wide, terminal %d: %q", i, w, width, ansi.Strip(l))
		}
	}
	if strings.Contains(ansi.Strip(out), "\x1b") {
		t.Errorf("an escape character from a value reached the screen")
	}
}
