package har

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// DefaultMaxBody is how much of a kept body Read keeps: a token answer or
// an error page is far smaller, and a bigger body is not what a login's
// diagnosis reads.
const DefaultMaxBody = 1 << 20

// maxNotes is how many notes of each kind Read keeps; the rest are
// counted in the last one.
const maxNotes = 10

// ReadOptions says what Read keeps.
type ReadOptions struct {
	// KeepBody says whether an entry's response body is decoded and kept
	// in Content.Text. It sees the entry as read so far: in every browser's
	// export the request and the response's status, headers and redirectURL
	// come before the body, so those are set. nil keeps no body.
	KeepBody func(e *Entry) bool
	// MaxBody caps a kept response body and a request body
	// (DefaultMaxBody when 0).
	MaxBody int
	// Progress is called with the number of bytes read so far, each time
	// more are read (about every 64 KiB).
	Progress func(read int64)
}

// ErrTruncated is wrapped by the *Error of a file that ends (or stops being
// JSON) before its end: the entries before the cut were handed over.
var ErrTruncated = errors.New("the HAR file ends before its end")

// ErrNotHAR is wrapped by the *Error of input that is not a HAR file at
// all: not JSON, binary, JSON of another shape.
var ErrNotHAR = errors.New("not a HAR file")

// Error is a HAR file that cannot be read (further): where in the input,
// and what was there.
type Error struct {
	Offset  int64  // bytes into the (decompressed) input
	Problem string // what was wrong, in words
	Err     error  // ErrTruncated, ErrNotHAR, or what reading failed with
}

func (e *Error) Error() string {
	if e.Offset > 0 {
		return fmt.Sprintf("%s (at byte %d)", e.Problem, e.Offset)
	}
	return e.Problem
}

func (e *Error) Unwrap() error { return e.Err }

// Open opens path for Read, "-" being stdin. A gzip-compressed file is
// decompressed, whatever its name (support portals and mail hand on
// .har.gz and .gz alike). size is the file's size, for progress: -1 for
// stdin, anything that is not a regular file, and a compressed file
// (Read counts decompressed bytes, whose total is not known). Close
// closes the file only, so that it can end a Read in progress from
// another goroutine (Ctrl-C) without touching the decompressor it uses.
func Open(path string, stdin io.Reader) (rc io.ReadCloser, size int64, err error) {
	var r io.Reader
	var closer io.Closer = io.NopCloser(nil)
	size = -1
	if path == "-" {
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, -1, err
		}
		if fi, err := f.Stat(); err == nil {
			if fi.IsDir() {
				f.Close()
				return nil, -1, fmt.Errorf("%s is a folder: give the .har file itself", path)
			}
			if fi.Mode().IsRegular() {
				size = fi.Size()
			}
		}
		r, closer = f, f
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			closer.Close()
			return nil, -1, fmt.Errorf("%s looks gzip-compressed but does not decompress: %w", path, err)
		}
		return readCloser{zr, closer}, -1, nil
	}
	return readCloser{br, closer}, size, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// counter counts the bytes read through it and reports them.
type counter struct {
	r        io.Reader
	n        int64
	progress func(int64)
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil && n > 0 {
		c.progress(c.n)
	}
	return n, err
}

// reader is one Read: the decoder, the options and what it has noted.
type reader struct {
	dec     *jsontext.Decoder
	in      *counter
	opt     ReadOptions
	file    File
	entry   int // the entry being read, -1 outside entries
	noted   map[string]int
	started time.Time // the previous entry's, for the order note
}

