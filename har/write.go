package har

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Transfer is what Chrome's export says of how an entry travelled, beyond
// what a login's diagnosis reads. A zero Transfer is written as Chrome
// writes a request it has no such details of.
type Transfer struct {
	// Protocol is the protocol as the DevTools protocol names it
	// ("http/1.1", "h2", "h3"); Write spells it as Chrome's export does.
	Protocol   string
	StatusText string
	ServerIP   string // serverIPAddress, without brackets
	Connection string // the connection's id
	Priority   string // Chrome's request priority ("VeryHigh", "High", ...)
	// Size is the bytes the response took on the wire, headers included
	// (_transferSize).
	Size    int64
	Timings Timings
}

// Timings are an entry's phases in milliseconds, -1 for a phase that did
// not happen (no DNS look-up on a reused connection). A zero Timings is
// written as Chrome writes a request without timing.
type Timings struct {
	Blocked, DNS, SSL, Connect, Send, Wait, Receive float64
}

// Page is one of log.pages: a tab's navigation that entries refer to by
// ID (Entry.Page).
type Page struct {
	ID      string
	Title   string
	Started time.Time
	// OnContentLoad and OnLoad are when DOMContentLoaded and load fired,
	// after Started; zero when not known.
	OnContentLoad, OnLoad time.Duration
}

// Writer writes a HAR file in the shape of Chrome DevTools' "Save all as
// HAR": the same keys in the same order, two-space indentation, the
// creator WebInspector 537.36, so that whatever reads Chrome's exports
// (support tools, HAR viewers, authtrace har) reads it too. Entries go out
// one by one as they are added, each flushed, so a capture that is cut
// short leaves a file that Read reads up to the cut.
type Writer struct {
	w     *bufio.Writer
	pages []Page
	n     int // entries written
	err   error
	began bool
	done  bool
}

// ErrClosed is returned by Add after Close.
var ErrClosed = errors.New("har: writer closed")

// NewWriter returns a Writer that writes to w, with pages as log.pages
// (which Chrome writes before the entries, so they are given first).
// Nothing is written until the first Add or Close.
func NewWriter(w io.Writer, pages ...Page) *Writer {
	return &Writer{w: bufio.NewWriter(w), pages: pages}
}

// Write writes a whole HAR file of pages and entries to w.
func Write(w io.Writer, pages []Page, entries []Entry) error {
	hw := NewWriter(w, pages...)
	for _, e := range entries {
		if err := hw.Add(e); err != nil {
			return err
		}
	}
	return hw.Close()
}

// Add writes one entry. Its Index is not written: an entry's place in the
// file is its index.
func (w *Writer) Add(e Entry) error {
	if w.done {
		return ErrClosed
	}
	w.begin()
	sep := ",\n      "
	if w.n == 0 {
		sep = "\n      "
	}
	w.put(sep)
	w.encode(chromeEntry(e), "      ")
	w.n++
	return w.flush()
}

// Close writes the end of the file. It does not close the io.Writer.
func (w *Writer) Close() error {
	if w.done {
		return w.err
	}
	w.begin()
	w.done = true
	if w.n == 0 {
		w.put("]")
	} else {
		w.put("\n    ]")
	}
	w.put("\n  }\n}")
	return w.flush()
}

