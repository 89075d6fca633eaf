package main

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/pflag"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// addOutputFlags adds the flags that say where a run's report goes, the
// same on login, trace and demo.
func (s *settings) addOutputFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&s.jsonOut, "json", false, "print the report as one JSON document on stdout, for jq and scripts (progress goes to stderr)")
	fs.BoolVar(&s.events, "events", false, `print NDJSON on stdout: one line per event as it happens, the last one the report ({"event":"report","report":{...}})`)
	fs.BoolVar(&s.reveal, "reveal", false, "show secrets (client secret, code, verifier, refresh token, token signatures) in the output")
	fs.StringVar(&s.reportFile, "report", "", "also write the report to `FILE` (mode 0600): Markdown for a ticket when it ends in .md, JSON otherwise; redacted unless --reveal")
}

// checkOutput refuses output flags that cannot all be had, before the run.
func (s *settings) checkOutput() error {
	if s.jsonOut && s.events {
		return usageErr("--json and --events both print to stdout; give one (--json: the report alone; --events: every event, then the report)")
	}
	return checkReportPath(s.reportFile)
}

// machine reports whether stdout is for a program (--json or --events),
// so no terminal UI.
func (s *settings) machine() bool { return s.jsonOut || s.events }

// reportEvent is the last line of --events: the run's report, in the shape
// of an event so that every line has an "event".
type reportEvent struct {
	Kind   string        `json:"event"` // "report"
	At     time.Time     `json:"at"`
	Report report.Report `json:"report"`
}

// writeReport prints the run's (redacted) report on stdout in the form the
// flags ask for.
func writeReport(w io.Writer, s *settings, rep report.Report) error {
	switch {
	case s.jsonOut:
		return report.EncodeJSON(w, rep, "  ")
	case s.events:
		return report.EncodeJSON(w, reportEvent{Kind: "report", At: time.Now(), Report: rep}, "")
	}
	// The same Markdown as the TUI's export: readable in a pipe, ready to
	// paste into a ticket.
	_, err := io.WriteString(w, report.Markdown(rep, decode.ReportClaims))
	return err
}

// sink takes the engine's events: NDJSON on stdout with --events, and a
// line of progress for people on stderr either way. It builds the run's
// report from the events as the engine does (flow.Apply), so that every
// secret the run has seen so far is hidden in what it writes.
type sink struct {
	mu      sync.Mutex
	events  io.Writer // nil without --events
	stderr  io.Writer
	reveal  bool
	byHand  bool // no browser is opened: say how to open the URL
	capture bool // authtrace's own captured browser opens it
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
	if s.events != nil {
		report.EncodeJSON(s.events, e, "") //nolint:errcheck // a closed stdout ends the run anyway
	}
	line := progressLine(e, s.byHand, s.capture)
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
// says no browser is opened, so the wait says how to log in by hand;
// capture that authtrace's captured browser opened it, so the wait does
// not say to open it if none opened. Text
// that came from outside (URLs, pages, error messages) goes through
// report.Printable: a hostile server must not drive the terminal.
func progressLine(e flow.Event, byHand, capture bool) string {
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
			if capture {
				return wait
			}
			return fmt.Sprintf("%s\n  if no browser opened, open this URL:\n  %s", wait, p(e.AuthorizeURL))
		case flow.PhaseExchanging:
			return "· exchanging the code for tokens"
		case flow.PhaseRefreshing:
			return "· refreshing"
		case flow.PhaseCalling:
			return "· calling the API with " + cmp.Or(p(e.Text), "the access token")
		}
	case flow.EventHop:
		h := e.Hop
		status := "   "
		if h.Status != 0 {
			status = fmt.Sprint(h.Status)
		}
		src := string(h.Source)
		if h.BrowserOnly {
			src += "!" // the preflight did not see it
		}
		line := fmt.Sprintf("  hop %-2d %-9s %s %-10s %s", h.N, src, status, h.Role, p(report.ShortURL(h.URL)))
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
			return fmt.Sprintf("  POST %s (%s): %s", report.ShortURL(st.Request.URL), st.Request.ClientAuth, p(st.Error))
		}
		return fmt.Sprintf("  POST %s (%s): HTTP %d %s", report.ShortURL(st.Request.URL), st.Request.ClientAuth, st.Response.Status, st.Response.Format)
	case flow.EventCall:
		c := e.Call
		token := map[string]string{"exchange": "the login's access token", "refresh": "the refreshed access token"}[c.Token]
		if token == "" {
			token = p(c.Token) + " access token"
		}
		if c.Response == nil {
			return fmt.Sprintf("  %s %s (%s): %s", c.Request.Method, p(report.ShortURL(c.Request.URL)), token, p(c.Error))
		}
		return fmt.Sprintf("  %s %s (%s): HTTP %d %s", c.Request.Method, p(report.ShortURL(c.Request.URL)), token, c.Response.Status, p(report.ContentTypeOr(c.Response.ContentType)))
	case flow.EventLog:
		return "· " + p(e.Text)
	case flow.EventChain:
		return fmt.Sprintf("· with %s, %s", e.Chain.Label(), p(e.Chain.RedirectURI))
	}
	return ""
}

// writeReportFile writes the (redacted) report to path: the Markdown
// report for a ticket when path ends in .md, the JSON report otherwise.
func writeReportFile(path string, rep report.Report) error {
	var data []byte
	if strings.EqualFold(filepath.Ext(path), ".md") {
		data = []byte(report.Markdown(rep, decode.ReportClaims))
	} else {
		var err error
		if data, err = report.MarshalJSON(rep, "  "); err != nil {
			return err
		}
	}
	return report.WriteFile(path, data, report.Replace)
}
