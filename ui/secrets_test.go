package ui

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/internal/echo"
	"github.com/authtrace/authtrace/report"
)

// TestNoSecretOnScreenOrInExport: a login against a token endpoint that
// echoes every secret it is sent, delivered to the TUI event by event:
// no secret, in any encoding, reaches any tab at either size (rows and
// the selected row's detail, step by step through the list), the header
// and footer, the exported JSON and Markdown, or the summary printed
// after the program.
func TestNoSecretOnScreenOrInExport(t *testing.T) {
	p := echo.Start(t)
	var mu sync.Mutex
	var events []flow.Event
	rep, err := flow.Run(context.Background(), p.Config(), func(e flow.Event) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	})
	if err != nil || rep.Refresh == nil {
		t.Fatalf("login: %v, refresh %+v", err, rep.Refresh)
	}
	forms := p.Forms()
	check := func(where, text string) {
		t.Helper()
		for _, f := range forms {
			if strings.Contains(text, f) {
				i := strings.Index(text, f)
				t.Errorf("%s shows the secret %q: %q", where, f, text[max(0, i-80):min(len(text), i+len(f)+40)])
			}
		}
	}
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		dir := t.TempDir()
		m := newTestModel(t, size[0], size[1], Options{Config: p.Config(), ReportDir: dir})
		for _, ev := range events {
			m = update(m, eventMsg(ev))
			check("the screen while running", screen(m))
		}
		m = update(m, doneMsg{rep: rep})
		for tb := range tabCount {
			m.tab = tb
			for range m.views[tb].count() + 1 {
				check(tabNames[tb]+" tab", screen(m))
				m = update(m, press("down"))
			}
			m = update(m, press("enter")) // the hop's full detail; a finding's jump
			if tb == tabTokens {
				// Enter there shows the raw token, on purpose: the one
				// place a secret is shown, when asked for
				// (TestRawTokenHiddenUntilAsked). Hide it again.
				m = update(m, press("enter"))
			}
			check(tabNames[tb]+" tab after enter", screen(m))
		}
		_, cmd := m.Update(press("e"))
		msg := cmd().(exportedMsg)
		if msg.err != nil {
			t.Fatal(msg.err)
		}
		for _, path := range msg.paths {
			b, _ := os.ReadFile(path)
			check(path, string(b))
		}
		check("the summary", summary(m.rep, nil, msg.paths, nil))
		check("the summary of an error", summary(m.rep, &echoError{rep}, nil, nil))
	}
}

// echoError is an engine error that quotes the token endpoint's answer.
type echoError struct{ rep report.Report }

func (e *echoError) Error() string {
	return "token endpoint said: " + e.rep.Exchange.Attempts[0].Response.Body
}