// begin writes the file up to the entries' opening bracket, once.
func (w *Writer) begin() {
	if w.began {
		return
	}
	w.began = true
	w.put("{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": {\n      \"name\": \"WebInspector\",\n      \"version\": \"537.36\"\n    },\n    \"pages\": ")
	pages := make([]harPage, 0, len(w.pages))
	for _, p := range w.pages {
		pages = append(pages, harPage{
			Started: isoTime(p.Started),
			ID:      p.ID,
			Title:   p.Title,
			Timings: pageTimings{OnContentLoad: msOrUnknown(p.OnContentLoad), OnLoad: msOrUnknown(p.OnLoad)},
		})
	}
	w.encode(pages, "    ")
	w.put(",\n    \"entries\": [")
}

func (w *Writer) put(s string) {
	if w.err == nil {
		_, w.err = w.w.WriteString(s)
	}
}

// encode writes v as Chrome's JSON.stringify(v, null, 2) would at this
// depth: prefix on every line but the first, no HTML escaping, no final
// newline.
func (w *Writer) encode(v any, prefix string) {
	if w.err != nil {
		return
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if w.err = enc.Encode(v); w.err != nil {
		return
	}
	_, w.err = w.w.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

func (w *Writer) flush() error {
	if w.err == nil {
		w.err = w.w.Flush()
	}
	return w.err
}

// The types below are Chrome's export, field for field and in its order.

type harPage struct {
	Started string      `json:"startedDateTime"`
	ID      string      `json:"id"`
	Title   string      `json:"title"`
	Timings pageTimings `json:"pageTimings"`
}

type pageTimings struct {
	OnContentLoad float64 `json:"onContentLoad"`
	OnLoad        float64 `json:"onLoad"`
}

type harEntry struct {
	Initiator    initiator   `json:"_initiator"`
	Priority     *string     `json:"_priority"`
	ResourceType string      `json:"_resourceType"`
	Cache        struct{}    `json:"cache"`
	Connection   string      `json:"connection,omitempty"`
	Page         string      `json:"pageref,omitempty"`
	Request      harRequest  `json:"request"`
	Response     harResponse `json:"response"`
	ServerIP     string      `json:"serverIPAddress"`
	Started      string      `json:"startedDateTime"`
	Time         float64     `json:"time"`
	Timings      harTimings  `json:"timings"`
}

type initiator struct {
	Type string `json:"type"`
}

type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Headers     []NV         `json:"headers"`
	Query       []NV         `json:"queryString"`
	Cookies     []harCookie  `json:"cookies"`
	HeadersSize int          `json:"headersSize"`
	BodySize    int          `json:"bodySize"`
	PostData    *harPostData `json:"postData,omitempty"`
}

type harPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	Params   []NV   `json:"params,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

type harCookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Expires  string `json:"expires,omitempty"`
	HTTPOnly *bool  `json:"httpOnly,omitempty"`
	Secure   *bool  `json:"secure,omitempty"`
	SameSite string `json:"sameSite,omitempty"`
}

type harResponse struct {
	Status       int         `json:"status"`
	StatusText   string      `json:"statusText"`
	HTTPVersion  string      `json:"httpVersion"`
	Headers      []NV        `json:"headers"`
	Cookies      []harCookie `json:"cookies"`
	Content      harContent  `json:"content"`
	RedirectURL  string      `json:"redirectURL"`
	HeadersSize  int         `json:"headersSize"`
	BodySize     int         `json:"bodySize"`
	TransferSize int64       `json:"_transferSize"`
	Error        *string     `json:"_error"`
}

type harContent struct {
	Size     int64   `json:"size"`
	MimeType string  `json:"mimeType"`
	Text     *string `json:"text,omitempty"`
	Encoding string  `json:"encoding,omitempty"`
}

type harTimings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	SSL     float64 `json:"ssl"`
	Connect float64 `json:"connect"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

func chromeEntry(e Entry) harEntry {
	t := e.Transfer
	out := harEntry{
		Initiator:    initiator{Type: cmp.Or(e.Initiator, "other")},
		ResourceType: e.ResourceType,
		Connection:   t.Connection,
		Page:         e.Page,
		Request:      chromeRequest(e.Request, t),
		Response:     chromeResponse(e, t),
		ServerIP:     t.ServerIP,
		Started:      isoTime(e.Started),
		Timings:      chromeTimings(t.Timings),
	}
	if t.Priority != "" {
		out.Priority = &t.Priority
	}
	out.Time = out.Timings.total()
	return out
}

func chromeRequest(q Request, t Transfer) harRequest {
	out := harRequest{
		Method:      q.Method,
		URL:         q.URL,
		HTTPVersion: httpVersion(t.Protocol),
		Headers:     nonNil(q.Headers),
		Query:       q.Query,
		Cookies:     requestCookies(q.Headers),
		HeadersSize: -1,
	}
	if out.Query == nil {
		out.Query = splitQuery(rawQuery(q.URL))
	}
	if pd := q.PostData; pd != nil {
		out.BodySize = len(pd.Text)
		out.PostData = &harPostData{MimeType: pd.MimeType, Text: pd.Text, Params: pd.Params, Comment: pd.Comment}
		if pd.Params == nil && mediaIs(pd.MimeType, "application/x-www-form-urlencoded") {
			out.PostData.Params = splitQuery(pd.Text)
		}
	}
	return out
}

func chromeResponse(e Entry, t Transfer) harResponse {
	p := e.Response
	out := harResponse{
		Status:       p.Status,
		StatusText:   t.StatusText,
		HTTPVersion:  httpVersion(t.Protocol),
		Headers:      nonNil(p.Headers),
		Cookies:      responseCookies(p.Headers),
		Content:      chromeContent(p.Content),
		RedirectURL:  p.RedirectURL,
		HeadersSize:  -1,
		BodySize:     -1,
		TransferSize: t.Size,
	}
	if e.Error != "" {
		out.Error = &e.Error
	}
	return out
}

// chromeContent writes a body as Chrome does: text as it is when it is
// UTF-8 and the entry does not say base64, else base64.
func chromeContent(c Content) harContent {
	out := harContent{Size: c.Size, MimeType: cmp.Or(c.MimeType, "x-unknown")}
	if !c.Kept && c.Text == "" {
		return out
	}
	if out.Size == 0 {
		out.Size = int64(len(c.Text))
	}
	text := c.Text
	if strings.EqualFold(c.Encoding, "base64") || !utf8.ValidString(text) {
		text, out.Encoding = base64.StdEncoding.EncodeToString([]byte(text)), "base64"
	}
	out.Text = &text
	return out
}

func chromeTimings(t Timings) harTimings {
	if t == (Timings{}) {
		return harTimings{Blocked: -1, DNS: -1, SSL: -1, Connect: -1}
	}
	return harTimings(t)
}

// total is the entry's time: the sum of the phases that happened (ssl is
// part of connect, as HAR 1.2 says).
func (t harTimings) total() float64 {
	var sum float64
	for _, v := range []float64{t.Blocked, t.DNS, t.Connect, t.Send, t.Wait, t.Receive} {
		if v > 0 {
			sum += v
		}
	}
	return sum
}

// httpVersion spells the DevTools protocol's protocol name as Chrome's
// export does.
func httpVersion(protocol string) string {
	switch strings.ToLower(protocol) {
	case "":
		return ""
	case "h2":
		return "http/2.0"
	case "h3":
		return "http/3.0"
	case "http/1.1", "http/1.0":
		return strings.ToUpper(protocol)
	}
	return protocol
}

// isoTime is JavaScript's Date.toJSON: UTC, milliseconds, Z.
func isoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func msOrUnknown(d time.Duration) float64 {
	if d == 0 {
		return -1
	}
	return float64(d) / float64(time.Millisecond)
}

func nonNil(nvs []NV) []NV {
	if nvs == nil {
		return []NV{}
	}
	return nvs
}

func rawQuery(u string) string {
	u, _, _ = strings.Cut(u, "#")
	_, q, _ := strings.Cut(u, "?")
	return q
}

// splitQuery splits a query or a form body into its fields as Chrome
// does: in order, names and values left encoded as they were sent.
func splitQuery(q string) []NV {
	out := []NV{}
	if q == "" {
		return out
	}
	for _, pair := range strings.Split(q, "&") {
		name, value, _ := strings.Cut(pair, "=")
		out = append(out, NV{Name: name, Value: value})
	}
	return out
}

func requestCookies(hs []NV) []harCookie {
	out := []harCookie{}
	for _, h := range hs {
		if !strings.EqualFold(h.Name, "Cookie") {
			continue
		}
		cs, err := http.ParseCookie(h.Value)
		if err != nil {
			continue
		}
		for _, c := range cs {
			out = append(out, harCookie{Name: c.Name, Value: c.Value})
		}
	}
	return out
}

func responseCookies(hs []NV) []harCookie {
	out := []harCookie{}
	for _, h := range hs {
		if !strings.EqualFold(h.Name, "Set-Cookie") {
			continue
		}
		// One header may hold several cookies, a line each (HTTP/2 and
		// the DevTools protocol join them with newlines).
		for _, line := range strings.Split(h.Value, "\n") {
			c, err := http.ParseSetCookie(line)
			if err != nil {
				continue
			}
			hc := harCookie{Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain,
				HTTPOnly: &c.HttpOnly, Secure: &c.Secure, SameSite: sameSite(c.SameSite)}
			if !c.Expires.IsZero() {
				hc.Expires = isoTime(c.Expires)
			}
			out = append(out, hc)
		}
	}
	return out
}

func sameSite(s http.SameSite) string {
	switch s {
	case http.SameSiteLaxMode:
		return "Lax"
	case http.SameSiteStrictMode:
		return "Strict"
	case http.SameSiteNoneMode:
		return "None"
	}
	return ""
}