// Read reads the HAR file r and hands each entry to each, in file order,
// as soon as it is read. It keeps nothing of an entry after each returns,
// and decodes a response body only when opt.KeepBody asks for it: a file
// of any size is read in little memory.
//
// Reading is lenient, as browsers and sanitisers write files that are not
// quite HAR 1.2: a byte order mark, names in another case, numbers as
// strings, missing fields, invalid UTF-8, unknown fields (ignored). Each
// leniency is a Note in the File. Input that is not a HAR file is an
// *Error wrapping ErrNotHAR; a file that ends before its end is an *Error
// wrapping ErrTruncated, after the entries before the cut were handed
// over. An error from each stops the reading and is returned as it is.
func Read(r io.Reader, opt ReadOptions, each func(Entry) error) (File, error) {
	if opt.MaxBody <= 0 {
		opt.MaxBody = DefaultMaxBody
	}
	in := &counter{r: r, progress: opt.Progress}
	br := bufio.NewReaderSize(in, 64<<10)
	rd := &reader{in: in, opt: opt, entry: -1, noted: map[string]int{}}
	if err := rd.start(br); err != nil {
		rd.file.Bytes = in.n
		return rd.file, err
	}
	// Strings past maxString are cut on the way in: the decoder would
	// hold a 2 GB body whole to skip it.
	sc := &stringCap{r: br, max: max(maxString, rd.opt.MaxBody/3*4+16)}
	rd.dec = jsontext.NewDecoder(sc, jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	err := rd.top(each)
	rd.file.Bytes = in.n
	if sc.cut > 0 {
		rd.entry = -1
		rd.note("%d strings (bodies) longer than %d MiB were read only up to there", sc.cut, sc.max>>20)
	}
	return rd.file, err
}

// start looks at the first bytes: a byte order mark is skipped (and
// noted), UTF-16 and input that is plainly not JSON are refused with what
// they look like.
func (rd *reader) start(br *bufio.Reader) error {
	head, _ := br.Peek(512)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		rd.note("the file starts with a UTF-8 byte order mark (read past it)")
		head = head[3:]
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return &Error{Problem: "the file is UTF-16 text: save it as UTF-8 (browsers export HAR as UTF-8; an editor converted this one)", Err: ErrNotHAR}
	}
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return &Error{Problem: "the file is gzip-compressed twice: decompress it once (gunzip) and give the result", Err: ErrNotHAR}
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return &Error{Problem: "the file is a ZIP archive: unzip it and give the .har file inside", Err: ErrNotHAR}
	case bytes.HasPrefix(head, []byte("7z\xBC\xAF")), bytes.HasPrefix(head, []byte("Rar!")):
		return &Error{Problem: "the file is a 7-Zip or RAR archive: unpack it and give the .har file inside", Err: ErrNotHAR}
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 {
		if len(head) == 0 {
			return &Error{Problem: "the file is empty", Err: ErrNotHAR}
		}
		return &Error{Problem: "the file holds only white space", Err: ErrNotHAR}
	}
	switch trimmed[0] {
	case '{':
		return nil
	case '<':
		return &Error{Problem: "the file is HTML or XML, not a HAR file: export the HAR from the browser's developer tools (Network tab, \"Save all as HAR\")", Err: ErrNotHAR}
	case '[':
		return &Error{Problem: "the file is a JSON array, not a HAR file (a HAR file is a JSON object with \"log\"): export the HAR from the browser's developer tools (Network tab, \"Save all as HAR\")", Err: ErrNotHAR}
	}
	if !utf8.Valid(trimmed[:min(len(trimmed), 64)]) || bytes.IndexByte(trimmed, 0) >= 0 {
		return &Error{Problem: "the file is binary data, not a HAR file (a HAR file is JSON text): check that it is the .har the browser saved", Err: ErrNotHAR}
	}
	return &Error{Problem: fmt.Sprintf("the file is not JSON (it starts with %q): a HAR file is a JSON object with \"log\"", firstLine(trimmed)), Err: ErrNotHAR}
}

func firstLine(b []byte) string {
	s := string(b[:min(len(b), 40)])
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return s
}

// maxValue caps a URL or a header value: far longer than any browser
// sends (Chrome's URLs end at 2 MB, servers refuse far less), short
// enough that a hostile file cannot make a report of hundreds of MB.
const maxValue = 128 << 10

