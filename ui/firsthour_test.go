package ui

import (
	"strings"
	"syscall"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// scenarioNamed is one of scenarios by name.
func scenarioNamed(t *testing.T, name string) scenario {
	t.Helper()
	for _, sc := range scenarios(t) {
		if sc.name == name {
			return sc
		}
	}
	t.Fatalf("no scenario %s", name)
	return scenario{}
}

// detailText is the current tab's detail, all of it, as plain text.
func detailText(m model) string {
	_, detail := m.views[m.tab].draw(m.ctx())
	var p *pane
	switch v := m.views[m.tab].(type) {
	case *hopsView:
		p = &v.pane
	case *tokensView:
		p = &v.pane
	case *findingsView:
		p = &v.pane
	}
	if p != nil {
		detail = p.lines
	}
	return ansi.Strip(strings.Join(detail, "\n"))
}

// TestOpensOnFirstError: a run that ends with errors opens on Findings,
// errors first, the first one selected, and its hop or token selected
// in its tab; a run without errors stays on the hops.
func TestOpensOnFirstError(t *testing.T) {
	tests := []struct {
		scenario string
		wantTab  tab
		wantCode string
		hopSel   int // -1: not checked
		tokenSel int
	}{
		{"healthy", tabHops, "", -1, -1},
		{"state-suffix", tabFindings, report.CodeStateChanged, 2, -1},
		{"error-page", tabFindings, report.CodeRedirectURIChanged, 2, -1},
		// The refresh token is listed after the decoded tokens.
		{"refresh-missing", tabFindings, report.CodeRefreshTokenMissing, -1, 2},
		{"token-not-json", tabFindings, report.CodeTokenNotJSON, -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			m := play(newTestModel(t, 120, 36, Options{}), scenarioNamed(t, tt.scenario))
			if m.tab != tt.wantTab {
				t.Fatalf("opened on %s, want %s", tabNames[m.tab], tabNames[tt.wantTab])
			}
			if tt.wantCode == "" {
				return
			}
			f, ok := m.views[tabFindings].(*findingsView).selected(m.ctx())
			if !ok || f.Code != tt.wantCode || f.Severity != report.SeverityError {
				t.Errorf("selected finding %s (%s), want the error %s", f.Code, f.Severity, tt.wantCode)
			}
			if tt.hopSel >= 0 && hopsOf(m).cur.sel != tt.hopSel {
				t.Errorf("hops select row %d, want %d", hopsOf(m).cur.sel, tt.hopSel)
			}
			if tt.tokenSel >= 0 {
				if m.tokens().cur.sel != tt.tokenSel {
					t.Errorf("tokens select row %d, want %d", m.tokens().cur.sel, tt.tokenSel)
				}
				m = update(m, press("enter"))
				if m.tab != tabTokens || !strings.Contains(detailText(m), "none came back") {
					t.Errorf("enter went to %s:\n%s", tabNames[m.tab], screen(m))
				}
			}
		})
	}
}

// TestFindingsSortedBySeverity: errors, then warnings, then infos, each
// in the order found.
func TestFindingsSortedBySeverity(t *testing.T) {
	fs := []report.Finding{
		{Code: "a", Severity: report.SeverityInfo}, {Code: "b", Severity: report.SeverityError},
		{Code: "c", Severity: report.SeverityWarn}, {Code: "d", Severity: report.SeverityError},
		{Code: "e", Severity: report.SeverityInfo},
	}
	var got []string
	for _, i := range report.BySeverity(fs) {
		got = append(got, fs[i].Code)
	}
	if s := strings.Join(got, ""); s != "bdcae" {
		t.Errorf("order %s, want bdcae", s)
	}
}

// TestTokenEndpointFindingShowsTheAnswer: a token endpoint that answers
// HTML shows, beside the finding, where the request went, what came back
// and how the body starts: the things to check the Token URL against.
func TestTokenEndpointFindingShowsTheAnswer(t *testing.T) {
	for _, sz := range goldenSizes {
		m := play(newTestModel(t, sz[0], sz[1], Options{}), scenarioNamed(t, "token-not-json"))
		d := detailText(m)
		for _, want := range []string{"the code exchange", "POST http://idp.example.com/welcome", "status", "200",
			"text/html; charset=utf-8", "body starts", "<h1>Welcome to Demo Corp</h1>"} {
			if !strings.Contains(d, want) {
				t.Errorf("%dx%d: the finding's detail lacks %q:\n%s", sz[0], sz[1], want, d)
			}
		}
	}
}

