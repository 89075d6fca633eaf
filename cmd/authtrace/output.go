package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// sink takes the engine's events: NDJSON on stdout with --json, and a line
// of progress for people on stderr either way.
type sink struct {
	mu     sync.Mutex
	json   *json.Encoder // nil without --json
	stderr io.Writer
	reveal bool
}

func (s *sink) emit(e flow.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.reveal {
		e = e.Redact()
	}
	if s.json != nil {
		s.json.Encode(e) //nolint:errcheck // a closed stdout ends the run anyway
	}
	if line := progressLine(e); line != "" {
		fmt.Fprintln(s.stderr, line)
	}
}

// progressLine says what an event means in one line, or nothing. Text
// that came from outside (URLs, pages, error messages) goes through
// report.Printable: a hostile server must not drive the terminal.
func progressLine(e flow.Event) string {
	p := report.Printable
	switch e.Kind {
	case flow.EventPhase:
		switch e.Phase {
		case flow.PhasePreflight:
			return "· following the authorize chain (preflight)"
		case flow.PhaseWaiting:
			left := time.Until(e.Deadline).Round(time.Second)
			return fmt.Sprintf("· waiting for the callback on %s (time left %s)\n  if no browser opened, open this URL:\n  %s", e.Listen, left, p(e.AuthorizeURL))
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

// writeText prints the report for people.
func writeText(w io.Writer, r report.Report) {
	errs, warns, infos := r.Count()
	fmt.Fprintf(w, "authtrace %s: %d error(s), %d warning(s), %d note(s)\n", r.Command, errs, warns, infos)
	if r.Error != "" {
		fmt.Fprintf(w, "stopped early: %s\n", r.Error)
	}
	p := r.Profile
	fmt.Fprintf(w, "\nSent\n  client_id     %s\n  redirect_uri  %s\n  state         %s\n", p.ClientID, p.RedirectURI, p.State)
	if p.Scope != "" {
		fmt.Fprintf(w, "  scope         %s\n", p.Scope)
	}
	fmt.Fprintf(w, "\nHops\n")
	for _, h := range r.Hops {
		status := "-"
		if h.Status != 0 {
			status = fmt.Sprint(h.Status)
		}
		fmt.Fprintf(w, "  %2d %-9s %-10s %-3s %s\n", h.N, h.Source, h.Role, status, shortURL(h.URL))
		for _, k := range []string{"state", "redirect_uri", "audience", "resource", "organization", "error", "error_description"} {
			if v, ok := h.Params[k]; ok {
				fmt.Fprintf(w, "       %-13s %s\n", k, v)
			}
		}
		if h.Error != "" {
			fmt.Fprintf(w, "       %s\n", h.Error)
		}
		if h.Page != "" {
			fmt.Fprintf(w, "       page: %s\n", h.Page)
		}
	}
	if ex := r.Exchange; ex != nil {
		fmt.Fprintf(w, "\nToken exchange\n")
		for _, st := range append(append([]report.Step(nil), ex.Attempts...), ex.Step) {
			writeStep(w, st)
		}
	}
	if rf := r.Refresh; rf != nil {
		fmt.Fprintf(w, "\nRefresh (rotated: %v)\n", rf.Rotated)
		writeStep(w, rf.Step)
	}
	if len(r.Tokens) > 0 {
		fmt.Fprintf(w, "\nTokens\n")
		now := time.Now()
		for _, t := range r.Tokens {
			fmt.Fprintf(w, "  %s (%s)\n", t.Kind, t.Format)
			tok, err := decode.Parse(t.Raw)
			if err != nil {
				continue
			}
			for _, f := range decode.Fields(tok.Claims, now, time.Local) {
				fmt.Fprintf(w, "    %-10s %s\n", f.Name, f.Value)
				if f.When != "" {
					fmt.Fprintf(w, "    %-10s %s\n", "", f.When)
				}
			}
		}
	}
	fmt.Fprintf(w, "\nFindings\n")
	if len(r.Findings) == 0 {
		fmt.Fprintf(w, "  none\n")
	}
	for _, f := range r.Findings {
		where := ""
		if f.Hop != 0 {
			where = fmt.Sprintf(" (hop %d)", f.Hop)
		} else if f.Token != "" {
			where = " (" + f.Token + ")"
		}
		fmt.Fprintf(w, "  %-5s %s%s: %s\n", strings.ToUpper(string(f.Severity)), f.Code, where, f.Message)
		if f.Hint != "" {
			fmt.Fprintf(w, "        fix: %s\n", f.Hint)
		}
	}
}

func writeStep(w io.Writer, st report.Step) {
	fmt.Fprintf(w, "  POST %s (client auth: %s)\n", st.Request.URL, st.Request.ClientAuth)
	if st.Response != nil {
		fmt.Fprintf(w, "       HTTP %d, %s, %d ms\n", st.Response.Status, st.Response.Format, st.Response.DurationMS)
	}
	if st.Error != "" {
		fmt.Fprintf(w, "       %s\n", st.Error)
	}
}
