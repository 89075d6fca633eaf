package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// openByHand says how to log in when authtrace opens no browser
// (--no-browser): the whole authorize URL, and, since that is mostly over
// SSH, how to bring the browser's redirect back to this machine's
// listener.
func openByHand(authorizeURL string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "· open this URL in a browser to log in:\n  %s\n", report.Printable(authorizeURL))
	if host, port := redirectHostPort(authorizeURL); port != "" {
		what, forward := "the callback port", fmt.Sprintf("-L %s:%s:%s", port, host, port)
		if u, err := url.Parse(authorizeURL); err == nil && flow.IsLoopbackURI(authorizeURL) && u.Port() != "" && u.Port() != port {
			// A provider on this machine (authtrace demo, a local test
			// server): the browser needs it too.
			what, forward = "the provider's and the callback's ports", fmt.Sprintf("-L %s:%s:%s %s", u.Port(), u.Hostname(), u.Port(), forward)
		}
		fmt.Fprintf(&b, "  in a browser on another machine (over SSH), forward %s first:\n  ssh %s USER@THIS-HOST\n", what, forward)
	}
	return b.String()
}

// redirectHostPort is the address the listener of the authorize URL's
// loopback redirect_uri binds (127.0.0.1 for localhost too, [::1]), and
// its port; "" when it has none.
func redirectHostPort(authorizeURL string) (host, port string) {
	u, err := url.Parse(authorizeURL)
	if err != nil {
		return "", ""
	}
	ru, err := url.Parse(u.Query().Get("redirect_uri"))
	if err != nil {
		return "", ""
	}
	host = "127.0.0.1"
	if ru.Hostname() == "::1" {
		host = "[::1]"
	}
	return host, ru.Port()
}

// openedByHand says, after the screen closed, which URL the login used:
// for the record, since its listener is closed now.
func openedByHand(authorizeURL string) string {
	return fmt.Sprintf("· the authorize URL of this login (its listener is closed now; run authtrace again to retry):\n  %s\n", report.Printable(authorizeURL))
}

// sentURL is the authorize URL a report says was sent, or "".
func sentURL(rep report.Report) string {
	for _, h := range rep.Hops {
		if h.Source == report.SourceSent {
			return h.URL
		}
	}
	return ""
}

// relay runs the engine ahead of the UI: it starts the run, waits until
// the authorize request is built (or the run ended before that), and then
// gives the UI a StartFunc that replays every event so far and passes the
// rest on as they come. With --no-browser the URL can then be printed
// before the screen starts, in the terminal's scrollback, where a person
// can copy it whole.
type relay struct {
	done   chan struct{} // closed when the run has returned
	mu     sync.Mutex
	more   chan struct{} // signalled when events or the end arrive
	events []flow.Event
	ended  bool
	rep    report.Report
	err    error
	cancel context.CancelFunc
}

// startAhead starts the run and returns the authorize URL ("" when the
// run ended before sending one) and the relay for the UI.
func startAhead(ctx context.Context, start engineFunc, cfg flow.Config) (string, *relay) {
	ctx, cancel := context.WithCancel(ctx)
	r := &relay{more: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	sent := make(chan string, 1)
	go func() {
		rep, err := start(ctx, cfg, func(e flow.Event) {
			if e.Kind == flow.EventHop && e.Hop.Source == report.SourceSent {
				select {
				case sent <- e.Hop.URL:
				default:
				}
			}
			r.mu.Lock()
			r.events = append(r.events, e)
			r.mu.Unlock()
			r.signal()
		})
		r.mu.Lock()
		r.ended, r.rep, r.err = true, rep, err
		r.mu.Unlock()
		r.signal()
		close(sent)
		close(r.done)
	}()
	return <-sent, r
}

// stop cancels the run, whether or not the UI ever started it, and waits
// for it to return, so that its listener is closed; as ui.Run does, not
// for ever.
func (r *relay) stop() {
	r.cancel()
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
	}
}

func (r *relay) signal() {
	select {
	case r.more <- struct{}{}:
	default:
	}
}

// start is the UI's StartFunc: the run's events in order, then its end.
// The UI's cancel (q, Ctrl-C) cancels the run. cfg is the one the run was
// started with.
func (r *relay) start(ctx context.Context, _ flow.Config, emit func(flow.Event)) (report.Report, error) {
	stop := context.AfterFunc(ctx, r.cancel)
	defer stop()
	next := 0
	for {
		r.mu.Lock()
		pending := r.events[next:]
		next = len(r.events)
		ended, rep, err := r.ended, r.rep, r.err
		r.mu.Unlock()
		for _, e := range pending {
			emit(e)
		}
		switch {
		case len(pending) > 0:
			// Look again before waiting: the end may have come meanwhile.
		case ended:
			return rep, err
		default:
			<-r.more
		}
	}
}
