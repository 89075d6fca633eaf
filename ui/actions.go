package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// The root model's answers to keys that act on the selection or the run.

func (m *model) moveSel(d int) { m.views[m.tab].move(m.ctx(), d) }

func (m *model) scrollDetail(d int) { m.views[m.tab].scroll(m.ctx(), d) }

// enter acts on the selected row, and goes to another tab's row when the
// view asks to.
func (m *model) enter() {
	r := m.views[m.tab].enter(m.ctx())
	if r.status != "" {
		m.status = r.status
	}
	if r.jump {
		m.tab = r.tab
		m.views[r.tab].pick(m.ctx(), r.row)
	}
}

// openFirstError shows the first error when a run ends with any: the
// Findings tab on it (they are sorted errors first), and its hop or token
// selected in their tabs, where enter on it goes.
func (m *model) openFirstError() {
	fs := m.shown.Findings
	order := report.BySeverity(fs)
	if len(order) == 0 || fs[order[0]].Severity != report.SeverityError {
		return
	}
	f := fs[order[0]]
	m.tab = tabFindings
	m.views[tabFindings].pick(m.ctx(), 0)
	switch {
	case f.Hop > 0:
		for i, h := range m.shown.Hops {
			if h.N == f.Hop {
				m.views[tabHops].pick(m.ctxOf(tabHops), i)
			}
		}
	case f.Token != "":
		if i := tokenRow(&m.shown, f.Token); i >= 0 {
			m.views[tabTokens].pick(m.ctxOf(tabTokens), i)
		}
	}
	m.setHeader()
}

func (m *model) copySelected() tea.Cmd {
	what, val := m.views[m.tab].copyText(m.ctx())
	if val == "" {
		m.status = "nothing to copy here"
		m.setHeader()
		return nil
	}
	m.status = "copied " + what + " to the clipboard (OSC 52)"
	m.setHeader()
	return tea.SetClipboard(val)
}

func (m *model) reopen() tea.Cmd {
	open := m.opts.OpenBrowser
	u := m.authorizeURL()
	switch {
	case open == nil:
		m.status = "reopening the browser is not available here; copy the URL from the header"
	case m.state == stateDone || m.state == stateFailed:
		m.status = "the login is over; its listener is closed"
	case u == "":
		m.status = "no authorize URL yet"
	default:
		m.status = "opening the browser…"
		m.setHeader()
		return func() tea.Msg { return openedMsg{err: open(u)} }
	}
	m.setHeader()
	return nil
}

// authorizeURL is the URL the browser opens: from the waiting event, or
// the sent hop of a finished report.
func (m *model) authorizeURL() string {
	if m.authURL != "" {
		return m.authURL
	}
	for _, h := range m.rep.Hops {
		if h.Source == report.SourceSent {
			return h.URL
		}
	}
	return ""
}

func (m *model) refreshAgain() tea.Cmd {
	fn := m.opts.Refresh
	switch {
	case fn == nil:
		m.status = "refresh again is not available here"
	case m.state == stateRunning || m.busy:
		m.status = "wait until the login has finished"
	case !hasRefreshToken(m.rep):
		m.status = "no refresh token came back, so there is nothing to refresh"
	default:
		m.busy = true
		m.status = "refreshing…"
		m.setHeader()
		rep, cfg := m.rep, m.opts.Config
		return tea.Batch(m.run.start(true, func(ctx context.Context, emit func(flow.Event)) (report.Report, error) {
			return fn(ctx, cfg, rep, emit)
		}), m.spin.Tick)
	}
	m.setHeader()
	return nil
}

func hasRefreshToken(r report.Report) bool {
	for _, t := range r.Tokens {
		if t.Kind == "refresh_token" {
			return true
		}
	}
	return r.Exchange != nil && r.Exchange.Response != nil && r.Exchange.Response.Fields["refresh_token"] != ""
}
