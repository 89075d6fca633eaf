package ui

import (
	"cmp"
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

// progress is where the login is, beyond what the report holds: what the
// engine's phase events and the root's commands say, as the header shows
// it. Only the root model changes it.
type progress struct {
	state    runState
	phase    flow.Phase
	listen   string // the loopback listener, from the waiting phase
	authURL  string
	deadline time.Time
	err      error
	busy     bool   // a refresh is running
	logLine  string // the engine's last line of progress, in this phase
	calling  string // which access token the API is called with (PhaseCalling)
	exported []string
}

// set recomputes the header; it runs on every tick. spin is the spinner's
// frame.
func (h *headerView) set(c *viewContext, p progress, spin string) {
	st := c.st
	w := c.width

	errs, warns, infos := c.rep.Count()
	counts := fmt.Sprintf("%s %d  %s %d  %s %d",
		st.errorSev.Render("✗"), errs, st.warnSev.Render("!"), warns, st.infoSev.Render("i"), infos)
	command := c.command
	if command == "" {
		command = "login"
	}
	title := st.title.Render("authtrace") + st.faint.Render(" · "+command+" · ") + st.bold.Render(c.rep.Profile.Provider())
	title += profileNote(c, w-visibleWidth(title)-visibleWidth(counts)-2)
	gap := w - visibleWidth(title) - visibleWidth(counts)
	if gap < 1 {
		h.lines[0] = fit(title, w)
	} else {
		h.lines[0] = title + strings.Repeat(" ", gap) + counts
	}

	h.lines[1] = fit(phaseLine(c, p, spin), w)

	switch {
	case p.state == stateFailed && !p.busy:
		// The error takes both lines, wrapped: it says what to change,
		// and its end is often the part that does. What does not fit is
		// in the empty panes below.
		msg := "login failed"
		if c.failure != "" {
			msg += ": " + c.failure
		}
		ls := wrapWords(msg, max(w-2, 10))
		h.lines[1] = fit(st.errorSev.Render("✗ "+ls[0]), w)
		h.lines[2] = ""
		if len(ls) > 1 {
			rest := strings.Join(ls[1:], " ")
			if len(ls) > 2 {
				rest = cut(rest, w-2-len(" (more below)")) + " (more below)"
			}
			h.lines[2] = st.errorSev.Render("  " + rest)
		}
	case p.authURL != "" && (p.state == stateRunning && p.phase != flow.PhaseExchanging && p.phase != flow.PhaseRefreshing && p.phase != flow.PhaseCalling):
		label := "open by hand (" + keyName(c.keys.CopyURL) + " copies): "
		h.lines[2] = st.faint.Render(label) + st.url.Render(cutMiddle(p.authURL, w-len(label)))
	case len(p.exported) > 0:
		h.lines[2] = st.faint.Render("report: ") + exportedPaths(p.exported, w-len("report: "))
	case p.logLine != "" && p.state == stateRunning:
		h.lines[2] = st.faint.Render(cut(errText(c.secrets.Text(p.logLine)), w))
	case (p.state == stateDone || p.state == stateFailed) && chained(c.rep):
		h.lines[2] = chainsSummary(c)
	case p.state == stateDone || p.state == stateFailed:
		h.lines[2] = st.faint.Render(cut(endpointSummary(*c.rep), w))
	default:
		h.lines[2] = ""
	}
	h.lines[2] = fit(h.lines[2], w)
}

// profileNote is what the header adds to the provider when the run
// emulated a platform or read a connector, in room cells: " · as
// power-platform · …/contoso/apiProperties.json", as much as fits.
func profileNote(c *viewContext, room int) string {
	p := c.rep.Profile
	var out string
	if p.As != "" {
		as := " · as " + report.Printable(p.As)
		if len([]rune(as)) > room {
			return ""
		}
		out, room = c.st.faint.Render(as), room-len([]rune(as))
	}
	// A path below 12 cells says nothing: the profile is in the report.
	if p.Connector != "" && room-3 >= 12 {
		out += c.st.faint.Render(" · ") + connectorPath(p.Connector, room-3)
	}
	return out
}

// connectorPath shows a connector's path in w cells: whole, or its folder
// and file ("…/contoso-hr/apiProperties.json"), which name the connector,
// or shortened in its middle.
func connectorPath(path string, w int) string {
	path = report.Printable(path)
	if len([]rune(path)) <= w {
		return path
	}
	dir, file := filepath.Split(filepath.Clean(path))
	short := "…" + string(filepath.Separator) + filepath.Join(filepath.Base(dir), file)
	if dir != "" && len([]rune(short)) <= w {
		return short
	}
	return report.ElidePath(path, w)
}

// chainsSummary says each chain's redirect_uri answer, and its state
// answer when that is a problem, in one line: "platform ✗ refused by the
// provider at hop 2 · loopback ✓ accepted (hop 4)".
func chainsSummary(c *viewContext) string {
	st := c.st
	var parts []string
	for _, cr := range c.rep.ByChain() {
		part := st.bold.Render(report.Printable(cr.Name)) + " " + answerMark(st, cr.Answers.RedirectURI.Verdict) + " " + cr.Answers.RedirectURI.Short()
		if s := cr.Answers.State; s.Verdict == report.VerdictProblem {
			part += ", state " + answerMark(st, s.Verdict) + " " + s.Short()
		}
		parts = append(parts, part)
	}
	return fit(strings.Join(parts, st.faint.Render(" · ")), c.width)
}

// answerMark is an answer's verdict drawn as its mark.
func answerMark(st styles, v report.Verdict) string {
	switch v {
	case report.VerdictOK:
		return st.ok.Render(v.Mark())
	case report.VerdictProblem:
		return st.errorSev.Render(v.Mark())
	}
	return st.warnSev.Render(v.Mark())
}

func phaseLine(c *viewContext, p progress, spin string) string {
	st := c.st
	spin += " "
	if p.busy {
		return spin + "refreshing again…"
	}
	switch p.state {
	case stateDone:
		errs, _, _ := c.rep.Count()
		took := ""
		if !c.rep.Finished.IsZero() && !c.rep.Started.IsZero() {
			d := c.rep.Finished.Sub(c.rep.Started)
			if d < time.Second {
				d = d.Round(time.Millisecond)
			} else {
				d = d.Round(100 * time.Millisecond)
			}
			took = " in " + d.String()
		}
		what := "login finished" + took
		if h := c.rep.HAR; h != nil {
			// A recorded login: how long it took the browser is in the
			// hops; what was read is the file.
			what = fmt.Sprintf("HAR file read: %d entries, %d attempt", h.Entries, len(c.rep.Chains))
			if len(c.rep.Chains) != 1 {
				what += "s"
			}
		}
		if errs > 0 {
			return st.errorSev.Render("✗") + fmt.Sprintf(" %s · %s", what, c.rep.Problems())
		}
		return st.ok.Render("✓") + fmt.Sprintf(" %s · %s", what, c.rep.Problems())
	case stateFailed:
		msg := "login failed"
		if c.command == "har" {
			msg = "HAR file not read"
		}
		if c.failure != "" {
			msg += ": " + c.failure
		}
		return st.errorSev.Render("✗ " + msg)
	}
	switch p.phase {
	case flow.PhaseWaiting:
		s := spin + "waiting for callback"
		if p.listen != "" {
			s += " on " + report.Printable(p.listen)
		}
		if !p.deadline.IsZero() {
			s += " · " + countdown(p.deadline.Sub(c.now))
		}
		return s
	case flow.PhaseExchanging:
		return spin + "exchanging the code at " + hostOf(c.rep.Profile.TokenURL)
	case flow.PhaseRefreshing:
		return spin + "refreshing the token"
	case flow.PhaseCalling:
		return spin + "calling the API with " + cmp.Or(report.Printable(p.calling), "the access token")
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
		return "no code exchange" + callsSummary(r.Calls)
	}
	s := "token endpoint: "
	switch resp := r.Exchange.Response; {
	case resp != nil:
		s += fmt.Sprintf("%d %s in %dms", resp.Status, resp.Format, resp.DurationMS)
	case r.Exchange.Error != "":
		s += errText(r.Exchange.Error)
	}
	switch n := len(r.Exchange.Attempts); n {
	case 0:
	case 1:
		s += " on the second try"
	default:
		s += fmt.Sprintf(" after %d failed tries", n)
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
	return s + callsSummary(r.Calls)
}

// callsSummary says how the API answered each call: " · API 200",
// " · API 200, after refresh 401", " · API unreachable", " · API timed out".
func callsSummary(calls []report.Call) string {
	var parts []string
	for _, c := range calls {
		what := "unreachable"
		switch {
		case c.Response != nil:
			what = fmt.Sprint(c.Response.Status)
		case c.TimedOut:
			what = "timed out"
		}
		if c.Token == flow.CallTokenRefresh {
			what = "after refresh " + what
		}
		parts = append(parts, what)
	}
	if len(parts) == 0 {
		return ""
	}
	return " · API " + strings.Join(parts, ", ")
}
