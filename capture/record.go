package capture

import (
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"math"
	"mime"
	"mime/multipart"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/har"
)

// Recorder keeps every network request of the tab as the DevTools
// protocol reports it, in the shape of Chrome's own HAR export: each hop
// of a redirect is its entry (the 30x with its redirectURL), bodies of
// documents and XHR/fetch answers are fetched, and a page starts at each
// navigation of the main frame. The values of password fields in posts
// are never kept, --reveal or not: of a post only the field names and
// the OAuth values of a form (postBody).
//
// Events arrive on chromedp's reader goroutine, which must not run
// commands, so the bodies are fetched by a worker of its own, which also
// hands each request of the login, once it ended, to seen.
type Recorder struct {
	// fetchPost and fetchBody ask the browser for a request's post data
	// and a response's body (chromedp's commands on the tab).
	fetchPost func(network.RequestID) (string, error)
	fetchBody func(network.RequestID) (body string, base64 bool, err error)
	seen      func(flow.BrowserRequest)

	mu   sync.Mutex
	recs []*rec // in the order they were sent, at most maxEntries
	live map[network.RequestID]*rec
	// extra are the protocol's ExtraInfo events of each request, in
	// order (one per hop of a redirect): the headers on the wire,
	// cookies included, that the request's own events leave out.
	extra     map[network.RequestID]*extraInfo
	pages     []har.Page
	mainFrame cdp.FrameID
	jobs      []*rec // bodies to fetch
	// epoch is the wall-clock time of monotonic time 0, from the first
	// request: every entry's start is its monotonic issue time from
	// there, as in Chrome's export, so that the starts keep the order of
	// the requests (the protocol's own wall times can step back).
	epoch  time.Time
	closed bool

	sentNote chan struct{} // closed (and replaced) at each request sent
	wake     chan struct{} // has room for one: a job was queued, or closed
	done     chan struct{} // the worker has stopped
}

// rec is one entry as it is recorded.
type rec struct {
	id      network.RequestID
	e       har.Entry
	issued  float64 // monotonic seconds, when the request was sent
	ended   float64 // when it finished, failed or was redirected
	timing  *network.ResourceTiming
	post    bool // post data to fetch
	body    bool // response body to fetch
	decoded int64
	handed  bool     // given to seen
	fields  []string // the post's field names (postBody)
	// responded says its response came; reqWire and respWire that
	// ExtraInfo's wire headers replaced the request's and response's.
	responded, reqWire, respWire bool
}

// maxEntries bounds what a capture keeps: a page that requests forever
// must not fill the memory.
const maxEntries = 20000

// maxBody is the most of one body a capture keeps: the error-page
// reader reads the first 512 KiB.
const maxBody = 512 << 10

// Record enables the network domain of the tab in ctx and starts
// recording; seen (when not nil) is given each request of the login as
// it ends. It must be called before the navigation.
func Record(ctx context.Context, seen func(flow.BrowserRequest)) (*Recorder, error) {
	r := newRecorder(seen)
	r.fetchPost = func(id network.RequestID) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		res, err := chromedp.Call(ctx, network.GetRequestPostData, network.GetRequestPostDataParams{RequestID: id})
		return string(res.PostData), err
	}
	r.fetchBody = func(id network.RequestID) (string, bool, error) {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		res, err := chromedp.Call(ctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: id})
		return string(res.Body), res.Base64encoded, err
	}
	if err := chromedp.Listen(ctx, r.event); err != nil {
		return nil, err
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		return nil, fmt.Errorf("enable network events: %w", err)
	}
	go r.work()
	return r, nil
}

func newRecorder(seen func(flow.BrowserRequest)) *Recorder {
	if seen == nil {
		seen = func(flow.BrowserRequest) {}
	}
	return &Recorder{
		seen:     seen,
		live:     map[network.RequestID]*rec{},
		extra:    map[network.RequestID]*extraInfo{},
		wake:     make(chan struct{}, 1),
		sentNote: make(chan struct{}),
		done:     make(chan struct{}),
	}
}

