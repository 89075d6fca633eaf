package ui

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

func TestTabKeysCycleViews(t *testing.T) {
	tests := []struct {
		keys []string
		want tab
	}{
		{nil, tabHops},
		{[]string{"tab"}, tabTokens},
		{[]string{"tab", "tab"}, tabFindings},
		{[]string{"tab", "tab", "tab"}, tabHops},
		{[]string{"shift+tab"}, tabFindings},
		{[]string{"tab", "shift+tab"}, tabHops},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.keys, ","), func(t *testing.T) {
			m := play(newTestModel(t, 80, 24, Options{}), scenarios(t)[1])
			for _, k := range tt.keys {
				m = update(m, press(k))
			}
			if m.tab != tt.want {
				t.Errorf("tab = %v, want %v", m.tab, tt.want)
			}
		})
	}
}

func TestSelectionMovesAndStaysInRange(t *testing.T) {
	tests := []struct {
		name string
		msgs []tea.Msg
		want int
	}{
		{"down", []tea.Msg{press("down")}, 1},
		{"j j k", []tea.Msg{press("j"), press("j"), press("k")}, 1},
		{"up at top", []tea.Msg{press("up"), press("k")}, 0},
		{"past the end", []tea.Msg{press("j"), press("j"), press("j"), press("j"), press("j"), press("j"), press("j")}, 4},
		{"G then g", []tea.Msg{press("G"), press("g")}, 0},
		{"G", []tea.Msg{press("G")}, 4},
		// The pointer over the list (its first row is under the tab bar).
		{"wheel down", []tea.Msg{tea.MouseWheelMsg{Button: tea.MouseWheelDown, Y: bodyTop + 1}, tea.MouseWheelMsg{Button: tea.MouseWheelDown, Y: bodyTop + 1}}, 2},
		{"wheel up", []tea.Msg{press("j"), tea.MouseWheelMsg{Button: tea.MouseWheelUp, Y: bodyTop + 1}}, 0},
		{"wheel over the detail", []tea.Msg{tea.MouseWheelMsg{Button: tea.MouseWheelDown, Y: 20}}, 0},
		{"click a row", []tea.Msg{tea.MouseClickMsg{Button: tea.MouseLeft, Y: bodyTop + 4}}, 3},
		{"click the list's title", []tea.Msg{press("j"), tea.MouseClickMsg{Button: tea.MouseLeft, Y: bodyTop}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := play(newTestModel(t, 80, 24, Options{}), scenarios(t)[1])
			for _, msg := range tt.msgs {
				m = update(m, msg)
			}
			if hopsOf(m).cur.sel != tt.want {
				t.Errorf("selected hop index = %d, want %d", hopsOf(m).cur.sel, tt.want)
			}
			if want := fmt.Sprintf("hop %d ·", tt.want+1); !strings.Contains(screen(m), want) {
				t.Errorf("detail pane does not show %q:\n%s", want, screen(m))
			}
		})
	}
}

func TestEnterOnFindingJumps(t *testing.T) {
	sc := scenarios(t)[2] // state suffix: findings state.changed(3), param.added(3), state.changed(5)
	sc.done.rep.Findings = append(sc.done.rep.Findings, report.Finding{
		Code: report.CodeIDTokenNonceMismatch, Severity: report.SeverityError, Token: "id_token", Message: "nonce differs"})
	tests := []struct {
		finding int
		wantTab tab
		wantSel int
	}{
		// Errors first, in the order found, then the rest.
		{0, tabHops, 2},   // state.changed at hop 3
		{1, tabHops, 4},   // state.changed at hop 5
		{2, tabTokens, 1}, // the id_token's nonce
		{3, tabHops, 2},   // param.added at hop 3
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.finding), func(t *testing.T) {
			m := play(newTestModel(t, 80, 24, Options{}), sc)
			if m.tab != tabFindings {
				t.Fatalf("a run with errors opened on tab %v, want Findings", m.tab)
			}
			for range tt.finding {
				m = update(m, press("j"))
			}
			m = update(m, press("enter"))
			if m.tab != tt.wantTab {
				t.Fatalf("tab = %v, want %v", m.tab, tt.wantTab)
			}
			got := hopsOf(m).cur.sel
			if tt.wantTab == tabTokens {
				got = m.tokens().cur.sel
			}
			if got != tt.wantSel {
				t.Errorf("selected = %d, want %d", got, tt.wantSel)
			}
		})
	}
}

