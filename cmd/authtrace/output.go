package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// sink takes the engine's events: NDJSON on stdout with --json, and a line
// of progress for people on stderr either way. It builds the run's report
// from the events as the engine does (flow.Apply), so that every secret
// the run has seen so far is hidden in what it writes.
type sink struct {
	mu     sync.Mutex
	json   io.Writer // nil without --json
	stderr io.Writer
	reveal bool
	byHand bool // no browser is opened: say how to open the URL
	// transient keeps progress to one line on a terminal, rewritten in
	// place and cleared by end, for a view that shows it all afterwards.
	transient bool
	width     int           // of the terminal, with transient
	live      report.Report // the run so far, seeded with the settings
}

func newSink(cfg flow.Config, stderr io.Writer, reveal bool) *sink {
	return &sink{stderr: stderr, reveal: reveal, live: report.Report{Profile: flow.NewProfile(cfg)}}
}

func (s *sink) emit(e flow.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	flow.Apply(&s.live, e)
	if !s.reveal {
		e = e.Redact(report.SecretsOf(s.live))
	}
	if s.json != nil {
		report.EncodeJSON(s.json, e, "") //nolint:errcheck // a closed stdout ends the run anyway
	}
	line := progressLine(e, s.byHand)
	switch {
	case line == "":
	case s.transient:
		first, _, _ := strings.Cut(line, "\n")
		fmt.Fprintf(s.stderr, "\r\x1b[K%s", ansi.Truncate(first, s.width-1, "…"))
	default:
		fmt.Fprintln(s.stderr, line)
	}
}

// end clears the transient line.
func (s *sink) end() {
	if s.transient {
		io.WriteString(s.stderr, "\r\x1b[K")
	}
}

// progressLine says what an event means in one line, or nothing; byHand
// says no browser is opened, so the wait says how to log in by hand. Text
// that came from outside (URLs, pages, error messages) goes through
// report.Printable: a hostile server must not drive the terminal.
func progressLine(e flow.Event, byHand bool) string {
	p := report.Printable
	switch e.Kind {
	case flow.EventPhase:
		switch e.Phase {
		case flow.PhasePreflight:
			return "· following the authorize chain (preflight)"
		case flow.PhaseWaiting:
			left := time.Until(e.Deadline).Round(time.Second)
			wait := fmt.Sprintf("· waiting for the callback on %s (time left %s)", e.Listen, left)
			if byHand {
				return wait + "\n" + strings.TrimSuffix(openByHand(e.AuthorizeURL), "\n")
			}
			return fmt.Sprintf("%s\n  if no browser opened, open this URL:\n  %s", wait, p(e.AuthorizeURL))
		case flow.PhaseExchanging:
			return "· exchanging the code for tokens"
		case flow.PhaseRefreshing:
			return "· refreshing"
		}
	case flow.EventHop:
		h := e.Hop
		status := "   "
		if h.Status != 0 {
			status = fmt.Sprint(h.Status)
		}
		line := fmt.Sprintf("  hop %-2d %-9s %s %-10s %s", h.N, h.Source, status, h.Role, p(shortURL(h.URL)))
		if h.Error != "" {
			line += "\n         " + p(h.Error)
		}
		return line
	case flow.EventFinding:
		f := e.Finding
		return fmt.Sprintf("  %s %s: %s", strings.ToUpper(string(f.Severity)), f.Code, p(f.Message))
	case flow.EventExchange, flow.EventRefresh:
		st := e.Step
		if st.Response == nil {
			return fmt.Sprintf("  POST %s (%s): %s", shortURL(st.Request.URL), st.Request.ClientAuth, p(st.Error))
		}
		return fmt.Sprintf("  POST %s (%s): HTTP %d %s", shortURL(st.Request.URL), st.Request.ClientAuth, st.Response.Status, st.Response.Format)
	case flow.EventLog:
		return "· " + p(e.Text)
	}
	return ""
}

// shortURL drops the query: hop lines show where, the report shows all.
func shortURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i]
	}
	return u
}
