package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress shows how far a long read has come, on stderr: one line
// rewritten in place on a terminal, a line every few seconds elsewhere
// (a CI log), so a 500 MB file never looks like a hang. A nil *progress
// shows nothing.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	what     string
	size     int64 // 0 when not known (stdin)
	terminal bool
	shown    time.Time
	every    time.Duration
	started  time.Time
	printed  bool
}

func newProgress(w io.Writer, what string, size int64) *progress {
	now := time.Now()
	// The first line after the first interval: a file read at once
	// shows none.
	p := &progress{w: w, what: what, size: size, terminal: isTerminal(w), started: now, shown: now}
	p.every = 5 * time.Second
	if p.terminal {
		p.every = 100 * time.Millisecond
	}
	return p
}

// set says read bytes have been read so far.
func (p *progress) set(read int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.shown) < p.every {
		return
	}
	p.shown = now
	line := fmt.Sprintf("%s: %s", p.what, megabytes(read))
	if p.size > 0 {
		line += fmt.Sprintf(" of %s (%d%%)", megabytes(p.size), read*100/p.size)
	}
	if p.terminal {
		fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
	p.printed = true
}

// end clears the line on a terminal.
func (p *progress) end() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal && p.printed {
		io.WriteString(p.w, "\r\x1b[K")
	}
}

func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