func (r *Recorder) event(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		r.sent(ev)
	case *network.EventResponseReceived:
		if c := r.live[ev.RequestID]; c != nil {
			c.respond(ev.Response)
			r.applyExtra(ev.RequestID)
		}
	case *network.EventRequestWillBeSentExtraInfo:
		if x := r.extraOf(ev.RequestID); x != nil {
			x.req = append(x.req, ev.Headers)
			r.applyExtra(ev.RequestID)
		}
	case *network.EventResponseReceivedExtraInfo:
		if x := r.extraOf(ev.RequestID); x != nil {
			x.resp = append(x.resp, ev.Headers)
			r.applyExtra(ev.RequestID)
		}
	case *network.EventDataReceived:
		if c := r.live[ev.RequestID]; c != nil {
			c.decoded += ev.DataLength
		}
	case *network.EventLoadingFinished:
		if c := r.live[ev.RequestID]; c != nil {
			c.ended = ev.Timestamp.Float64()
			c.e.Transfer.Size = int64(ev.EncodedDataLength)
			c.e.Response.Content.Size = c.decoded
			c.body = wantsBody(c.e)
			r.queue(c)
			delete(r.live, ev.RequestID)
		}
	case *network.EventLoadingFailed:
		if c := r.live[ev.RequestID]; c != nil {
			c.ended = ev.Timestamp.Float64()
			c.e.Error = ev.ErrorText
			r.queue(c)
			delete(r.live, ev.RequestID)
		}
	}
}

// sent starts an entry; a request that follows a redirect first ends the
// hop before it with the redirect's response, as Chrome's export does.
func (r *Recorder) sent(ev *network.EventRequestWillBeSent) {
	if prev := r.live[ev.RequestID]; prev != nil && ev.RedirectResponse != nil {
		prev.respond(ev.RedirectResponse)
		prev.ended = ev.Timestamp.Float64()
		prev.e.Response.RedirectURL, _ = har.Header(prev.e.Response.Headers, "Location")
		r.applyExtra(ev.RequestID)
		r.queue(prev)
	}
	if len(r.recs) >= maxEntries {
		delete(r.live, ev.RequestID)
		return
	}
	q := ev.Request
	c := &rec{id: ev.RequestID, issued: ev.Timestamp.Float64()}
	if r.epoch.IsZero() {
		r.epoch = time.UnixMicro(int64(ev.WallTime.Float64() * 1e6)).Add(-seconds(c.issued))
	}
	started := r.epoch.Add(seconds(c.issued))
	c.e = har.Entry{
		Started:      started,
		ResourceType: strings.ToLower(string(ev.Type)),
		Request: har.Request{
			Method:  q.Method,
			URL:     q.URL + q.URLFragment,
			Headers: nvs(q.Headers),
		},
		Transfer: har.Transfer{Priority: string(q.InitialPriority)},
	}
	if ev.Initiator != nil {
		c.e.Initiator = string(ev.Initiator.Type)
	}
	if q.HasPostData {
		ctype, _ := har.Header(c.e.Request.Headers, "Content-Type")
		c.e.Request.PostData = &har.PostData{MimeType: ctype}
		var body strings.Builder
		for _, pe := range q.PostDataEntries {
			body.Write(pe.Bytes)
		}
		c.setPost(body.String())
		c.post = len(q.PostDataEntries) == 0
	}
	if ev.Type == network.ResourceTypeDocument && ev.RedirectResponse == nil && (r.mainFrame == "" || ev.FrameID == r.mainFrame) {
		r.mainFrame = ev.FrameID
		r.pages = append(r.pages, har.Page{ID: "page_" + strconv.Itoa(len(r.pages)+1), Title: c.e.Request.URL, Started: started})
	}
	if n := len(r.pages); n > 0 {
		c.e.Page = r.pages[n-1].ID
	}
	r.recs = append(r.recs, c)
	r.live[ev.RequestID] = c
	close(r.sentNote)
	r.sentNote = make(chan struct{})
	if x := r.extraOf(ev.RequestID); x != nil {
		x.hops = append(x.hops, c)
		r.applyExtra(ev.RequestID)
	}
}

// extraInfo is what the ExtraInfo events of one request id said, and
// the hops (entries) of that id, in order.
type extraInfo struct {
	req, resp []network.Headers
	hops      []*rec
}

// extraOf is the ExtraInfo record of id, nil once the capture keeps no
// more entries.
func (r *Recorder) extraOf(id network.RequestID) *extraInfo {
	x := r.extra[id]
	if x == nil && len(r.recs) < maxEntries {
		x = &extraInfo{}
		r.extra[id] = x
	}
	return x
}