func TestEventsBuildTheLiveReport(t *testing.T) {
	waiting := waitingEvents(t)
	clock := waiting[len(waiting)-1].Deadline.Add(-(4*time.Minute + 32*time.Second))
	m := newTestModel(t, 80, 24, Options{Now: func() time.Time { return clock }})
	var sent []report.Finding // the findings the events carry
	for _, ev := range waiting {
		m = update(m, eventMsg(ev))
		if ev.Finding != nil {
			sent = append(sent, *ev.Finding)
		}
	}
	f := report.Finding{Code: report.CodeParamAdded, Severity: report.SeverityInfo, Hop: 3, Message: "added"}
	m = update(m, eventMsg(flow.Event{Kind: flow.EventFinding, Finding: &f}))

	if got, want := len(m.rep.Hops), 4; got != want {
		t.Errorf("hops = %d, want %d", got, want)
	}
	if diff := cmp.Diff(append(sent, f), m.rep.Findings); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if m.phase != flow.PhaseWaiting || m.listen != "127.0.0.1:53682" {
		t.Errorf("phase, listen = %q, %q; want waiting on 127.0.0.1:53682", m.phase, m.listen)
	}
	if !strings.Contains(screen(m), "waiting for callback on 127.0.0.1:53682 · 4:32") {
		t.Errorf("header lacks the countdown:\n%s", screen(m))
	}
	clock = clock.Add(61 * time.Second)
	m = update(m, tickMsg(clock))
	if !strings.Contains(screen(m), "· 3:31") {
		t.Errorf("countdown did not move on a tick:\n%s", screen(m))
	}

	m = update(m, eventMsg(flow.Event{Kind: flow.EventPhase, Phase: flow.PhaseExchanging}))
	step := loadFixture(t, "healthy").Report.Exchange.Step
	m = update(m, eventMsg(flow.Event{Kind: flow.EventExchange, Step: &step}))
	m = update(m, eventMsg(flow.Event{Kind: flow.EventExchange, Step: &step}))
	if m.rep.Exchange == nil || len(m.rep.Exchange.Attempts) != 1 {
		t.Errorf("two exchange events: want the step and one earlier attempt, got %+v", m.rep.Exchange)
	}
	if !strings.Contains(screen(m), "exchanging the code at idp.example.com") {
		t.Errorf("header does not say it is exchanging:\n%s", screen(m))
	}
}

func TestEngineErrorFails(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{})
	m = update(m, doneMsg{err: errors.New("listen tcp 127.0.0.1:53682: address already in use")})
	if m.state != stateFailed {
		t.Fatalf("state = %v, want failed", m.state)
	}
	if !strings.Contains(screen(m), "login failed: listen tcp 127.0.0.1:53682: address already in use") {
		t.Errorf("the error is not on screen:\n%s", screen(m))
	}
	rep, err := m.outcome()
	if err == nil || rep.Error == "" {
		t.Errorf("outcome = %q, %v; want the error in both", rep.Error, err)
	}
}

func TestQuitCancelsTheEngine(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		t.Run(k, func(t *testing.T) {
			m := newTestModel(t, 80, 24, Options{})
			next, cmd := m.Update(press(k))
			if cmd == nil {
				t.Fatal("no command: want tea.Quit")
			}
			if _, ok := cmd().(tea.QuitMsg); !ok {
				t.Errorf("command gives %T, want tea.QuitMsg", cmd())
			}
			// The last frame is blank and still on the alternate screen,
			// so nothing of it can reach the scrollback.
			if v := next.(model).View(); v.Content != "" || !v.AltScreen {
				t.Errorf("last frame: AltScreen %v, content %q; want the alternate screen, blank", v.AltScreen, v.Content)
			}
			if err := next.(model).run.ctx.Err(); !errors.Is(err, context.Canceled) {
				t.Errorf("engine context err = %v, want context.Canceled", err)
			}
			_, err := next.(model).outcome()
			if !errors.Is(err, ErrStopped) {
				t.Errorf("outcome err = %v, want ErrStopped", err)
			}
		})
	}
}

func TestExportWritesRedactedFiles(t *testing.T) {
	dir := t.TempDir()
	sc := scenarios(t)[1]
	sc.done.rep.Profile.ClientSecret = "s3cret"
	m := play(newTestModel(t, 80, 24, Options{ReportDir: dir}), sc)
	_, cmd := m.Update(press("e"))
	if cmd == nil {
		t.Fatal("e gave no command")
	}
	msg, ok := cmd().(exportedMsg)
	if !ok || msg.err != nil {
		t.Fatalf("export: %#v", msg)
	}
	if len(msg.paths) != 2 || !strings.HasSuffix(msg.paths[0], ".json") || !strings.HasSuffix(msg.paths[1], ".md") {
		t.Fatalf("paths = %v, want a .json and a .md", msg.paths)
	}
	for _, p := range msg.paths {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", p, fi.Mode().Perm())
		}
		b, _ := os.ReadFile(p)
		for _, secret := range []string{"s3cret", fixedSig, fixedRefresh1, fixedRefresh2} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s contains the secret %q", filepath.Base(p), secret)
			}
		}
	}
	m = update(m, msg)
	name := filepath.Base(msg.paths[0])
	if !strings.Contains(m.status, name) {
		t.Errorf("status %q does not name the report", m.status)
	}
	// At 80 columns the header names the JSON file whole, the Markdown
	// beside it, and as much of the directory as fits.
	header := strings.Split(screen(m), "\n")[2]
	if !strings.HasPrefix(header, "report: ") || !strings.HasSuffix(header, "/"+name+" (+ .md)") {
		t.Errorf("header line = %q, want the directory and %s (+ .md)", header, name)
	}
	for _, tt := range []struct {
		paths []string
		w     int
		want  string
	}{
		{[]string{"/tmp/qa/a.json", "/tmp/qa/a.md"}, 72, "/tmp/qa/a.json (+ .md)"},
		{[]string{"/tmp/very/long/directory/name/a.json", "/tmp/very/long/directory/name/a.md"}, 22, "/tm…ame/a.json (+ .md)"},
		{[]string{"/tmp/qa/a.json", "/tmp/qa/a.md"}, 12, "a.json (+ .…"},
		{[]string{"/x/a.json", "/y/b.md"}, 72, "/x/a.json, /y/b.md"},
	} {
		if got := exportedPaths(tt.paths, tt.w); got != tt.want {
			t.Errorf("exportedPaths(%q, %d) = %q, want %q", tt.paths, tt.w, got, tt.want)
		}
	}
	if s := summary(m.rep, nil, m.exported, nil); !strings.Contains(s, "report: "+msg.paths[0]) {
		t.Errorf("summary does not name the report:\n%s", s)
	}

	// A second export in the same second must not overwrite the first.
	again, err := export(m.rep, dir, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if again[0] == msg.paths[0] {
		t.Errorf("second export reused %s", again[0])
	}
}