// capped cuts v at maxValue, with a note naming what.
func (rd *reader) capped(v, what string) string {
	if len(v) <= maxValue {
		return v
	}
	rd.note("entry %d's %s is %d bytes long (cut at %d KiB)", rd.entry+1, what, len(v), maxValue>>10)
	return v[:maxValue]
}

// note records a leniency, about the entry being read when there is one.
// The same kind of note is kept maxNotes times, then counted.
func (rd *reader) note(format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	kind := format
	rd.noted[kind]++
	switch n := rd.noted[kind]; {
	case n <= maxNotes:
		rd.file.Notes = append(rd.file.Notes, Note{Entry: rd.entry, Text: text})
	case n == maxNotes+1:
		rd.file.Notes = append(rd.file.Notes, Note{Entry: -1, Text: "more notes like the one before were left out"})
	}
}

// fail turns a decoding error into an *Error: a cut-off file is
// ErrTruncated once any entry was read (what came before is good), and
// not a HAR file before that.
func (rd *reader) fail(err error) error {
	var he *Error
	if errors.As(err, &he) {
		return err
	}
	off := rd.dec.InputOffset()
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		off = se.ByteOffset
	}
	cut := errors.Is(err, io.ErrUnexpectedEOF)
	var corrupt flate.CorruptInputError
	damaged := errors.As(err, &corrupt) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader)
	if rd.file.Entries > 0 || rd.entry >= 0 {
		problem := "the file is cut off"
		switch {
		case damaged:
			problem = "the gzip-compressed file is damaged (" + gzipProblem(err, corrupt) + ")"
		case !cut:
			problem = "the file stops being valid JSON: " + plainSyntax(err)
		}
		// People count entries from 1: the cut is in the next one.
		where := fmt.Sprintf("in entry %d; the %d entries before it were read", rd.file.Entries+1, rd.file.Entries)
		if rd.file.Entries == 0 {
			where = "in its first entry"
		}
		return &Error{Offset: off, Problem: problem + " " + where, Err: ErrTruncated}
	}
	if damaged {
		return &Error{Offset: off, Problem: "the gzip-compressed file is damaged (" + gzipProblem(err, corrupt) + "): ask for it again, or for the .har uncompressed", Err: ErrNotHAR}
	}
	if cut {
		return &Error{Offset: off, Problem: "the file is cut off before its first entry", Err: ErrNotHAR}
	}
	if !errors.As(err, &se) {
		return &Error{Offset: off, Problem: "reading the file: " + err.Error(), Err: err}
	}
	return &Error{Offset: off, Problem: "the file is not valid JSON: " + plainSyntax(err), Err: ErrNotHAR}
}

// gzipProblem says what was wrong with a damaged gzip stream, in the
// decompressor's words without the decoder's around them.
func gzipProblem(err error, corrupt flate.CorruptInputError) string {
	switch {
	case errors.Is(err, gzip.ErrChecksum):
		return "its checksum does not match"
	case errors.Is(err, gzip.ErrHeader):
		return "a header is invalid"
	}
	return corrupt.Error()
}

// plainSyntax is a jsontext error without its package prefix.
func plainSyntax(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "jsontext: ")
	return s
}

// top reads the file's top-level object, looking for log.
func (rd *reader) top(each func(Entry) error) error {
	if _, err := rd.dec.ReadToken(); err != nil { // {
		return rd.fail(err)
	}
	sawLog := false
	for rd.dec.PeekKind() != '}' {
		name, err := rd.name()
		if err != nil {
			return rd.fail(err)
		}
		switch {
		case strings.EqualFold(name, "log") && rd.dec.PeekKind() == '{':
			if name != "log" {
				rd.note("the top-level key is %q, not \"log\"", name)
			}
			sawLog = true
			if err := rd.log(each); err != nil {
				return err
			}
		case strings.EqualFold(name, "entries") && rd.dec.PeekKind() == '[':
			rd.note("the entries are at the top level, not under \"log\"")
			sawLog = true
			if err := rd.entries(each); err != nil {
				return err
			}
		default:
			if err := rd.dec.SkipValue(); err != nil {
				return rd.fail(err)
			}
		}
	}
	if _, err := rd.dec.ReadToken(); err != nil { // }
		return rd.fail(err)
	}
	if !sawLog {
		return rd.notHAR()
	}
	return nil
}

