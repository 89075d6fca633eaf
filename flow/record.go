package flow

import (
	"context"
	"slices"
	"time"

	"github.com/authtrace/authtrace/report"
)

// Apply adds what one event carries to rep. It is the one reducer from
// events to a report: the engine builds the report it returns with it, as
// it emits each event, and the TUI builds its live report with it from the
// same events, so the two cannot drift apart.
//
// Events carry the hops, findings, token-endpoint steps and tokens. The
// rest of a report is the run's frame, which no event carries: the
// settings (NewProfile), the times and the error are set by whoever
// starts and ends the run.
func Apply(rep *report.Report, ev Event) {
	switch ev.Kind {
	case EventHop:
		if ev.Hop != nil {
			rep.Hops = append(rep.Hops, *ev.Hop)
		}
	case EventFinding:
		if ev.Finding != nil {
			rep.Findings = append(rep.Findings, *ev.Finding)
		}
	case EventChain:
		if ev.Chain != nil {
			rep.Chains = append(slices.Clip(rep.Chains), *ev.Chain)
		}
	case EventToken:
		if ev.Token != nil {
			rep.Tokens = append(rep.Tokens, *ev.Token)
		}
	case EventExchange:
		if ev.Step == nil {
			return
		}
		// Each exchange event is one attempt; the newest is the one
		// that counts and the earlier ones are kept (client-auth auto
		// tries the body, then Basic). A new Exchange, not an edit of
		// the old one: a copy of rep may still hold it.
		ex := report.Exchange{Step: *ev.Step}
		if old := rep.Exchange; old != nil {
			ex.Attempts = append(slices.Clone(old.Attempts), old.Step)
		}
		rep.Exchange = &ex
	case EventRefresh:
		if ev.Step != nil {
			rep.Refresh = &report.Refresh{Step: *ev.Step, Rotated: rotated(*ev.Step)}
		}
	case EventCall:
		if ev.Call != nil {
			rep.Calls = append(slices.Clip(rep.Calls), *ev.Call)
		}
	}
}

// rotated reports whether a refresh grant's answer carries a refresh token
// other than the one it was made with.
func rotated(st report.Step) bool {
	if st.Response == nil {
		return false
	}
	rt := st.Response.Fields["refresh_token"]
	return rt != "" && rt != st.Request.Form["refresh_token"]
}

// NewProfile is the part of a report's profile that the settings give.
// The values a run generates and sends (the redirect URI with its port,
// state, nonce, verifier) are added when it sends the authorize request.
func NewProfile(cfg Config) report.Profile {
	p := report.Profile{
		Issuer:       cfg.Issuer,
		AuthorizeURL: cfg.AuthorizeURL,
		TokenURL:     cfg.TokenURL,
		RefreshURL:   cfg.RefreshURL,
		JWKSURL:      cfg.JWKSURL,
		ClientID:     cfg.ClientID,
		ClientSecret: cfg.ClientSecret,
		Scope:        cfg.Scope,
		PKCE:         !cfg.NoPKCE,
		ClientAuth:   cfg.ClientAuth,
		ExpectAud:    cfg.ExpectAud,
		ExpectIss:    cfg.ExpectIss,
		Name:         cfg.Profile,
		As:           cfg.As,
		Connector:    cfg.Connector,
	}
	if len(cfg.Params) > 0 {
		p.Params = map[string]string{}
		for _, kv := range cfg.Params {
			p.Params[kv.Name] = kv.Value
		}
	}
	return p
}

// Replay is a run that makes no request: it emits the events that build
// rep (a report read from a HAR file) through Apply, as a live run emits
// its own, and returns rep. It has the shape the TUI starts a run with,
// so a HAR file's report is shown as a login's is.
func Replay(rep report.Report) func(ctx context.Context, cfg Config, emit func(Event)) (report.Report, error) {
	return func(ctx context.Context, _ Config, emit func(Event)) (report.Report, error) {
		for _, ev := range ReplayEvents(rep) {
			if err := ctx.Err(); err != nil {
				return rep, err
			}
			emit(ev)
		}
		return rep, nil
	}
}

// ReplayEvents are the events that Apply builds rep's hops, chains,
// findings, token-endpoint steps and tokens from, ending with done.
func ReplayEvents(rep report.Report) []Event {
	var evs []Event
	at := func(t time.Time) time.Time {
		if t.IsZero() {
			return rep.Finished
		}
		return t
	}
	for i := range rep.Chains {
		evs = append(evs, Event{Kind: EventChain, At: at(rep.Started), Chain: &rep.Chains[i]})
	}
	for i := range rep.Hops {
		evs = append(evs, Event{Kind: EventHop, At: at(rep.Hops[i].At), Hop: &rep.Hops[i]})
	}
	if ex := rep.Exchange; ex != nil {
		for i := range ex.Attempts {
			evs = append(evs, Event{Kind: EventExchange, At: at(time.Time{}), Step: &ex.Attempts[i]})
		}
		evs = append(evs, Event{Kind: EventExchange, At: at(time.Time{}), Step: &ex.Step})
	}
	for i := range rep.Tokens {
		evs = append(evs, Event{Kind: EventToken, At: at(time.Time{}), Token: &rep.Tokens[i]})
	}
	if rf := rep.Refresh; rf != nil {
		evs = append(evs, Event{Kind: EventRefresh, At: at(time.Time{}), Step: &rf.Step})
	}
	for i := range rep.Calls {
		evs = append(evs, Event{Kind: EventCall, At: at(time.Time{}), Call: &rep.Calls[i]})
	}
	for i := range rep.Findings {
		evs = append(evs, Event{Kind: EventFinding, At: at(time.Time{}), Finding: &rep.Findings[i]})
	}
	return append(evs, Event{Kind: EventPhase, At: at(time.Time{}), Phase: PhaseDone})
}
