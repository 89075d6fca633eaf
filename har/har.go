// Package har reads browser HAR exports (HAR 1.2, as Chrome, Edge and
// Firefox write them, sanitised or not) and turns the logins in them into
// hops, the same hops every other source produces (DESIGN.md, "Hops"), so
// that flow's comparison and decode's checks judge them as they judge a
// live login. It also writes a sanitised copy of a HAR file for a ticket.
//
// A HAR file can be hundreds of megabytes, most of it response bodies. Read
// streams it: each entry is handed over as it is read, and a body is decoded
// only when the caller asks for it (Options.KeepBody); the others are
// skipped without being kept.
package har

import (
	"strings"
	"time"
)

// NV is one name and value of a HAR list: a header, a query parameter, a
// cookie, a form field.
type NV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Entry is one request of a HAR file and what answered it, with the fields
// a login's diagnosis reads. Fields the file does not have are zero.
type Entry struct {
	// Index is the entry's position in log.entries, from 0.
	Index int
	// Started is startedDateTime; zero when the entry has none or it does
	// not parse (a note says so).
	Started time.Time
	// Page is pageref: the page (a browser tab's navigation) the entry
	// belongs to.
	Page     string
	Request  Request
	Response Response
	// ResourceType is Chrome's _resourceType ("document", "xhr",
	// "fetch", ...); Initiator the type of its _initiator ("parser",
	// "script", "other"); Error its _error ("net::ERR_ABORTED").
	ResourceType string
	Initiator    string
	Error        string
	// Transfer is how the entry travelled, which Write needs for Chrome's
	// shape and a diagnosis does not read: Read leaves it zero, a
	// recorder fills it.
	Transfer Transfer
}

// Request is an entry's request.
type Request struct {
	Method  string
	URL     string
	Headers []NV
	// Query is queryString: the browser's own split of the URL's query.
	Query    []NV
	PostData *PostData // nil when the request has no body in the file
}

// PostData is a request body. Text is the body as recorded (capped at
// Options.MaxBody); Params the fields a browser split it into, when it did.
type PostData struct {
	MimeType  string
	Text      string
	Params    []NV
	Truncated bool // Text was longer than Options.MaxBody and is cut there
	// Comment says why Text is missing (a capture keeps no login post's
	// body but a form's), as HAR 1.2's comment.
	Comment string
}

// Response is an entry's response.
type Response struct {
	Status      int
	Headers     []NV
	RedirectURL string
	Content     Content
}

// Content is a response body. Text holds it only when Options.KeepBody
// asked for it, decoded from base64 when the file says so; Kept says it
// was asked for and the file had it.
type Content struct {
	Size     int64
	MimeType string
	Text     string
	Encoding string // as in the file: "base64" or ""
	// Kept is set when Text holds the body (or its first MaxBody bytes,
	// with Truncated set).
	Kept      bool
	Truncated bool
	// Omitted is set when the file has no body for a response that had
	// one: no text at all, or a comment saying it was left out (Firefox).
	Omitted bool
}

// Header returns the first value of the header name, compared without
// regard to case (HTTP/2 names are lower case, HTTP/1.1 ones as sent), and
// whether there is one.
func Header(hs []NV, name string) (string, bool) {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// headerValues is every value of the named header, joined with ", " as
// one line would carry them (a server may send WWW-Authenticate twice:
// Negotiate, then Bearer).
func headerValues(hs []NV, name string) string {
	var vs []string
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			vs = append(vs, h.Value)
		}
	}
	return strings.Join(vs, ", ")
}

// File is what Read learnt about a HAR file as a whole.
type File struct {
	Version string // log.version ("1.2"; "" when missing)
	Creator string // log.creator.name and version ("WebInspector 537.36")
	Browser string // log.browser.name and version, when the file has it
	Entries int    // entries read
	Pages   int    // log.pages read
	// Bytes is how much of the input was read (of the decompressed input
	// for a gzip-compressed file).
	Bytes int64
	// Notes are what was read leniently: another version, a byte order
	// mark, entries without some fields. Each becomes a har.irregular
	// finding.
	Notes []Note
}

// Note is one leniency of reading, about one entry or (Entry -1) the file.
type Note struct {
	Entry int
	Text  string
}