// notHAR is the error of JSON without a log.
func (rd *reader) notHAR() error {
	return &Error{Problem: "the file is JSON but not a HAR file: it has no \"log\" object with \"entries\" (export the HAR from the browser's developer tools: Network tab, \"Save all as HAR\")", Err: ErrNotHAR}
}

// name reads an object member's name.
func (rd *reader) name() (string, error) {
	tok, err := rd.dec.ReadToken()
	if err != nil {
		return "", err
	}
	return tok.String(), nil
}

// object reads an object member by member, calling field for each name;
// field must consume the value (a field it returns false for is skipped).
func (rd *reader) object(field func(name string) (bool, error)) error {
	if rd.dec.PeekKind() != '{' {
		return rd.dec.SkipValue()
	}
	if _, err := rd.dec.ReadToken(); err != nil {
		return err
	}
	for rd.dec.PeekKind() != '}' {
		name, err := rd.name()
		if err != nil {
			return err
		}
		done, err := field(name)
		if err != nil {
			return err
		}
		if !done {
			if err := rd.dec.SkipValue(); err != nil {
				return err
			}
		}
	}
	_, err := rd.dec.ReadToken()
	return err
}

// array reads an array element by element; elem must consume each.
// Anything else where an array should be is skipped.
func (rd *reader) array(elem func() error) error {
	if rd.dec.PeekKind() != '[' {
		return rd.dec.SkipValue()
	}
	if _, err := rd.dec.ReadToken(); err != nil {
		return err
	}
	for rd.dec.PeekKind() != ']' {
		if err := elem(); err != nil {
			return err
		}
	}
	_, err := rd.dec.ReadToken()
	return err
}

// scalar reads a string, number or boolean as text; null is "", and an
// object or array is skipped ("", false).
func (rd *reader) scalar() (string, bool, error) {
	switch rd.dec.PeekKind() {
	case '{', '[':
		return "", false, rd.dec.SkipValue()
	case 'n':
		_, err := rd.dec.ReadToken()
		return "", true, err
	}
	tok, err := rd.dec.ReadToken()
	if err != nil {
		return "", false, err
	}
	return tok.String(), true, nil
}

func (rd *reader) log(each func(Entry) error) error {
	err := rd.object(func(name string) (bool, error) {
		switch strings.ToLower(name) {
		case "version":
			v, _, err := rd.scalar()
			rd.file.Version = v
			return true, err
		case "creator":
			v, err := rd.nameVersion()
			rd.file.Creator = v
			return true, err
		case "browser":
			v, err := rd.nameVersion()
			rd.file.Browser = v
			return true, err
		case "pages":
			return true, rd.array(func() error {
				rd.file.Pages++
				return rd.dec.SkipValue()
			})
		case "entries":
			return true, rd.entries(each)
		}
		return false, nil
	})
	if err != nil {
		return rd.fail(err)
	}
	switch rd.file.Version {
	case "1.2":
	case "":
		rd.note("log.version is missing (read as HAR 1.2)")
	default:
		rd.note("log.version is %q, not 1.2 (read as HAR 1.2)", rd.file.Version)
	}
	return nil
}