// TestFailureIsReadable: an engine error wraps in the header instead of
// being cut, and each empty pane says why it is empty.
func TestFailureIsReadable(t *testing.T) {
	err := &flow.ListenError{Addr: testListen, PortInURI: true, Err: syscall.EADDRINUSE}
	for _, sz := range goldenSizes {
		m := newTestModel(t, sz[0], sz[1], Options{})
		m = update(m, doneMsg{err: err})
		s := screen(m)
		if !strings.Contains(s, "login failed: cannot listen on "+testListen) {
			t.Errorf("%dx%d: header lacks the error:\n%s", sz[0], sz[1], s)
		}
		if d := strings.Join(strings.Fields(detailText(m)), " "); !strings.Contains(d, "no hops: the run stopped before anything was sent: cannot listen") ||
			!strings.HasSuffix(d, "or stop the program using it") {
			t.Errorf("%dx%d: the hops pane does not say why, in full: %q", sz[0], sz[1], d)
		}
		m = toTab(m, tabTokens)
		if d := detailText(m); !strings.Contains(d, "no tokens: the run stopped before the code exchange") {
			t.Errorf("%dx%d: the tokens pane does not say why: %q", sz[0], sz[1], d)
		}
		m = toTab(m, tabFindings)
		if d := detailText(m); !strings.Contains(d, "no findings: the run stopped before anything was compared") {
			t.Errorf("%dx%d: the findings pane does not say why: %q", sz[0], sz[1], d)
		}
	}
}

// TestRefreshTokenListed: the refresh token is a row of the tokens list,
// opaque, its value shown only on enter.
func TestRefreshTokenListed(t *testing.T) {
	m := toTab(play(newTestModel(t, 120, 36, Options{}), scenarioNamed(t, "healthy")), tabTokens)
	i := tokenRow(m.ctx().rep, "refresh_token")
	if i != 2 {
		t.Fatalf("refresh_token row %d, want 2 (after the access and id tokens)", i)
	}
	m.tokens().pick(m.ctx(), i)
	m.rebuildViews()
	d := detailText(m)
	if !strings.Contains(d, "refresh_token · opaque") || !strings.Contains(d, "raw token hidden") || strings.Contains(d, fixedRefresh2) {
		t.Errorf("refresh token detail:\n%s", d)
	}
	m = update(m, press("enter"))
	if d := detailText(m); !strings.Contains(d, fixedRefresh2) {
		t.Errorf("enter does not show the (rotated) refresh token:\n%s", d)
	}
}

// TestZoomKey: z shows the list alone, then the detail alone, then both.
func TestZoomKey(t *testing.T) {
	m := toTab(play(newTestModel(t, 120, 36, Options{}), oneHostScenario(t)), tabHops)
	if !strings.Contains(screen(m), "│") {
		t.Fatal("no side-by-side panes at 120 columns")
	}
	m = update(m, press("z"))
	s := screen(m)
	if strings.Contains(s, "│") || !strings.Contains(s, "127.0.0.1:41001/t/acme/oauth2/v1/authorize") || strings.Contains(s, "verdict") {
		t.Errorf("z: want the list alone, at full width:\n%s", s)
	}
	m = update(m, press("z"))
	s = screen(m)
	if strings.Contains(s, "│") || strings.Contains(s, "host/path") || !strings.Contains(s, "verdict") {
		t.Errorf("z z: want the detail alone:\n%s", s)
	}
	m = update(m, press("z"))
	if s = screen(m); !strings.Contains(s, "│") {
		t.Errorf("z z z: want both panes again:\n%s", s)
	}
	m = update(m, press("?"))
	if s = screen(m); !strings.Contains(s, "zoom") || !strings.Contains(s, "prov: provider") {
		t.Errorf("the help lacks the zoom key or the tags' legend:\n%s", s)
	}
}

// TestWheelScrollsThePaneUnderIt: the wheel over the detail scrolls the
// detail and leaves the selection; over the list it moves the selection.
func TestWheelScrollsThePaneUnderIt(t *testing.T) {
	m := toTab(play(newTestModel(t, 120, 36, Options{}), scenarioNamed(t, "error-page")), tabHops)
	sel := hopsOf(m).cur.sel
	m = update(m, tea.MouseWheelMsg{Button: tea.MouseWheelDown, X: 100, Y: 10})
	if hopsOf(m).cur.sel != sel || hopsOf(m).doff != 3 {
		t.Errorf("wheel over the detail: selection %d (was %d), detail offset %d, want 3", hopsOf(m).cur.sel, sel, hopsOf(m).doff)
	}
	m = update(m, tea.MouseWheelMsg{Button: tea.MouseWheelUp, X: 10, Y: 10})
	if hopsOf(m).cur.sel != sel-1 {
		t.Errorf("wheel over the list: selection %d, want %d", hopsOf(m).cur.sel, sel-1)
	}
	// A click on a tab's name opens it.
	m = update(m, tea.MouseClickMsg{Button: tea.MouseLeft, X: 12, Y: headerRows})
	if m.tab != tabTokens {
		t.Errorf("click on Tokens opened %s", tabNames[m.tab])
	}
}

