package har

import (
	"bufio"
	"io"
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// splicer copies JSON from its input to its output byte for byte, white
// space and escapes included, except for the spans of the values given a
// replacement (edit). It reads token by token and writes what it has read
// as it goes, so it holds no more than the decoder's buffer and the
// longest single token, however big the input.
//
// A caller that must read past a value before it knows whether to replace
// it (a header's value before a later name, a body before its encoding)
// raises hold: nothing is written while it is up.
type splicer struct {
	dec   *jsontext.Decoder
	in    *tee
	out   *bufio.Writer
	edits []edit // sorted by start; not yet written
	hold  int
	err   error // the first write error
}

// edit replaces the input bytes [start, end) with repl.
type edit struct {
	start, end int64
	repl       []byte
}

// tee keeps the bytes the decoder reads until the splicer has written
// them: buf[head:] are the input bytes from offset base+head on.
type tee struct {
	r    io.Reader
	buf  []byte
	base int64
	head int
}

func (t *tee) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

func newSplicer(r io.Reader, w io.Writer) *splicer {
	in := &tee{r: r}
	return &splicer{
		// The same leniency as Read: what Read accepts is copied.
		dec: jsontext.NewDecoder(in, jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true)),
		in:  in,
		out: bufio.NewWriterSize(w, 64<<10),
	}
}

// flush writes the input read so far, with its edits, unless a decision
// is held.
func (s *splicer) flush() {
	if s.hold > 0 {
		return
	}
	s.writeTo(s.dec.InputOffset())
}

// writeTo writes the input up to offset to, applying the edits before it.
func (s *splicer) writeTo(to int64) {
	t := s.in
	for len(s.edits) > 0 && s.edits[0].start < to {
		e := s.edits[0]
		s.write(t.buf[t.head : e.start-t.base])
		s.write(e.repl)
		t.head = int(e.end - t.base)
		s.edits = s.edits[1:]
	}
	if end := int(to - t.base); end > t.head {
		s.write(t.buf[t.head:end])
		t.head = end
	}
	// Drop what is written once it is most of the buffer, so that the
	// copy it costs is rare.
	if t.head >= 64<<10 && 2*t.head >= len(t.buf) {
		n := copy(t.buf, t.buf[t.head:])
		t.buf = t.buf[:n]
		t.base += int64(t.head)
		t.head = 0
	}
}

func (s *splicer) write(b []byte) {
	if s.err == nil && len(b) > 0 {
		_, s.err = s.out.Write(b)
	}
}

// edit replaces the input [start, end), which must not be written yet,
// with the JSON string v.
func (s *splicer) edit(start, end int64, v string) {
	repl, _ := jsontext.AppendQuote(nil, v) // invalid UTF-8 becomes U+FFFD, still a string
	e := edit{start, end, repl}
	i, _ := slices.BinarySearchFunc(s.edits, e, func(a, b edit) int { return int(a.start - b.start) })
	s.edits = slices.Insert(s.edits, i, e)
}

// finish reads past the trailing white space and writes it, then flushes
// the output. rest says there was more after the last value, which is not
// written.
func (s *splicer) finish() (rest bool, err error) {
	s.hold = 0
	s.writeTo(s.dec.InputOffset())
	_, err = s.dec.ReadToken()
	rest = err != io.EOF
	if !rest {
		s.write(s.in.buf[s.in.head:])
	}
	if s.err == nil {
		s.err = s.out.Flush()
	}
	return rest, s.err
}

// str reads a string (or a number) and returns it with the span of its
// JSON text.
func (s *splicer) str() (v string, start, end int64, err error) {
	before := s.dec.InputOffset()
	tok, err := s.dec.ReadToken()
	if err != nil {
		return "", 0, 0, err
	}
	end = s.dec.InputOffset()
	// Between two tokens there is only white space, a colon or a comma.
	start = before
	for t := s.in; start < end && strings.IndexByte(" \t\r\n:,", t.buf[start-t.base]) >= 0; start++ {
	}
	return tok.String(), start, end, nil
}

// atName reports whether the next token is an object member's name.
func (s *splicer) atName() bool {
	k, n := s.dec.StackIndex(s.dec.StackDepth())
	return k == '{' && n%2 == 0
}

// pass copies the next value, with fix given each string value in it (not
// the names) to replace it when fix says so.
func (s *splicer) pass(fix func(string) (string, bool)) error {
	depth := s.dec.StackDepth()
	for {
		if s.dec.PeekKind() == '"' && fix != nil && !s.atName() {
			v, start, end, err := s.str()
			if err != nil {
				return err
			}
			if r, ok := fix(v); ok {
				s.edit(start, end, r)
			}
		} else if _, err := s.dec.ReadToken(); err != nil {
			return err
		}
		s.flush()
		if s.dec.StackDepth() == depth {
			return nil
		}
	}
}

// object reads an object member by member, calling field with each name;
// field must read the value. Anything else where an object should be is
// passed with fix.
func (s *splicer) object(fix func(string) (string, bool), field func(name string) error) error {
	if s.dec.PeekKind() != '{' {
		return s.pass(fix)
	}
	if _, err := s.dec.ReadToken(); err != nil {
		return err
	}
	for s.dec.PeekKind() != '}' {
		tok, err := s.dec.ReadToken()
		if err != nil {
			return err
		}
		if err := field(tok.String()); err != nil {
			return err
		}
	}
	_, err := s.dec.ReadToken()
	s.flush()
	return err
}

// array reads an array, calling elem for each element; elem must read it.
// Anything else where an array should be is passed with fix.
func (s *splicer) array(fix func(string) (string, bool), elem func() error) error {
	if s.dec.PeekKind() != '[' {
		return s.pass(fix)
	}
	if _, err := s.dec.ReadToken(); err != nil {
		return err
	}
	for s.dec.PeekKind() != ']' {
		if err := elem(); err != nil {
			return err
		}
	}
	_, err := s.dec.ReadToken()
	s.flush()
	return err
}