// nameVersion reads a creator or browser object as "name version".
func (rd *reader) nameVersion() (string, error) {
	var name, version string
	err := rd.object(func(k string) (bool, error) {
		var err error
		switch strings.ToLower(k) {
		case "name":
			name, _, err = rd.scalar()
		case "version":
			version, _, err = rd.scalar()
		default:
			return false, nil
		}
		return true, err
	})
	return strings.TrimSpace(name + " " + version), err
}

func (rd *reader) entries(each func(Entry) error) error {
	return rd.array(func() error {
		rd.entry = rd.file.Entries
		var e Entry
		e.Index = rd.entry
		switch rd.dec.PeekKind() {
		case '{':
		case 0:
			return rd.dec.SkipValue() // the file ends here: the error says so
		default:
			rd.note("entry %d is not an object (skipped)", rd.entry+1)
			rd.file.Entries++
			rd.entry = -1
			return rd.dec.SkipValue()
		}
		if err := rd.readEntry(&e); err != nil {
			return err
		}
		rd.file.Entries++
		rd.check(&e)
		err := each(e)
		rd.entry = -1
		if err != nil {
			return &Error{Problem: err.Error(), Err: err}
		}
		return nil
	})
}

// check notes what an entry lacks, once it is read.
func (rd *reader) check(e *Entry) {
	switch {
	case e.Request.URL == "":
		rd.note("entry %d has no request.url (not followed)", e.Index+1)
	case e.Started.IsZero():
		rd.note("entry %d has no readable startedDateTime (kept in file order)", e.Index+1)
	case !rd.started.IsZero() && e.Started.Before(rd.started):
		rd.note("entry %d starts before the one above it (entries are put in time order)", e.Index+1)
	}
	if !e.Started.IsZero() {
		rd.started = e.Started
	}
}

func (rd *reader) readEntry(e *Entry) error {
	return rd.object(func(name string) (bool, error) {
		var err error
		switch strings.ToLower(name) {
		case "starteddatetime":
			var v string
			v, _, err = rd.scalar()
			if t, perr := parseTime(v); perr == nil {
				e.Started = t
			}
		case "pageref":
			e.Page, _, err = rd.scalar()
		case "request":
			err = rd.readRequest(&e.Request)
		case "response":
			err = rd.readResponse(e)
		case "_resourcetype":
			e.ResourceType, _, err = rd.scalar()
		case "_error":
			e.Error, _, err = rd.scalar()
		case "_initiator":
			if rd.dec.PeekKind() != '{' {
				e.Initiator, _, err = rd.scalar()
				break
			}
			err = rd.object(func(k string) (bool, error) {
				if strings.EqualFold(k, "type") {
					var err error
					e.Initiator, _, err = rd.scalar()
					return true, err
				}
				return false, nil
			})
		default:
			return false, nil
		}
		return true, err
	})
}

// parseTime reads startedDateTime: ISO 8601 as browsers write it, with
// or without fractions and zone.
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not an ISO 8601 time: %q", s)
}

func (rd *reader) readRequest(q *Request) error {
	return rd.object(func(name string) (bool, error) {
		var err error
		switch strings.ToLower(name) {
		case "method":
			q.Method, _, err = rd.scalar()
		case "url":
			q.URL, _, err = rd.scalar()
			q.URL = rd.capped(q.URL, "request.url")
		case "headers":
			q.Headers, err = rd.nvs()
		case "querystring":
			q.Query, err = rd.nvs()
		case "postdata":
			if rd.dec.PeekKind() != '{' {
				return false, nil
			}
			pd := &PostData{}
			q.PostData = pd
			err = rd.object(func(k string) (bool, error) {
				var err error
				switch strings.ToLower(k) {
				case "mimetype":
					pd.MimeType, _, err = rd.scalar()
				case "text":
					pd.Text, _, err = rd.scalar()
					if len(pd.Text) > rd.opt.MaxBody {
						pd.Text, pd.Truncated = pd.Text[:rd.opt.MaxBody], true
					}
				case "params":
					pd.Params, err = rd.nvs()
				default:
					return false, nil
				}
				return true, err
			})
		default:
			return false, nil
		}
		return true, err
	})
}