func TestExportIntoMissingDirFails(t *testing.T) {
	_, err := export(loadFixture(t, "healthy").Report, filepath.Join(t.TempDir(), "nope"), testNow)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want ErrNotExist", err)
	}
}

func TestCopyAndDisabledKeys(t *testing.T) {
	tests := []struct {
		name       string
		keys       []string
		opts       Options
		wantCmd    bool
		wantStatus string
	}{
		{"copy hop url", []string{"c"}, Options{}, true, "copied hop 1 URL"},
		{"copy token", []string{"tab", "c"}, Options{}, true, "copied access_token"},
		{"copy finding", []string{"shift+tab", "c"}, Options{}, true, "copied param.added"},
		{"refresh without seam", []string{"r"}, Options{}, false, "refresh again is not available here"},
		{"open without seam", []string{"o"}, Options{}, false, "not available here"},
		{"open after the login", []string{"o"}, Options{OpenBrowser: func(string) error { return nil }}, false, "listener is closed"},
		{"refresh", []string{"r"}, Options{Refresh: func(ctx context.Context, cfg flow.Config, r report.Report, emit func(flow.Event)) (report.Report, error) {
			return r, nil
		}}, true, "refreshing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := play(newTestModel(t, 80, 24, tt.opts), scenarios(t)[1])
			var cmd tea.Cmd
			for _, k := range tt.keys {
				var next tea.Model
				next, cmd = m.Update(press(k))
				m = next.(model)
			}
			if (cmd != nil) != tt.wantCmd {
				t.Errorf("command = %v, want one: %v", cmd != nil, tt.wantCmd)
			}
			if !strings.Contains(m.status, tt.wantStatus) {
				t.Errorf("status = %q, want %q in it", m.status, tt.wantStatus)
			}
			m.run.cancel()
		})
	}
}

func TestRefreshWithoutRefreshToken(t *testing.T) {
	called := false
	m := play(newTestModel(t, 80, 24, Options{Refresh: func(ctx context.Context, cfg flow.Config, r report.Report, emit func(flow.Event)) (report.Report, error) {
		called = true
		return r, nil
	}}), scenarios(t)[3])
	_, cmd := m.Update(press("r"))
	if cmd != nil || called {
		t.Errorf("refresh ran without a refresh token")
	}
}

func TestOpenBrowserError(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{OpenBrowser: func(string) error { return errors.New("no display") }})
	m = play(m, scenario{events: waitingEvents(t)})
	_, cmd := m.Update(press("o"))
	msg := cmd()
	m = update(m, msg)
	if !strings.Contains(m.status, "could not open the browser: no display") {
		t.Errorf("status = %q", m.status)
	}
}

// leakCode is an authorization code as an HTTP client error quotes it,
// in the callback URL it failed to post to.
const leakCode = "XAI2M65JO7ONWGOSDFZ4JOKWQG"

var errLeak = errors.New(`demo browser: signing in: Post "http://127.0.0.1:37337/callback?code=` + leakCode + `&iss=http%3A%2F%2F127.0.0.1": EOF`)

