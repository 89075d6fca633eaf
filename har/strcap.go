package har

import (
	"bytes"
	"encoding/binary"
	"io"
)

// maxString is how long a run of JSON text without a quote may be when
// Read meets it: longer, it is inside a string, which is cut there and
// the rest dropped up to the closing quote. A JSON decoder must hold a
// whole string to read it, so one 2 GB body would cost 2 GB; Read keeps
// at most MaxBody of a body anyway (its base64, 4/3 of that, fits).
const maxString = 8 << 20

// safeAfter is how many bytes after a backslash a cut splits no escape
// ("\u00e9" is the longest).
const safeAfter = 6

// stringCap passes JSON text through unchanged, except that a run of
// more than max bytes without a quote character inside a string (a body
// of base64, text or markup) is cut, and the rest of that string, up to
// its closing quote, is dropped. The cut falls safeAfter bytes past any
// backslash, so it splits no escape; and it is made only in a run that
// has a byte no JSON text outside a string can have (a letter other than
// those of true, false and null), so text outside strings is never cut
// and valid JSON stays valid. It works a read at a time: a read with a
// quote in it only moves where the last quote was (found a word at a
// time), so text passes at memory speed and is never copied unless cut.
type stringCap struct {
	r   io.Reader
	max int
	gap int // bytes since the last quote character
	// since is how many bytes have passed since the last backslash,
	// up to safeAfter.
	since int
	// skip drops the rest of a cut string; bs counts the backslashes
	// just before the current position, in it.
	skip bool
	bs   int
	cut  int // strings cut
}

func (s *stringCap) Read(p []byte) (int, error) {
	for {
		n, err := s.r.Read(p)
		if n > 0 {
			if w := s.filter(p[:n]); w > 0 || err != nil {
				return w, err
			}
			continue // all of it dropped: read on
		}
		return 0, err
	}
}

// filter rewrites b in place and returns how much of it to keep.
func (s *stringCap) filter(b []byte) int {
	if s.skip {
		q, ok := s.closing(b, 0)
		if !ok {
			return 0
		}
		n := copy(b, b[q:]) // from the closing quote on
		s.gap = 0
		return 1 + s.filter(b[1:n])
	}
	first := bytes.IndexByte(b, '"')
	if first < 0 {
		return s.tail(b, 0) // all of it one run, going on
	}
	// The run the last read ended in, up to the first quote.
	if s.gap+first > s.max {
		if n, ok := s.tryCut(b, 0, first); ok {
			return n
		}
	}
	s.gap = 0
	if len(b) > s.max {
		// A read longer than max (the decoder's buffer grew for a big
		// string): any run between two quotes can be too long.
		for prev := first; ; {
			j := bytes.IndexByte(b[prev+1:], '"')
			if j < 0 {
				break
			}
			q := prev + 1 + j
			if q-prev-1 > s.max {
				if n, ok := s.tryCut(b, prev+1, q); ok {
					return n
				}
			}
			prev = q
		}
	}
	return s.tail(b, lastQuote(b)+1)
}

// tail counts the run from b[start] to the end of b, which the next read
// goes on with, cutting it when it is too long.
func (s *stringCap) tail(b []byte, start int) int {
	if s.gap+len(b)-start > s.max {
		if n, ok := s.tryCut(b, start, len(b)); ok {
			return n
		}
	}
	s.gap += len(b) - start
	s.since = sinceBackslash(b, len(b), s.since)
	return len(b)
}

// tryCut cuts the run b[start:end] (s.gap bytes long before start) at
// max, if it is in a string and can be cut without splitting an escape,
// and drops the rest of the string; it returns how much of b is kept.
func (s *stringCap) tryCut(b []byte, start, end int) (int, bool) {
	c, ok := s.cutAt(b, start+max(s.max-s.gap, 0), end)
	if !ok || !stringOnly(b[start:end]) {
		return 0, false
	}
	s.cut++
	s.skip, s.bs = true, 0
	q, found := s.closing(b, c)
	if !found {
		return c, true
	}
	n := copy(b[c:], b[q:])
	s.gap = 0
	return c + 1 + s.filter(b[c+1:c+n]), true
}

// stringOnly reports whether b has a byte that JSON text outside a
// string cannot have: then b is in a string.
func stringOnly(b []byte) bool {
	for _, c := range b {
		if !outside[c] {
			return true
		}
	}
	return false
}

// outside are the bytes JSON text outside strings is made of.
var outside = func() (t [256]bool) {
	for _, c := range []byte(" \t\r\n{}[],:0123456789+-.eEtruefalsn") {
		t[c] = true
	}
	return t
}()

// lastQuote is the index of the last quote in b, -1 without one, found
// eight bytes at a time.
func lastQuote(b []byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	const quotes = ones * '"'
	i := len(b)
	for i >= 8 {
		x := binary.LittleEndian.Uint64(b[i-8:i]) ^ quotes
		if (x-ones)&^x&highs != 0 {
			break // a quote in these eight
		}
		i -= 8
	}
	for i > 0 {
		i--
		if b[i] == '"' {
			return i
		}
	}
	return -1
}

// cutAt is the first place at or after at, before end, that is safeAfter
// bytes past the last backslash.
func (s *stringCap) cutAt(b []byte, at, end int) (int, bool) {
	for at < end {
		since := sinceBackslash(b, at, s.since)
		if since >= safeAfter {
			return at, true
		}
		at += safeAfter - since
	}
	return 0, false
}

// closing finds the quote that closes the string being skipped, from
// b[from] on, and ends the skip; false when b has none.
func (s *stringCap) closing(b []byte, from int) (int, bool) {
	for i := from; ; {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			s.bs = backslashRun(b, i, len(b), s.bs)
			return 0, false
		}
		q := i + j
		if backslashRun(b, i, q, s.bs)%2 == 0 {
			s.skip, s.bs = false, 0
			return q, true
		}
		s.bs, i = 0, q+1 // an escaped quote
	}
}

// sinceBackslash is how many bytes before b[end] follow the last
// backslash, up to safeAfter, counting carried (the bytes since one
// before b) when there is none in b[:end].
func sinceBackslash(b []byte, end, carried int) int {
	lo := max(0, end-safeAfter)
	if k := bytes.LastIndexByte(b[lo:end], '\\'); k >= 0 {
		return end - (lo + k) - 1
	}
	if lo > 0 {
		return safeAfter
	}
	return min(carried+end, safeAfter)
}

// backslashRun is the run of backslashes that ends at b[end-1], counting
// carried (the run before b[from]) when it reaches from.
func backslashRun(b []byte, from, end, carried int) int {
	k := end
	for k > from && b[k-1] == '\\' {
		k--
	}
	if k == from {
		return carried + end - from
	}
	return end - k
}
