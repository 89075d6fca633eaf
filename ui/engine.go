package ui

import (
	"context"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// engineRun owns the goroutines that run the engine (the login, then any
// refresh made again): one context for all of them, the channel their
// events and results come back on, and a wait group so Run can wait for
// them after the program exits.
type engineRun struct {
	ctx    context.Context
	cancel context.CancelFunc
	events chan tea.Msg
	wg     *sync.WaitGroup
	mu     *sync.Mutex
	last   *doneMsg // the last result, also when the program quit first
}

func newEngineRun(ctx context.Context) engineRun {
	ctx, cancel := context.WithCancel(ctx)
	return engineRun{
		ctx: ctx, cancel: cancel,
		events: make(chan tea.Msg, 256),
		wg:     &sync.WaitGroup{}, mu: &sync.Mutex{}, last: &doneMsg{},
	}
}

// wait waits up to d for every engine goroutine to return.
func (r engineRun) wait(d time.Duration) {
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}

// start returns a command that runs fn (the engine or a refresh) and a
// command that delivers its events; each event re-arms the listener in
// Update, and the final doneMsg goes through the same channel, so it always
// comes after the events.
func (r engineRun) start(refresh bool, fn func(ctx context.Context, emit func(flow.Event)) (report.Report, error)) tea.Cmd {
	r.wg.Add(1)
	engine := func() tea.Msg {
		defer r.wg.Done()
		emit := func(ev flow.Event) {
			select {
			case r.events <- eventMsg(ev):
			case <-r.ctx.Done():
			}
		}
		rep, err := fn(r.ctx, emit)
		d := doneMsg{rep: rep, err: err, refresh: refresh}
		r.mu.Lock()
		*r.last = d
		r.mu.Unlock()
		select {
		case r.events <- d:
		case <-r.ctx.Done():
		}
		return nil
	}
	return tea.Batch(engine, r.listen())
}

// listen delivers the next event or result.
func (r engineRun) listen() tea.Cmd {
	return func() tea.Msg {
		select {
		case msg := <-r.events:
			return msg
		case <-r.ctx.Done():
			return nil
		}
	}
}

// lastResult is the last result an engine goroutine returned, read safely.
func (r engineRun) lastResult() doneMsg {
	r.mu.Lock()
	defer r.mu.Unlock()
	return *r.last
}