// TestErrorTextRedacted: error text on screen hides the secrets it quotes,
// as a report written without --reveal does.
func TestErrorTextRedacted(t *testing.T) {
	tests := []struct {
		name string
		run  func(m model) (model, string)
	}{
		{"browser error", func(m model) (model, string) {
			m = play(m, scenario{events: waitingEvents(t)})
			_, cmd := m.Update(press("o"))
			m = update(m, cmd())
			return m, m.status
		}},
		{"engine error", func(m model) (model, string) {
			m = update(m, doneMsg{err: errLeak})
			return m, screen(m) + summary(m.rep, m.err, nil, nil)
		}},
		{"refresh error", func(m model) (model, string) {
			m = play(m, scenarios(t)[1])
			m = update(m, doneMsg{rep: m.rep, err: errLeak, refresh: true})
			return m, m.status
		}},
		{"hop error", func(m model) (model, string) {
			h := loadFixture(t, "healthy").Report.Hops[4] // the callback
			h.Error = errLeak.Error()
			h.Page = "<p>code=" + leakCode + "</p>"
			m = play(m, scenario{events: []flow.Event{{Kind: flow.EventHop, Hop: &h}}})
			m = update(m, press("enter"))
			return m, screen(m)
		}},
		{"finding message", func(m model) (model, string) {
			f := report.Finding{Code: report.CodeTokenError, Severity: report.SeverityError, Message: errLeak.Error(), Hint: "retry code=" + leakCode}
			m = play(m, scenario{events: []flow.Event{{Kind: flow.EventFinding, Finding: &f}}})
			m = update(m, press("shift+tab"))
			return m, screen(m) + summary(m.rep, nil, nil, nil)
		}},
		{"setup form error", func(m model) (model, string) {
			f := newSetupForm(flow.Config{}, m.styles, true)
			f.fields[fieldIssuer].input.SetValue("ftp://idp.example.com/?code=" + leakCode)
			// The field shows what was typed; the error under it quotes it.
			_, errLines, _ := strings.Cut(ansi.Strip(f.view()), "✗")
			return m, errLines
		}},
		{"exchange error", func(m model) (model, string) {
			rep := loadFixture(t, "healthy").Report
			rep.Exchange = &report.Exchange{Step: report.Step{Error: errLeak.Error()}}
			m = update(m, doneMsg{rep: rep})
			return m, screen(m)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestModel(t, 160, 40, Options{OpenBrowser: func(string) error { return errLeak }})
			m, shown := tt.run(m)
			defer m.run.cancel()
			if strings.Contains(shown, leakCode) {
				t.Errorf("the code is shown:\n%s", shown)
			}
			if !strings.Contains(shown, "code=%3Credacted%3E") {
				t.Errorf("the text is not shown, redacted:\n%s", shown)
			}
		})
	}
}

// TestOpenAfterTheLogin: once the login is over its listener is closed, so
// o does not open the browser, and its help says why.
func TestOpenAfterTheLogin(t *testing.T) {
	for _, sc := range []scenario{scenarios(t)[1], {done: &doneMsg{err: errors.New("timeout")}}} {
		opened := false
		m := newTestModel(t, 80, 24, Options{OpenBrowser: func(string) error { opened = true; return nil }})
		m = play(m, sc)
		_, cmd := m.Update(press("o"))
		if cmd != nil {
			runCmds(cmd)
		}
		if opened || cmd != nil {
			t.Errorf("o after the login (state %v) opened the browser", m.state)
		}
		m = update(m, press("o"))
		if !strings.Contains(m.status, "listener is closed") {
			t.Errorf("status = %q, want it to say the listener is closed", m.status)
		}
		if h := m.keys.Open.Help().Desc; !strings.Contains(h, "listener is closed") {
			t.Errorf("o's help = %q, want it to say why it does nothing", h)
		}
		m.run.cancel()
	}
}

func testJWT(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(claims)) + ".c2ln"
}

func TestPasteToken(t *testing.T) {
	expired := fmt.Sprintf(`{"aud":"https://management.azure.com/","iss":"https://sts.windows.net/t/","exp":%d}`, testNow.Add(-3*time.Hour).Unix())
	tests := []struct {
		name      string
		msgs      func() []tea.Msg
		wantCodes []string
		wantText  string
	}{
		{"bracketed paste", func() []tea.Msg {
			return []tea.Msg{tea.PasteMsg{Content: "Authorization: Bearer " + testJWT(expired)}}
		}, []string{report.CodeJWTAudAzureMgmt, report.CodeJWTExpired}, "expired 3h ago"},
		{"p then type", func() []tea.Msg {
			msgs := []tea.Msg{press("p")}
			enc := base64.RawURLEncoding.EncodeToString
			for _, r := range enc([]byte(`{"alg":`)) + "." + enc([]byte(`{"x":1}`)) + ".c2ln" {
				msgs = append(msgs, press(string(r)))
			}
			return append(msgs, press("enter"))
		}, []string{report.CodeJWTMalformed}, "jwt.malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := play(newTestModel(t, 160, 48, Options{}), scenarios(t)[1])
			for _, msg := range tt.msgs() {
				m = update(m, msg)
			}
			if m.tab != tabTokens {
				t.Fatalf("tab = %v, want tokens", m.tab)
			}
			e, ok := m.tokens().selected(m.ctx())
			if !ok || !e.pasted {
				t.Fatalf("selected token is not the pasted one: %+v", e)
			}
			var codes []string
			for _, f := range e.findings {
				codes = append(codes, f.Code)
			}
			for _, want := range tt.wantCodes {
				if !strings.Contains(strings.Join(codes, " "), want) {
					t.Errorf("codes %v lack %s", codes, want)
				}
			}
			if !strings.Contains(screen(m), tt.wantText) {
				t.Errorf("screen lacks %q:\n%s", tt.wantText, screen(m))
			}
		})
	}
}

