package ui

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// headerView is the top of the screen: which provider, which phase (with a
// spinner and the callback countdown), and the URL to open by hand.
type headerView struct {
	lines [headerRows]string
}

// set recomputes the header from the model; it runs on every tick.
func (h *headerView) set(m *model) {
	st := m.styles
	w := m.width

	errs, warns, infos := m.rep.Count()
	counts := fmt.Sprintf("%s %d  %s %d  %s %d",
		st.errorSev.Render("✗"), errs, st.warnSev.Render("!"), warns, st.infoSev.Render("i"), infos)
	title := st.title.Render("authtrace") + st.faint.Render(" · login · ") + st.bold.Render(m.rep.Profile.Provider())
	gap := w - visibleWidth(title) - visibleWidth(counts)
	if gap < 1 {
		h.lines[0] = fit(title, w)
	} else {
		h.lines[0] = title + strings.Repeat(" ", gap) + counts
	}

	h.lines[1] = fit(m.phaseLine(), w)

	switch {
	case m.authURL != "" && (m.state == stateRunning && m.phase != flow.PhaseExchanging && m.phase != flow.PhaseRefreshing):
		label := "open by hand (u copies): "
		h.lines[2] = st.faint.Render(label) + st.url.Render(cutMiddle(m.authURL, w-len(label)))
	case len(m.exported) > 0:
		h.lines[2] = st.faint.Render("report: ") + exportedPaths(m.exported, w-len("report: "))
	case m.logLine != "" && m.state == stateRunning:
		h.lines[2] = st.faint.Render(cut(errText(m.logLine), w))
	case m.state == stateDone || m.state == stateFailed:
		h.lines[2] = st.faint.Render(cut(endpointSummary(m.rep), w))
	default:
		h.lines[2] = ""
	}
	h.lines[2] = fit(h.lines[2], w)
}

func (m *model) phaseLine() string {
	st := m.styles
	spin := m.spin.View() + " "
	if m.busy {
		return spin + "refreshing again…"
	}
	switch m.state {
	case stateDone:
		errs, warns, _ := m.rep.Count()
		took := ""
		if !m.rep.Finished.IsZero() && !m.rep.Started.IsZero() {
			d := m.rep.Finished.Sub(m.rep.Started)
			if d < time.Second {
				d = d.Round(time.Millisecond)
			} else {
				d = d.Round(100 * time.Millisecond)
			}
			took = " in " + d.String()
		}
		if errs > 0 {
			return st.errorSev.Render("✗") + fmt.Sprintf(" login finished%s · %s, %s", took, plural(errs, "error"), plural(warns, "warning"))
		}
		return st.ok.Render("✓") + fmt.Sprintf(" login finished%s · no errors, %s", took, plural(warns, "warning"))
	case stateFailed:
		msg := "login failed"
		if m.err != nil {
			msg += ": " + errText(m.err.Error())
		}
		return st.errorSev.Render("✗ " + msg)
	}
	switch m.phase {
	case flow.PhaseWaiting:
		s := spin + "waiting for callback"
		if m.listen != "" {
			s += " on " + report.Printable(m.listen)
		}
		if !m.deadline.IsZero() {
			s += " · " + countdown(m.deadline.Sub(m.now()))
		}
		return s
	case flow.PhaseExchanging:
		return spin + "exchanging the code at " + hostOf(m.rep.Profile.TokenURL)
	case flow.PhaseRefreshing:
		return spin + "refreshing the token"
	default:
		return spin + "following the authorize chain (preflight)"
	}
}

// exportedPaths names the exported files in w cells. The export writes
// name.json and name.md side by side, so the directory is shown once and
// the Markdown as "(+ .md)"; a directory too long is shortened in its
// middle, never the file name, which is what a person types next.
func exportedPaths(paths []string, w int) string {
	if len(paths) == 2 {
		dir, js := filepath.Split(paths[0])
		if base, ok := strings.CutSuffix(js, ".json"); ok && paths[1] == dir+base+".md" {
			name := js + " (+ .md)"
			room := w - len([]rune(name))
			switch {
			case dir == "":
				return cut(name, w)
			case room >= len([]rune(dir)):
				return report.Printable(dir) + name
			case room >= 6:
				return cutMiddle(dir, room) + name
			default:
				return cut(name, w)
			}
		}
	}
	return cutMiddle(strings.Join(paths, ", "), w)
}

// countdown formats the time left as m:ss.
func countdown(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "the token endpoint"
	}
	return report.Printable(u.Host)
}

func (h headerView) view() string {
	return strings.Join(h.lines[:], "\n")
}

// endpointSummary says in one line how the token endpoint answered.
func endpointSummary(r report.Report) string {
	if r.Exchange == nil {
		if r.Error != "" {
			return errText(r.Error)
		}
		return "no code exchange"
	}
	s := "token endpoint: "
	switch resp := r.Exchange.Response; {
	case resp != nil:
		s += fmt.Sprintf("%d %s in %dms", resp.Status, resp.Format, resp.DurationMS)
	case r.Exchange.Error != "":
		s += errText(r.Exchange.Error)
	}
	if n := len(r.Exchange.Attempts); n > 0 {
		s += fmt.Sprintf(" after %d other attempt(s)", n)
	}
	if ca := r.Exchange.Request.ClientAuth; ca != "" {
		s += " · client auth " + ca
	}
	switch {
	case r.Refresh == nil:
		s += " · no refresh"
	case r.Refresh.Error != "":
		s += " · refresh failed"
	case r.Refresh.Rotated:
		s += " · refresh ok, token rotated"
	default:
		s += " · refresh ok"
	}
	return s
}
