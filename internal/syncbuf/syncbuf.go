// Package syncbuf is, for tests, a buffer a program's output goroutine
// writes while the test reads it: the screen of a Bubble Tea program run
// with a buffer for a terminal.
package syncbuf

import (
	"strings"
	"sync"
)

// Buffer is a strings.Builder safe for one writer and readers at once.
type Buffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Tail is the last n bytes of s, for a failure message about a long
// output.
func Tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