func TestPasteInputEscapes(t *testing.T) {
	m := play(newTestModel(t, 80, 24, Options{}), scenarios(t)[1])
	m = update(m, press("p"))
	m = update(m, press("q")) // typed into the input, not quit
	if !m.tokens().input.active || m.run.ctx.Err() != nil {
		t.Fatal("q in the paste input quit the program")
	}
	m = update(m, press("esc"))
	if m.tokens().input.active || len(m.tokens().pasted) != 0 {
		t.Errorf("esc left the input open or pasted something")
	}
}

func TestRawTokenHiddenUntilAsked(t *testing.T) {
	m := play(newTestModel(t, 160, 48, Options{}), scenarios(t)[1])
	m = update(m, press("tab"))
	raw := m.rep.Tokens[0].Raw
	if strings.Contains(screen(m), raw[:40]) {
		t.Fatal("raw token shown before enter")
	}
	m = update(m, press("enter"))
	if !strings.Contains(screen(m), raw[:40]) {
		t.Errorf("raw token not shown after enter:\n%s", screen(m))
	}
}

func TestTokenClaimsMarkedByFindings(t *testing.T) {
	sc := scenarios(t)[1]
	sc.done.rep.Findings = append(sc.done.rep.Findings, report.Finding{Code: report.CodeJWTAudMismatch,
		Severity: report.SeverityError, Token: "access_token", Message: "expected audience https://api2 is not in aud"})
	m := toTab(play(newTestModel(t, 160, 48, Options{}), sc), tabTokens)
	var audLine string
	for _, l := range strings.Split(screen(m), "\n") {
		if strings.Contains(l, " aud ") {
			audLine = l
		}
	}
	if !strings.Contains(audLine, "✗ aud") {
		t.Errorf("aud line not marked: %q", audLine)
	}
	if !strings.Contains(screen(m), "jwt.aud_mismatch: expected audience https://api2 is not in aud") {
		t.Errorf("finding not shown under the claim:\n%s", screen(m))
	}
}

func TestBackgroundAndNoColor(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{})
	m = update(m, tea.BackgroundColorMsg{Color: color.White})
	if m.isDark {
		t.Error("white background still taken as dark")
	}
	m = update(m, tea.BackgroundColorMsg{Color: color.Black})
	if !m.isDark {
		t.Error("black background taken as light")
	}

	nc := play(newTestModel(t, 80, 24, Options{Env: []string{"NO_COLOR=yes"}}), scenarios(t)[2])
	if !nc.styles.noColor {
		t.Fatal("NO_COLOR=yes did not turn colour off")
	}
	out := nc.View().Content
	for _, seq := range []string{"\x1b[38;", "\x1b[48;", "\x1b[3", "\x1b[4"} {
		for _, part := range strings.Split(out, seq)[1:] {
			// SGR 3 and 4 alone are italic and underline, fine; 30-49 are colours.
			if len(part) > 0 && part[0] >= '0' && part[0] <= '9' && seq != "\x1b[38;" && seq != "\x1b[48;" {
				t.Errorf("colour sequence %q%s under NO_COLOR", seq, part[:1])
			}
			if seq == "\x1b[38;" || seq == "\x1b[48;" {
				t.Errorf("colour sequence %q under NO_COLOR", seq)
			}
		}
	}
}

func TestResize(t *testing.T) {
	m := play(newTestModel(t, 80, 24, Options{}), scenarios(t)[2])
	for _, sz := range [][2]int{{160, 48}, {100, 30}, {40, 12}, {80, 24}} {
		m = update(m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		lines := strings.Split(strings.TrimSuffix(screen(m), "\n"), "\n")
		if len(lines) != sz[1] {
			t.Errorf("%dx%d: %d lines", sz[0], sz[1], len(lines))
		}
		for i, l := range lines {
			if w := visibleWidth(l); w > sz[0] {
				t.Errorf("%dx%d: line %d is %d wide", sz[0], sz[1], i, w)
			}
		}
	}
}

func TestHelpToggles(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{})
	m = update(m, press("?"))
	if !strings.Contains(screen(m), "refresh again is not available") && !strings.Contains(screen(m), "refresh (not available here)") {
		t.Errorf("full help lacks the disabled refresh key:\n%s", screen(m))
	}
	m = update(m, press("?"))
	if m.showHelp {
		t.Error("? did not close the help")
	}
}