// applyExtra gives each hop of id the wire headers its ExtraInfo events
// said (the n-th request's and response's to the n-th hop), as Chrome's
// export does: Cookie and Set-Cookie are only there.
func (r *Recorder) applyExtra(id network.RequestID) {
	x := r.extra[id]
	if x == nil {
		return
	}
	for i, c := range x.hops {
		if !c.reqWire && i < len(x.req) {
			c.e.Request.Headers, c.reqWire = nvs(x.req[i]), true
		}
		if !c.respWire && c.responded && i < len(x.resp) {
			c.e.Response.Headers, c.respWire = nvs(x.resp[i]), true
		}
	}
}

// respond sets what a response says of the entry.
func (c *rec) respond(p *network.Response) {
	c.responded = true
	c.e.Response.Status = int(p.Status)
	c.e.Response.Headers = nvs(p.Headers)
	c.e.Response.Content.MimeType = p.MimeType
	if len(p.RequestHeaders) > 0 && !c.reqWire {
		// What went on the wire, cookies included.
		c.e.Request.Headers = nvs(p.RequestHeaders)
	}
	t := &c.e.Transfer
	t.Protocol, t.StatusText, t.ServerIP = p.Protocol, p.StatusText, strings.Trim(p.RemoteIPAddress, "[]")
	if p.ConnectionID > 0 {
		t.Connection = strconv.FormatFloat(p.ConnectionID, 'f', -1, 64)
	}
	c.timing = p.Timing
}

// wantsBody says which bodies Chrome's export would carry that a login's
// diagnosis reads: documents and XHR/fetch answers that have one.
func wantsBody(e har.Entry) bool {
	switch e.ResourceType {
	case "document", "xhr", "fetch":
	default:
		return false
	}
	s := e.Response.Status
	return s >= 200 && s != 204 && s != 304 && (s < 300 || s >= 400)
}