// TestScreenWording: what the screen says reads as sentences: no
// "attempt(s)", no "0 warnings", no Markdown backticks, no "got adds".
func TestScreenWording(t *testing.T) {
	sc := scenarioNamed(t, "healthy")
	sc.done.rep.Findings = append(sc.done.rep.Findings, report.Finding{Code: report.CodeAccessTokenOpaque, Severity: report.SeverityWarn,
		Token: "access_token", Message: "opaque access token", Hint: "the request carries no `audience`: add it"})
	all := append(scenarios(t), oneHostScenario(t), sc)
	for _, sc := range all {
		for _, sz := range goldenSizes {
			m := play(newTestModel(t, sz[0], sz[1], Options{}), sc)
			for tb := range tabCount {
				m = toTab(m, tb)
				for i := range m.views[tb].count() {
					m.views[tb].pick(m.ctx(), i)
					text := screen(m) + detailText(m)
					for _, bad := range []string{"attempt", "0 warnings", "no errors", "`", "got adds", "got drops"} {
						if strings.Contains(text, bad) {
							t.Errorf("%s %dx%d %s row %d says %q:\n%s", sc.name, sz[0], sz[1], tabNames[tb], i, bad, text)
						}
					}
				}
			}
		}
	}
	if got := report.Untick("no `audience` and no `scope`"); got != "no audience and no scope" {
		t.Errorf("untick = %q", got)
	}
	if got := report.Untick("a lone ` stays"); got != "a lone ` stays" {
		t.Errorf("untick = %q", got)
	}
}

// TestFailureInTheSettersWords: why a run stopped is worded where it was
// set up: with the CLI's flags (Options.Phrase) for a run from flags, with
// the form's fields after the setup form, never with the engine's own
// names ("the listener port").
func TestFailureInTheSettersWords(t *testing.T) {
	sc := listenFailedScenario()
	for _, tt := range []struct {
		name string
		opts Options
		want string
	}{
		{"from flags", Options{Phrase: func(err error) string { return "cannot listen: use --port-flag-words" }}, "--port-flag-words"},
		{"from the form", Options{Setup: true}, "the redirect URI field"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestModel(t, 120, 36, tt.opts)
			m.state = stateRunning
			m = play(m, sc)
			if s := screen(m); !strings.Contains(s, tt.want) || strings.Contains(s, "the listener port") || strings.Contains(s, "the redirect URI (") {
				t.Errorf("screen lacks %q, or has the engine's names:\n%s", tt.want, s)
			}
		})
	}
}

func TestCutValueKeepsTheOrigin(t *testing.T) {
	for _, tt := range []struct {
		v    string
		w    int
		want string
	}{
		{"http://127.0.0.1:35317/callback", 40, "http://127.0.0.1:35317/callback"},
		{"http://127.0.0.1:35317/oauth/callback", 30, "http://127.0.0.1:35317…allback"},
		{"S4mqQkz1c2PnR8vJ0tWfYx7bLhGd9eAu", 17, "S4mqQkz1…Gd9eAu"},
		// 80 columns: the port stays whole.
		{"http://127.0.0.1:53682/callback", 19, "127.0.0.1:53682…ack"},
		{"http://127.0.0.1:53682/callback", 13, "….0.0.1:53682"},
	} {
		got := cutValue(tt.v, tt.w)
		if got != tt.want && !(tt.v[0] == 'S' && len([]rune(got)) <= tt.w && strings.Contains(got, "…")) {
			t.Errorf("cutValue(%q, %d) = %q, want %q", tt.v, tt.w, got, tt.want)
		}
		if n := len([]rune(got)); n > tt.w {
			t.Errorf("cutValue(%q, %d) = %q: %d runes", tt.v, tt.w, got, n)
		}
	}
}

// TestSummaryWrapsAtWords: the lines printed after the screen closes break
// between words at the terminal's width, not wherever the terminal would.
func TestSummaryWrapsAtWords(t *testing.T) {
	rep := report.Report{Findings: []report.Finding{{Code: report.CodeStateChanged, Severity: report.SeverityError, Hop: 3,
		Message: "hop 3 (authorize at idp.example.com) carries a different state than sent (suffix_added): appended \"|org=acme\" to the value"}}}
	out := summaryAt(60, rep, nil, nil, nil)
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if n := len([]rune(l)); n > 60 {
			t.Errorf("line of %d runes: %q", n, l)
		}
	}
	if !strings.Contains(out, "  ✗ state.changed (hop 3): hop 3") || strings.Contains(out, "differ\n") {
		t.Errorf("summary not wrapped at words, or its indent lost:\n%s", out)
	}
}