func TestSetupForm(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{Setup: true, Config: flow.Config{Scope: "openid", Port: flow.DefaultPort}})
	typeIn := func(s string) {
		for _, r := range s {
			switch r {
			case '\t':
				m = update(m, press("tab"))
			case '\n':
				m = update(m, press("enter"))
			default:
				m = update(m, press(string(r)))
			}
		}
	}
	typeIn("ftp://idp")
	if !strings.Contains(screen(m), `has scheme "ftp"`) {
		t.Errorf("no error for an ftp URL as typed:\n%s", screen(m))
	}
	for range len("ftp://idp") {
		m = update(m, tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	if !strings.Contains(screen(m), flow.DefaultRedirectURI) {
		t.Errorf("the redirect URI field does not show the one that will be sent:\n%s", screen(m))
	}
	typeIn("https://idp.example.com\t\t\tapp-1\thunter2\t\t\taudience=https://api prompt=consent")
	if strings.Contains(screen(m), "hunter2") {
		t.Errorf("the secret is on screen:\n%s", screen(m))
	}
	m = update(m, press("enter"))
	if m.state != stateRunning {
		t.Fatalf("state = %v after submit; screen:\n%s", m.state, screen(m))
	}
	want := flow.Config{Issuer: "https://idp.example.com", ClientID: "app-1", ClientSecret: "hunter2", Scope: "openid",
		RedirectURI: flow.DefaultRedirectURI, Port: flow.DefaultPort,
		Params: []flow.Param{{Name: "audience", Value: "https://api"}, {Name: "prompt", Value: "consent"}}}
	if diff := cmp.Diff(want, m.opts.Config, cmp.Comparer(func(a, b func(string) error) bool { return true })); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

// TestSetupScopeIsWhatIsSent: with no scope given the field holds a real
// value, sent as shown, which the person can clear; no placeholder looks
// like a value, since an untouched field sends nothing.
func TestSetupScopeIsWhatIsSent(t *testing.T) {
	tests := []struct {
		name  string
		given string
		clear bool
		want  string
	}{
		{"no scope given", "", false, "openid profile offline_access"},
		{"scope given", "openid", false, "openid"},
		{"cleared", "", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newSetupForm(flow.Config{Scope: tt.given}, newStyles(true, true), true)
			if tt.clear {
				f.fields[fieldScope].input.SetValue("")
			}
			if got := f.config().Scope; got != tt.want {
				t.Errorf("scope sent = %q, want %q", got, tt.want)
			}
		})
	}
	f := newSetupForm(flow.Config{}, newStyles(true, true), true)
	for _, fl := range f.fields {
		ph := fl.input.Placeholder
		if fl.input.Value() != "" {
			continue
		}
		if _, err := parseParams(ph); err == nil && strings.Contains(ph, "=") {
			t.Errorf("%s: placeholder %q reads as params that would not be sent", fl.label, ph)
		}
		if strings.HasPrefix(ph, "https://") || strings.HasPrefix(ph, "openid") {
			t.Errorf("%s: placeholder %q looks like a value", fl.label, ph)
		}
	}
}

func TestSetupRequiresClientAndEndpoints(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{Setup: true})
	for range fieldParams {
		m = update(m, press("enter"))
	}
	m = update(m, press("enter"))
	if m.state != stateSetup {
		t.Fatal("an empty form was accepted")
	}
	for _, want := range []string{"required without an issuer", "required"} {
		if !strings.Contains(screen(m), want) {
			t.Errorf("screen lacks %q:\n%s", want, screen(m))
		}
	}
	_, cmd := m.Update(press("esc"))
	if cmd == nil {
		t.Fatal("esc did not quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Errorf("esc gave %T", cmd())
	}
}

func TestParseParams(t *testing.T) {
	tests := []struct {
		in      string
		want    []flow.Param
		wantErr bool
	}{
		{"", nil, false},
		{"audience=https://api", []flow.Param{{Name: "audience", Value: "https://api"}}, false},
		{"a=1&b=2, c=%20x", []flow.Param{{Name: "a", Value: "1"}, {Name: "b", Value: "2"}, {Name: "c", Value: " x"}}, false},
		{"a=", []flow.Param{{Name: "a", Value: ""}}, false},
		{"novalue", nil, true},
		{"=x", nil, true},
		{"state=abc", nil, true},
		{"audience=x redirect_uri=http://127.0.0.1/cb", nil, true},
		{"code_challenge=x", nil, true},
	}
	for _, tt := range tests {
		got, err := parseParams(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseParams(%q) err = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil {
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseParams(%q) (-want +got):\n%s", tt.in, diff)
			}
		}
	}
}

func TestDiffRange(t *testing.T) {
	tests := []struct {
		a, b         string
		lo, hiA, hiB int
		added        string
	}{
		{"abc", "abc.x", 3, 3, 5, ".x"},
		{"http://h/cb", "http://h/cb/", 11, 11, 12, "/"},
		{"abc", "xabc", 0, 0, 1, "x"},
		{"a+b", "a b", 1, 2, 2, " "},
		{"abc", "abc", 3, 3, 3, ""},
		{"", "x", 0, 0, 1, "x"},
		{"aaa", "aa", 2, 3, 2, ""},
	}
	for _, tt := range tests {
		lo, hiA, hiB := diffRange(tt.a, tt.b)
		if lo != tt.lo || hiA != tt.hiA || hiB != tt.hiB {
			t.Errorf("diffRange(%q, %q) = %d, %d, %d, want %d, %d, %d", tt.a, tt.b, lo, hiA, hiB, tt.lo, tt.hiA, tt.hiB)
		}
		if got := string([]rune(tt.b)[lo:hiB]); got != tt.added {
			t.Errorf("diffRange(%q, %q) marks %q, want %q", tt.a, tt.b, got, tt.added)
		}
	}
}

// runCmds runs a command and the commands of any batch it gives, one after
// another, and returns the messages that are not batches.
func runCmds(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runCmds(c)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

func TestRefreshAgainUsesTheConfigAndUpdatesTheReport(t *testing.T) {
	var gotCfg flow.Config
	opts := Options{Refresh: func(ctx context.Context, cfg flow.Config, r report.Report, emit func(flow.Event)) (report.Report, error) {
		gotCfg = cfg
		r.Refresh = &report.Refresh{Rotated: false}
		emit(flow.Event{Kind: flow.EventRefresh, Step: &r.Refresh.Step})
		return r, nil
	}, Config: testConfig()}
	m := play(newTestModel(t, 80, 24, opts), scenarios(t)[1])
	next, cmd := m.Update(press("r"))
	m = next.(model)
	if !m.busy {
		t.Fatal("not busy after r")
	}
	for _, msg := range runCmds(cmd) {
		if _, ok := msg.(eventMsg); ok {
			// The event re-arms the listener, which gives the result.
			var more tea.Cmd
			next, more = m.Update(msg)
			m = next.(model)
			for _, msg := range runCmds(more) {
				m = update(m, msg)
			}
			continue
		}
		m = update(m, msg)
	}
	if m.busy || m.status != "refreshed again" {
		t.Errorf("busy %v, status %q after the refresh", m.busy, m.status)
	}
	if gotCfg.ClientID != "connector-app" {
		t.Errorf("refresh got client id %q, want the login's", gotCfg.ClientID)
	}
	if m.rep.Refresh == nil || m.rep.Refresh.Rotated {
		t.Errorf("report refresh = %+v, want the new, not rotated one", m.rep.Refresh)
	}
	if m.state != stateDone {
		t.Errorf("state = %v, want done", m.state)
	}
}

func TestSelectionFollowsTheLoginUntilMoved(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{})
	sc := scenarios(t)[2]
	for i, h := range sc.done.rep.Hops[:4] {
		m = update(m, eventMsg(flow.Event{Kind: flow.EventHop, Hop: &h}))
		if hopsOf(m).cur.sel != i {
			t.Fatalf("after hop %d arrived, selected index %d; want the newest", h.N, hopsOf(m).cur.sel)
		}
	}
	m = update(m, *sc.done)
	if h, _ := hopsOf(m).selected(m.ctx()); h.N != 3 {
		t.Errorf("finished: selected hop %d, want 3, the first with an error", h.N)
	}

	// Once the person moves, new hops leave the selection alone.
	m = newTestModel(t, 80, 24, Options{})
	h1, h2 := sc.done.rep.Hops[0], sc.done.rep.Hops[1]
	m = update(m, eventMsg(flow.Event{Kind: flow.EventHop, Hop: &h1}))
	m = update(m, press("k"))
	m = update(m, eventMsg(flow.Event{Kind: flow.EventHop, Hop: &h2}))
	if hopsOf(m).cur.sel != 0 {
		t.Errorf("selected index %d after moving, want 0", hopsOf(m).cur.sel)
	}
}

func TestCopyAuthorizeURL(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{})
	_, cmd := m.Update(press("u"))
	if cmd != nil {
		t.Error("u copied before there was a URL")
	}
	m = play(m, scenario{events: waitingEvents(t)})
	next, cmd := m.Update(press("u"))
	if cmd == nil || !strings.Contains(next.(model).status, "copied the authorize URL") {
		t.Errorf("u: cmd %v, status %q", cmd != nil, next.(model).status)
	}
}