func (r *Recorder) queue(c *rec) {
	r.jobs = append(r.jobs, c)
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// work fetches the bodies queued and hands each request of the login to
// seen, in the order they ended, until the recorder is closed and none
// is left.
func (r *Recorder) work() {
	defer close(r.done)
	for {
		r.mu.Lock()
		if len(r.jobs) == 0 {
			closed := r.closed
			r.mu.Unlock()
			if closed {
				return
			}
			<-r.wake
			continue
		}
		c := r.jobs[0]
		r.jobs = r.jobs[1:]
		post, body := c.post, c.body
		c.post, c.body = false, false
		r.mu.Unlock()
		r.fetch(c, post, body)
		r.hand(c)
	}
}

func (r *Recorder) fetch(c *rec, post, body bool) {
	if post && r.fetchPost != nil {
		if text, err := r.fetchPost(c.id); err == nil {
			r.mu.Lock()
			c.setPost(text)
			r.mu.Unlock()
		}
	}
	if !body || r.fetchBody == nil {
		return
	}
	text, b64, err := r.fetchBody(c.id)
	if err != nil {
		return // gone with its page: the entry has no text, as in Chrome
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	ct := &c.e.Response.Content
	size, keep := len(text), maxBody
	if b64 {
		// Cut where the base64 still decodes, to maxBody bytes.
		size, keep = base64.StdEncoding.DecodedLen(len(text)), maxBody/3*4
		if strings.HasSuffix(text, "==") {
			size -= 2
		} else if strings.HasSuffix(text, "=") {
			size--
		}
	}
	if ct.Size == 0 {
		ct.Size = int64(size) // the body's, when no data events counted it
	}
	if len(text) > keep {
		for !b64 && keep > 0 && !utf8.RuneStart(text[keep]) {
			keep--
		}
		text, ct.Truncated = text[:keep], true
	}
	ct.Text, ct.Kept = text, true
	if b64 {
		ct.Encoding = "base64"
	}
}

// hand gives a request that ended to seen, when it is one of the
// login's: a navigation or its redirect, or a request carrying OAuth
// parameters.
func (r *Recorder) hand(c *rec) {
	r.mu.Lock()
	if c.handed {
		r.mu.Unlock()
		return
	}
	c.handed = true
	br, ok := browserRequest(c.e, c.issued, c.ended)
	br.Fields = c.fields
	r.mu.Unlock()
	if ok {
		r.seen(br)
	}
}

// browserRequest is an entry as the engine takes it, and whether it is
// one of the login's requests at all (not an image, a script, an app's
// polling).
func browserRequest(e har.Entry, issued, ended float64) (flow.BrowserRequest, bool) {
	u, err := url.Parse(e.Request.URL)
	if err != nil {
		return flow.BrowserRequest{}, false
	}
	if e.ResourceType != "document" && !oauthQuery(u) {
		return flow.BrowserRequest{}, false
	}
	br := flow.BrowserRequest{
		Method: e.Request.Method, URL: e.Request.URL, Status: e.Response.Status,
		Location: e.Response.RedirectURL, At: e.Started, Error: e.Error,
		Script: e.ResourceType != "document",
	}
	if br.Location == "" {
		br.Location, _ = har.Header(e.Response.Headers, "Location")
	}
	if ended > issued {
		br.Duration = time.Duration(math.Round((ended-issued)*1e6)) * time.Microsecond
	}
	br.Loop = e.Error == "net::ERR_TOO_MANY_REDIRECTS" // Chromium's net error name
	if br.Status == 0 && br.Error == "" {
		br.Error = "no answer when the capture ended (the page was still loading)"
	}
	br.ContentType, _ = har.Header(e.Response.Headers, "Content-Type")
	if c := e.Response.Content; c.Kept {
		br.Body = []byte(c.Text)
		if c.Encoding == "base64" {
			br.Body, _ = base64.StdEncoding.DecodeString(c.Text)
		}
	}
	if pd := e.Request.PostData; pd != nil && isFormType(pd.MimeType) {
		br.Form = pd.Text // postBody's: the OAuth values only
	}
	return br, true
}

// oauthQuery reports whether u carries an OAuth request's or answer's
// parameters.
func oauthQuery(u *url.URL) bool {
	q := u.Query()
	return q.Has("client_id") && q.Has("response_type") || q.Has("state") || q.Has("code") || q.Has("error")
}

// setPost keeps what a request's body may keep (postBody).
func (c *rec) setPost(body string) {
	pd := c.e.Request.PostData
	pd.Text, c.fields, pd.Comment = postBody(pd.MimeType, body)
	pd.Params = nil
	if pd.Text == "" {
		for _, name := range c.fields { // a multipart form's, in the HAR
			pd.Params = append(pd.Params, har.NV{Name: name, Value: dropped})
		}
	}
}

// dropped stands in for the value of a login post's field: a person's
// password (whatever the page named its field), one-time code or name
// is never authtrace's to keep, --reveal or not.
const dropped = "<dropped>"

const formType = "application/x-www-form-urlencoded"

// isFormType says whether a Content-Type is a form's (urlencoded).
func isFormType(ctype string) bool {
	mt, _, err := mime.ParseMediaType(ctype)
	return err == nil && mt == formType
}

// postBody is what a capture keeps of a request's body of Content-Type
// ctype: for a form, its fields with the values of the OAuth ones the
// comparison reads (keptField) and every other value dropped; for a
// multipart form, its field names only; for anything else (JSON, XML,
// text), nothing but a note. fields are the form's field names, sorted.
func postBody(ctype, body string) (text string, fields []string, note string) {
	if body == "" {
		return "", nil, ""
	}
	mt, params, err := mime.ParseMediaType(ctype)
	switch {
	case err == nil && mt == formType:
		pairs := strings.Split(body, "&")
		out := pairs[:0]
		for _, pair := range pairs {
			if pair == "" {
				continue
			}
			k, v, _ := strings.Cut(pair, "=")
			name, err := url.QueryUnescape(k)
			if err != nil {
				name = k
			}
			if !slices.Contains(fields, name) {
				fields = append(fields, name)
			}
			val, err := url.QueryUnescape(v)
			if !keptField(name) || err != nil {
				if v != "" {
					val = dropped
				}
			}
			out = append(out, url.QueryEscape(name)+"="+url.QueryEscape(val))
		}
		slices.Sort(fields)
		return strings.Join(out, "&"), fields, ""
	case err == nil && strings.HasPrefix(mt, "multipart/") && params["boundary"] != "":
		mr := multipart.NewReader(strings.NewReader(body), params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			if name := p.FormName(); name != "" && !slices.Contains(fields, name) {
				fields = append(fields, name)
			}
		}
		slices.Sort(fields)
		return "", fields, "authtrace keeps no value of a multipart body (a login's post is the person's): field names only"
	}
	return "", nil, "authtrace keeps no body of this type (a login's post is the person's): only form field names, and the OAuth values of a form"
}

// keptFields are the fields of a form post whose values a capture keeps:
// the OAuth request's and answer's that the comparison reads. code is
// kept as present only.
var keptFields = map[string]bool{
	"state": true, "redirect_uri": true, "client_id": true, "response_type": true, "response_mode": true,
	"scope": true, "nonce": true, "prompt": true, "resource": true, "code_challenge_method": true,
	"error": true, "error_description": true, "error_uri": true, "iss": true,
}

func keptField(name string) bool { return keptFields[name] }

// WaitSent waits, at most d, until the browser has sent a request whose
// URL match says yes to, and says whether it did.
func (r *Recorder) WaitSent(match func(url string) bool, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for seen := 0; ; {
		r.mu.Lock()
		for ; seen < len(r.recs); seen++ {
			if match(r.recs[seen].e.Request.URL) {
				r.mu.Unlock()
				return true
			}
		}
		note := r.sentNote
		r.mu.Unlock()
		select {
		case <-note:
		case <-timer.C:
			return false
		}
	}
}

// Stop waits for the bodies still being fetched and returns the pages
// and entries recorded, requests that never ended included (as Chrome
// lists them, and handed to seen as unanswered).
func (r *Recorder) Stop() ([]har.Page, []har.Entry) {
	r.mu.Lock()
	if !r.closed {
		for _, c := range r.recs {
			if !c.handed && r.live[c.id] == c {
				r.jobs = append(r.jobs, c)
			}
		}
	}
	r.closed = true
	select {
	case r.wake <- struct{}{}:
	default:
	}
	r.mu.Unlock()
	<-r.done

	r.mu.Lock()
	defer r.mu.Unlock()
	// In the order they were issued, as Chrome lists them; events can
	// arrive a little out of it.
	recs := slices.Clone(r.recs)
	slices.SortStableFunc(recs, func(a, b *rec) int { return cmp.Compare(a.issued, b.issued) })
	entries := make([]har.Entry, 0, len(recs))
	for _, c := range recs {
		e := c.e
		e.Transfer.Timings = timings(c.issued, c.ended, c.timing)
		entries = append(entries, e)
	}
	return slices.Clone(r.pages), entries
}

// Save writes what was recorded to path (mode 0600), after Stop.
func (r *Recorder) Save(path string) error {
	pages, entries := r.Stop()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write HAR: %w", err)
	}
	if err := har.Write(f, pages, entries); err != nil {
		f.Close()
		return fmt.Errorf("write HAR %s: %w", path, err)
	}
	return f.Close()
}

// timings turns the DevTools protocol's timing of a request into HAR's
// phases, as Chrome's export does: blocked runs from when the request was
// issued to its first phase, receive from the headers to when it ended.
func timings(issued, ended float64, t *network.ResourceTiming) har.Timings {
	if t == nil {
		return har.Timings{}
	}
	phase := func(start, end float64) float64 {
		if start < 0 || end < 0 {
			return -1
		}
		return end - start
	}
	first := t.SendStart
	switch {
	case t.DNSStart >= 0:
		first = t.DNSStart
	case t.ConnectStart >= 0:
		first = t.ConnectStart
	}
	out := har.Timings{
		Blocked: max(0, (t.RequestTime-issued)*1000+first),
		DNS:     phase(t.DNSStart, t.DNSEnd),
		SSL:     phase(t.SslStart, t.SslEnd),
		Connect: phase(t.ConnectStart, t.ConnectEnd),
		Send:    max(0, t.SendEnd-t.SendStart),
		Wait:    max(0, t.ReceiveHeadersEnd-t.SendEnd),
	}
	if ended > 0 {
		out.Receive = max(0, (ended-t.RequestTime)*1000-t.ReceiveHeadersEnd)
	}
	return out
}

func seconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second))
}

// nvs is a protocol header map as HAR's list, by name (the protocol's map
// has no order); a value of several lines (Set-Cookie) is a header each.
func nvs(h network.Headers) []har.NV {
	out := []har.NV{}
	for name, v := range h {
		for _, line := range strings.Split(fmt.Sprint(v), "\n") {
			out = append(out, har.NV{Name: name, Value: line})
		}
	}
	slices.SortStableFunc(out, func(a, b har.NV) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out
}
