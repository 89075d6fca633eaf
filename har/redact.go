package har

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/authtrace/authtrace/report"
)

// RedactOptions says how Redact reports on its work.
type RedactOptions struct {
	// Progress is called with the number of bytes read so far, each time
	// more are read (about every 64 KiB).
	Progress func(read int64)
}

// RedactStats says what Redact replaced.
type RedactStats struct {
	Entries int // entries copied
	Values  int // values replaced
	// ByKind counts the replaced values by what they were: cookie,
	// authorization, code, code_verifier, client_secret, password,
	// refresh_token, token_signature (a JWT whose claims were kept),
	// access_token or id_token (opaque ones, hidden whole), saml, and
	// the other secret names as they stood in the file.
	ByKind map[string]int
}

// Redact copies the HAR file r to w with its secrets replaced by the
// report package's markers, for a ticket: cookie values, Authorization,
// Proxy-Authorization, Cookie and Set-Cookie header values (a Bearer
// JWT, like any token, keeps its header and claims and loses its
// signature; cookie names and attributes are kept), the secret parameters
// of every URL (report.SecretParam: code, code_verifier, client_secret,
// tokens, SAMLRequest and SAMLResponse, password fields) in its query and
// fragment, query strings, request bodies and their params (form or
// JSON), and the secrets of response bodies (token answers in JSON or
// form encoding, pages that post a code, tokens or a SAMLResponse on),
// base64-encoded ones decoded and encoded again. state, client_id,
// redirect_uri and scope are kept.
//
// Everything else is copied byte for byte: white space, key order and
// casing, escapes, unknown and _-prefixed fields (whose URLs lose their
// secret parameters too: Chrome's _initiator and a page's title quote the
// URL of a callback). A replaced string is written in JSON's minimal
// escaping, and a changed body is written again as a whole string.
//
// Redact streams: it holds the decoder's buffer and the longest string
// value, never the file. Input that is not a HAR file is an *Error
// wrapping ErrNotHAR, a file that ends before its end or stops being
// JSON one wrapping ErrTruncated, in the reader's words. Either way w has
// part of a copy that is not valid JSON: the caller must delete it.
func Redact(r io.Reader, w io.Writer, opt RedactOptions) (RedactStats, error) {
	in := &counter{r: r, progress: opt.Progress}
	br := bufio.NewReaderSize(in, 64<<10)
	stats := RedactStats{ByKind: map[string]int{}}
	bom, _ := br.Peek(3)
	hasBOM := bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF})
	rd := &reader{in: in, entry: -1, noted: map[string]int{}}
	if err := rd.start(br); err != nil {
		return stats, err
	}
	if hasBOM {
		// Kept, as everything else is: the copy is the file.
		if _, err := w.Write(bom); err != nil {
			return stats, fmt.Errorf("writing the sanitised copy: %w", err)
		}
	}
	x := &redactor{s: newSplicer(br, w), rd: rd, stats: &stats}
	rd.dec = x.s.dec
	if err := x.top(); err != nil {
		return stats, rd.fail(err)
	}
	stats.Entries = rd.file.Entries
	// Anything after the top-level object is left out: a copy for a
	// ticket must be one JSON value, and what follows is no part of the
	// HAR file (Read ignores it too).
	if _, err := x.s.finish(); err != nil {
		return stats, fmt.Errorf("writing the sanitised copy: %w", err)
	}
	return stats, nil
}

// redactor is one Redact: the splicer, and the reader whose words its
// errors use.
type redactor struct {
	s     *splicer
	rd    *reader
	stats *RedactStats
}

// hid counts one replaced value.
func (x *redactor) hid(kind string) {
	x.stats.Values++
	x.stats.ByKind[kind]++
}

// kind is what a secret parameter's value was, for RedactStats.
func kind(name, value string) string {
	l := strings.ToLower(name)
	switch {
	case (l == "access_token" || l == "id_token") && report.RedactToken(value) != report.Redacted:
		return "token_signature"
	case strings.HasPrefix(l, "saml"):
		return "saml"
	case strings.Contains(l, "pass"):
		return "password"
	}
	return l
}

// url hides a URL's secret parameters.
func (x *redactor) url(v string) (string, bool) {
	if !strings.ContainsAny(v, "?#") {
		return v, false
	}
	out := report.RedactURLFunc(v, func(name, value string) { x.hid(kind(name, value)) })
	return out, out != v
}

// anyURL is url for strings that may not be URLs at all: those outside
// the fields Redact knows.
func (x *redactor) anyURL(v string) (string, bool) {
	if !strings.Contains(v, "://") {
		return v, false
	}
	return x.url(v)
}

// top reads the top-level object, looking for log (or, as Read allows,
// entries at the top level).
func (x *redactor) top() error {
	s := x.s
	sawLog := false
	err := s.object(x.anyURL, func(name string) error {
		switch {
		case strings.EqualFold(name, "log") && s.dec.PeekKind() == '{':
			sawLog = true
			return s.object(x.anyURL, func(name string) error {
				if strings.EqualFold(name, "entries") {
					return x.entries()
				}
				return s.pass(x.anyURL)
			})
		case strings.EqualFold(name, "entries") && s.dec.PeekKind() == '[':
			sawLog = true
			return x.entries()
		}
		return s.pass(x.anyURL)
	})
	if err == nil && !sawLog {
		return x.rd.notHAR()
	}
	return err
}

func (x *redactor) entries() error {
	return x.s.array(x.anyURL, func() error {
		x.rd.entry = x.rd.file.Entries
		defer func() { x.rd.entry = -1 }()
		err := x.s.object(x.anyURL, func(name string) error {
			switch strings.ToLower(name) {
			case "request":
				return x.request()
			case "response":
				return x.response()
			}
			return x.s.pass(x.anyURL)
		})
		if err == nil {
			x.rd.file.Entries++
		}
		return err
	})
}