func TestCodeHiddenInHopURL(t *testing.T) {
	m := play(newTestModel(t, 160, 48, Options{}), scenarios(t)[1])
	m = update(m, press("G"))
	m = update(m, press("enter"))
	if strings.Contains(screen(m), "code="+fixedCode) {
		t.Errorf("the code's value is on screen:\n%s", screen(m))
	}
	if !strings.Contains(screen(m), "code=%3Credacted%3E") {
		t.Errorf("the callback URL is not shown redacted:\n%s", screen(m))
	}
}

// TestSetupFormRefusesWhatTheCLIRefuses: the form checks with the CLI's
// rules (flow.CheckURL, flow.ParseParam) and says how values are read.
func TestSetupFormRefusesWhatTheCLIRefuses(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{Setup: true})
	for _, r := range "idp.example.com" {
		m = update(m, press(string(r)))
	}
	// The first words of the CLI's own message (its wording is flow's).
	want := []rune(problem(flow.CheckURL("issuer", "idp.example.com")).Error())[:20]
	if !strings.Contains(screen(m), string(want)) {
		t.Errorf("a URL without a scheme is not refused:\n%s", screen(m))
	}
	for range fieldParams {
		m = update(m, press("tab"))
	}
	if !strings.Contains(screen(m), "values %-decoded") {
		t.Errorf("the extra params field does not say how values are read:\n%s", screen(m))
	}
	for _, r := range "audience=x state=abc" {
		m = update(m, press(string(r)))
	}
	// Refused as --param refuses it, without pointing at a flag the form
	// does not have.
	if s := screen(m); !strings.Contains(s, `"state" is set by authtrace itself`) || strings.Contains(s, "--state") {
		t.Errorf("state as an extra param is not refused as the form should:\n%s", s)
	}
	for _, tt := range []struct{ in, want string }{
		{"scope=openid", `"scope" is set by authtrace itself; use the scope field above`},
		{"client_id=x", `"client_id" is set by authtrace itself; use the client id field above`},
		{"redirect_uri=x", `"redirect_uri" is set by authtrace itself; use the redirect URI field above`},
		{"nonce=x", `"nonce" is set by authtrace itself`},
	} {
		if _, err := parseParams(tt.in); err == nil || err.Error() != tt.want {
			t.Errorf("parseParams(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}

// TestHelpContrast: the help bar and faint text are readable, 4.5:1 or
// better (WCAG AA) against a white background when light and a black one
// when dark.
func TestHelpContrast(t *testing.T) {
	lum := func(c color.Color) float64 {
		r, g, b, _ := c.RGBA()
		lin := func(v uint32) float64 {
			x := float64(v) / 0xffff
			if x <= 0.03928 {
				return x / 12.92
			}
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
	}
	ratio := func(a, b color.Color) float64 {
		la, lb := lum(a), lum(b)
		return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
	}
	for _, isDark := range []bool{false, true} {
		bg := color.Color(color.White)
		if isDark {
			bg = color.Black
		}
		st := newStyles(isDark, false)
		form := newSetupForm(flow.Config{}, st, isDark)
		for name, s := range map[string]lipgloss.Style{
			"help key": st.help.ShortKey, "help text": st.help.ShortDesc,
			"full help key": st.help.FullKey, "full help text": st.help.FullDesc,
			"faint": st.faint, "placeholder": form.fields[0].input.Styles().Blurred.Placeholder,
		} {
			if r := ratio(s.GetForeground(), bg); r < 4.5 {
				t.Errorf("dark %v: %s contrast %.2f:1, want 4.5:1 or more", isDark, name, r)
			}
		}
	}
}

// TestSetupRedirectURI: the form has the redirect URI the login sends and
// listens on, starting from the CLI's (the fixed default, or the port or
// URI given), and refuses one authtrace cannot listen on.
func TestSetupRedirectURI(t *testing.T) {
	st := newStyles(true, true)
	for _, tt := range []struct {
		cfg  flow.Config
		want string
	}{
		{flow.Config{Port: flow.DefaultPort}, flow.DefaultRedirectURI},
		{flow.Config{Port: 8400}, "http://127.0.0.1:8400/callback"},
		{flow.Config{Port: flow.DefaultPort, RedirectURI: "http://localhost:9000/cb"}, "http://localhost:9000/cb"},
		{flow.Config{}, ""},
	} {
		f := newSetupForm(tt.cfg, st, true)
		if got := f.config().RedirectURI; got != tt.want {
			t.Errorf("%+v: redirect URI sent = %q, want %q", tt.cfg, got, tt.want)
		}
	}
	f := newSetupForm(flow.Config{Port: flow.DefaultPort}, st, true)
	f.fields[fieldRedirect].input.SetValue("https://global.consent.azure-apim.net/redirect")
	if err := f.fieldErr(fieldRedirect); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("a redirect URI authtrace cannot listen on is not refused: %v", err)
	}
}

// TestBrowserHopDetail: a captured browser's hop says, as the Markdown
// report does, that only the browser saw it and which form fields it
// posted (names only).
func TestBrowserHopDetail(t *testing.T) {
	rep := loadFixture(t, "healthy").Report
	rep.Hops = append(rep.Hops, report.Hop{N: len(rep.Hops) + 1, Source: report.SourceBrowser, Method: "POST",
		URL: "https://idp.example/login", Status: 302, Role: report.RoleProvider, BrowserOnly: true, Fields: []string{"login", "pass\x1b[2Jword"}})
	m := play(newTestModel(t, 160, 48, Options{}), scenario{done: &doneMsg{rep: rep}})
	m = update(m, press("G"))
	m = update(m, press("enter"))
	s := screen(m)
	for _, want := range []string{"only the browser saw it", "form fields", "login pass"} {
		if !strings.Contains(s, want) {
			t.Errorf("the hop's detail does not say %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "\x1b[2J") {
		t.Error("a field name drives the terminal")
	}
}
