package flow

import (
	"time"

	"github.com/authtrace/authtrace/report"
)

// Phase is where a run is. A phase event is emitted at every change.
type Phase string

const (
	PhasePreflight  Phase = "preflight"  // following the authorize chain with our own client
	PhaseWaiting    Phase = "waiting"    // listener up, browser opened, waiting for the callback
	PhaseExchanging Phase = "exchanging" // code -> tokens
	PhaseRefreshing Phase = "refreshing" // refresh grant
	PhaseCalling    Phase = "calling"    // the API, with the access token (Config.Calls)
	PhaseDone       Phase = "done"
	PhaseFailed     Phase = "failed"
)

// EventKind says which field of an Event is set.
type EventKind string

const (
	EventPhase    EventKind = "phase"    // Phase (and, for waiting: Listen, AuthorizeURL, Deadline)
	EventHop      EventKind = "hop"      // Hop
	EventFinding  EventKind = "finding"  // Finding
	EventExchange EventKind = "exchange" // Step: one token-endpoint attempt
	EventRefresh  EventKind = "refresh"  // Step: the refresh grant
	EventToken    EventKind = "token"    // Token
	EventLog      EventKind = "log"      // Text: a line of progress for people
	EventChain    EventKind = "chain"    // Chain: a new authorize request; the hops after it are its own
	EventCall     EventKind = "call"     // Call: a request to the API with the access token
)

// Event is one step of a run, handed to the emit function as it happens.
// Everything an event carries also ends up in the Report, so a consumer that
// only reads the report misses nothing.
type Event struct {
	Kind  EventKind `json:"event"`
	At    time.Time `json:"at"`
	Phase Phase     `json:"phase,omitempty"`

	// Set with PhaseWaiting.
	AuthorizeURL string    `json:"authorize_url,omitempty"`
	Listen       string    `json:"listen,omitempty"` // host:port of the loopback listener
	Deadline     time.Time `json:"deadline,omitzero"`

	Hop     *report.Hop     `json:"hop,omitempty"`
	Finding *report.Finding `json:"finding,omitempty"`
	Step    *report.Step    `json:"step,omitempty"`
	Token   *report.Token   `json:"token,omitempty"`
	Chain   *report.Chain   `json:"chain,omitempty"`
	Call    *report.Call    `json:"call,omitempty"`
	// Text is a log's line; for PhaseCalling, which access token the
	// calls send ("the refreshed access token").
	Text string `json:"text,omitempty"`
}

// Redact returns the event with its secrets hidden, for output: by field
// name, and every value in secrets wherever it stands. secrets are those
// of the run so far: a consumer applies each event to its own report
// (Apply) and passes report.SecretsOf of that, so an event's own secrets
// are among them.
func (e Event) Redact(secrets *report.Secrets) Event {
	return report.Scrub(secrets, e.redactFields())
}

func (e Event) redactFields() Event {
	if e.Hop != nil {
		h := e.Hop.Redact()
		e.Hop = &h
	}
	if e.Step != nil {
		s := e.Step.Redact()
		e.Step = &s
	}
	if e.Call != nil {
		c := e.Call.Redact()
		e.Call = &c
	}
	if e.Token != nil {
		t := e.Token.Redact()
		e.Token = &t
	}
	if e.Finding != nil {
		f := e.Finding.Redact()
		e.Finding = &f
	}
	e.AuthorizeURL = report.RedactURL(e.AuthorizeURL)
	e.Text = report.RedactText(e.Text)
	return e
}