func (x *redactor) request() error {
	s := x.s
	return s.object(x.anyURL, func(name string) error {
		switch strings.ToLower(name) {
		case "url":
			return s.pass(x.url)
		case "headers":
			return x.nvs(x.header)
		case "cookies":
			return x.nvs(x.cookie)
		case "querystring":
			return x.nvs(x.param)
		case "postdata":
			return x.body(true)
		}
		return s.pass(x.anyURL)
	})
}

func (x *redactor) response() error {
	s := x.s
	return s.object(x.anyURL, func(name string) error {
		switch strings.ToLower(name) {
		case "redirecturl":
			return s.pass(x.url)
		case "headers":
			return x.nvs(x.header)
		case "cookies":
			return x.nvs(x.cookie)
		case "content":
			return x.body(false)
		}
		return s.pass(x.anyURL)
	})
}

// nvs reads a list of {name, value} objects, replacing a value when rule
// says so. The value's fate is held until the object ends, as its name
// may come after it.
func (x *redactor) nvs(rule func(name, value string) (string, bool)) error {
	s := x.s
	return s.array(x.anyURL, func() error {
		if s.dec.PeekKind() != '{' {
			return s.pass(x.anyURL)
		}
		s.hold++
		var name string
		var values []span // each of them: a name twice is read as its last, a value twice is two
		err := s.object(x.anyURL, func(k string) error {
			var err error
			switch {
			case strings.EqualFold(k, "name") && s.dec.PeekKind() == '"':
				name, _, _, err = s.str()
			case strings.EqualFold(k, "value") && s.dec.PeekKind() == '"':
				var v span
				v.text, v.start, v.end, err = s.str()
				values = append(values, v)
			default:
				err = s.pass(x.anyURL)
			}
			return err
		})
		s.hold--
		if err != nil {
			return err
		}
		for _, v := range values {
			if r, ok := rule(name, v.text); ok && r != v.text {
				s.edit(v.start, v.end, r)
			}
		}
		s.flush()
		return nil
	})
}

// span is a string value read and where its JSON text stands.
type span struct {
	text       string
	start, end int64
}

// header is the rule for request and response headers.
func (x *redactor) header(name, value string) (string, bool) {
	var out string
	switch strings.ToLower(name) {
	case "authorization", "proxy-authorization":
		out = report.RedactAuthorization(value)
		x.counted(out, value, "authorization")
	case "cookie":
		out = report.RedactCookie(value)
		x.counted(out, value, "cookie")
	case "set-cookie":
		out = report.RedactSetCookie(value)
		x.counted(out, value, "cookie")
	default:
		if report.SecretHeader(name) {
			out = report.RedactValue(name, value)
			x.counted(out, value, "api_key")
			return out, out != value
		}
		// Location, Referer, Link, a proxy's own headers: any value with
		// a query or fragment loses its secret parameters.
		return x.url(value)
	}
	return out, out != value
}

// counted counts one replacement of the kind when out differs from in.
func (x *redactor) counted(out, in, kind string) {
	if out != in {
		x.hid(kind)
	}
}

// cookie is the rule for request.cookies and response.cookies: every
// value goes.
func (x *redactor) cookie(_, value string) (string, bool) {
	if value == "" || value == report.Redacted {
		return value, false
	}
	x.hid("cookie")
	return report.Redacted, true
}

// param is the rule for queryString and postData.params.
func (x *redactor) param(name, value string) (string, bool) {
	out := report.RedactParamValue(name, value, func(n, v string) { x.hid(kind(n, v)) })
	return out, out != value
}

// body reads a postData (request) or content (response) object. Its
// text's fate is held until the object ends: browsers write mimeType and
// encoding before or after it.
func (x *redactor) body(request bool) error {
	s := x.s
	if s.dec.PeekKind() != '{' {
		return s.pass(x.anyURL)
	}
	s.hold++
	var mime, encoding string
	var texts []span
	err := s.object(x.anyURL, func(k string) error {
		var err error
		switch {
		case strings.EqualFold(k, "mimeType") && s.dec.PeekKind() == '"':
			mime, _, _, err = s.str()
		case strings.EqualFold(k, "encoding") && s.dec.PeekKind() == '"':
			encoding, _, _, err = s.str()
		case strings.EqualFold(k, "text") && s.dec.PeekKind() == '"':
			var v span
			v.text, v.start, v.end, err = s.str()
			texts = append(texts, v)
		case request && strings.EqualFold(k, "params"):
			err = x.nvs(x.param)
		default:
			err = s.pass(x.anyURL)
		}
		return err
	})
	s.hold--
	if err != nil {
		return err
	}
	for _, v := range texts {
		if r, ok := x.bodyText(v.text, mime, encoding, request); ok {
			s.edit(v.start, v.end, r)
		}
	}
	s.flush()
	return nil
}

// bodyText is a body's text with its secrets hidden, decoded from base64
// first when the file says so (and encoded again), and whether anything
// changed.
func (x *redactor) bodyText(text, mime, encoding string, request bool) (string, bool) {
	if !strings.EqualFold(encoding, "base64") {
		out := redactBody(text, mime, request, x.hid)
		return out, out != text
	}
	if bodyKindOf(mime, "") == bodyOther && mime != "" {
		return text, false // an image, a font: not decoded at all
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil {
		return text, false
	}
	out := redactBody(string(raw), mime, request, x.hid)
	if out == string(raw) {
		return text, false
	}
	return base64.StdEncoding.EncodeToString([]byte(out)), true
}