// nvs reads a list of {name, value} objects; anything else in it is
// skipped.
func (rd *reader) nvs() ([]NV, error) {
	var out []NV
	err := rd.array(func() error {
		var nv NV
		err := rd.object(func(k string) (bool, error) {
			var err error
			switch strings.ToLower(k) {
			case "name":
				nv.Name, _, err = rd.scalar()
			case "value":
				nv.Value, _, err = rd.scalar()
				nv.Value = rd.capped(nv.Value, "a header or parameter value")
			default:
				return false, nil
			}
			return true, err
		})
		if nv.Name != "" {
			out = append(out, nv)
		}
		return err
	})
	return out, err
}

func (rd *reader) readResponse(e *Entry) error {
	p := &e.Response
	return rd.object(func(name string) (bool, error) {
		var err error
		switch strings.ToLower(name) {
		case "status":
			var v string
			quoted := rd.dec.PeekKind() == '"'
			v, _, err = rd.scalar()
			if n, perr := strconv.Atoi(strings.TrimSpace(v)); perr == nil {
				p.Status = n
				if quoted {
					rd.note("entry %d's response.status is a string, %q (read as %d)", e.Index+1, v, n)
				}
			} else if v != "" {
				rd.note("entry %d's response.status %q is not a number", e.Index+1, v)
			}
		case "headers":
			p.Headers, err = rd.nvs()
		case "redirecturl":
			p.RedirectURL, _, err = rd.scalar()
			p.RedirectURL = rd.capped(p.RedirectURL, "response.redirectURL")
		case "_error":
			// Where Chrome writes it (null when the request did not
			// fail); older exports have it on the entry.
			var v string
			v, _, err = rd.scalar()
			if v != "" {
				e.Error = v
			}
		case "content":
			err = rd.readContent(e)
		default:
			return false, nil
		}
		return true, err
	})
}

func (rd *reader) readContent(e *Entry) error {
	c := &e.Response.Content
	sawText := false
	var raw string
	keep := false
	err := rd.object(func(name string) (bool, error) {
		var err error
		switch strings.ToLower(name) {
		case "size":
			var v string
			v, _, err = rd.scalar()
			c.Size, _ = strconv.ParseInt(v, 10, 64)
		case "mimetype":
			c.MimeType, _, err = rd.scalar()
		case "encoding":
			c.Encoding, _, err = rd.scalar()
		case "comment":
			var v string
			v, _, err = rd.scalar()
			if strings.Contains(strings.ToLower(v), "omit") || strings.Contains(strings.ToLower(v), "removed") {
				c.Omitted = true
			}
		case "text":
			sawText = true
			keep = rd.opt.KeepBody != nil && rd.opt.KeepBody(e)
			if !keep || rd.dec.PeekKind() != '"' {
				return false, nil // skipped, never decoded
			}
			tok, err := rd.dec.ReadToken()
			if err != nil {
				return true, err
			}
			raw = tok.String()
		default:
			return false, nil
		}
		return true, err
	})
	if err != nil {
		return err
	}
	if !sawText && c.Size > 0 {
		c.Omitted = true
	}
	if keep && sawText {
		text := raw
		if strings.EqualFold(c.Encoding, "base64") {
			raw = strings.TrimSpace(raw)
			if len(raw) >= maxString {
				raw = raw[:len(raw)/4*4] // cut on the way in: what decodes
			}
			b, derr := base64.StdEncoding.DecodeString(raw)
			if derr != nil {
				rd.note("entry %d's body says base64 and is not (kept as it is)", e.Index+1)
			} else {
				text = string(b)
			}
		}
		if len(text) > rd.opt.MaxBody {
			text, c.Truncated = text[:rd.opt.MaxBody], true
		}
		c.Text, c.Kept = text, true
	}
	return nil
}
