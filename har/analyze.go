package har

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// Options says how Analyze reads a HAR file.
type Options struct {
	// Name is the file's name as the person gave it, for the report.
	Name string
	// ExpectAud and ExpectIss are the access token's expected audience
	// and issuer, as on login. Without ExpectAud, an attempt's own
	// audience parameter is what its tokens are held to.
	ExpectAud string
	ExpectIss string
	// Progress is called with the bytes read so far, now and then.
	Progress func(read int64)
}

// ErrNoLeg is wrapped by the *NoLegError of a file without any
// authorization request.
var ErrNoLeg = errors.New("no authorization request in the HAR file")

// NoLegError is a HAR file without a login in it: what it held instead,
// so that the person can tell whether it is the right file or was
// recorded too late.
type NoLegError struct {
	Entries int
	Hosts   []HostCount // the most requested first
}

// HostCount is how many of a file's entries went to one host.
type HostCount struct {
	Host  string
	Count int
}

func (e *NoLegError) Error() string {
	if e.Entries == 0 {
		return "the HAR file has no entries: the recording was stopped before the login, or the export left them out"
	}
	var hosts []string
	for i, h := range e.Hosts {
		if i == 8 {
			hosts = append(hosts, fmt.Sprintf("and %d more hosts", len(e.Hosts)-i))
			break
		}
		hosts = append(hosts, fmt.Sprintf("%s (%d)", report.Printable(h.Host), h.Count))
	}
	return fmt.Sprintf("no authorization request in the HAR file: none of its %d entries carries client_id and response_type (hosts: %s). Record the HAR from before the sign-in starts (open the browser's developer tools, Network tab, tick Preserve log, then click Sign in or Create connection), and export it after the error shows",
		e.Entries, strings.Join(hosts, ", "))
}

func (e *NoLegError) Unwrap() error { return ErrNoLeg }

// bodyBudget bounds the bodies Analyze keeps from one file in all, so a
// file of many pages on the login's hosts stays small in memory; past it,
// pages are judged by their status alone.
const bodyBudget = 48 << 20

// maxKeptBody is how much of one body Analyze keeps: the error-page
// reader scans the first 512 KiB, a token answer is far smaller.
const maxKeptBody = 512 << 10

// Analyze reads a HAR file and lays out every authorization attempt in it
// as hops, compared, read and checked as a live login's are: a report of
// command "har" with one chain per attempt ("attempt 1", ..., in time
// order, newest last). A file cut short gives the attempts before the cut,
// with a har.truncated warning; a file that is no HAR, or has no
// authorization request (a *NoLegError), gives an error.
func Analyze(r io.Reader, opt Options) (report.Report, error) {
	c := newCollector()
	file, err := Read(r, ReadOptions{KeepBody: c.keepBody, MaxBody: maxKeptBody, Progress: opt.Progress}, c.add)
	truncated := errors.Is(err, ErrTruncated)
	if err != nil && !(truncated && file.Entries > 0) {
		return report.Report{}, err
	}
	a := &analysis{opt: opt, recs: c.sorted()}
	legs := a.legs()
	if len(legs) == 0 {
		if truncated {
			return report.Report{}, fmt.Errorf("%w, and no sign-in starts before the cut: ask for the whole file (compressed with gzip if it is too big to send; authtrace reads .har.gz as it is)", err)
		}
		return report.Report{}, &NoLegError{Entries: file.Entries, Hosts: c.hostCounts()}
	}
	rep := a.report(legs)
	rep.HAR = &report.HARSource{
		File: opt.Name, Creator: file.Creator, Browser: file.Browser, Version: file.Version,
		Entries: file.Entries, Pages: file.Pages, Truncated: truncated,
	}
	rep.Findings = append(fileFindings(file, err, truncated, c.budgetHit), rep.Findings...)
	return rep, nil
}

// fileFindings are what was odd about the file itself.
func fileFindings(file File, err error, truncated, budgetHit bool) []report.Finding {
	var out []report.Finding
	if truncated {
		out = append(out, report.Finding{
			Code: report.CodeHARTruncated, Severity: report.SeverityWarn,
			Message: fmt.Sprintf("the HAR file is cut short: %v; the attempts up to the cut are below, anything after it is not", err),
			Hint:    "The export or the upload was interrupted, or the file was cut to fit a size limit. Ask for the whole file (compressed with gzip, if it is too big to send: authtrace reads .har.gz as it is).",
			Detail:  map[string]string{"entries": fmt.Sprint(file.Entries)},
		})
	}
	for _, n := range file.Notes {
		f := report.Finding{
			Code: report.CodeHARIrregular, Severity: report.SeverityInfo,
			Message: "the HAR file: " + n.Text,
			Hint:    "Read leniently; nothing to do unless the results look wrong. A file edited by hand or by a tool other than a browser may miss what a browser's export has.",
		}
		if n.Entry >= 0 {
			f.Detail = map[string]string{"entry": fmt.Sprint(n.Entry + 1)} // as the text counts
		}
		out = append(out, f)
	}
	if budgetHit {
		out = append(out, report.Finding{
			Code: report.CodeHARIrregular, Severity: report.SeverityInfo,
			Message: fmt.Sprintf("the HAR file has more than %d MiB of bodies worth reading (pages on the login's hosts, error pages, answers to posts): later ones are judged by their status alone", bodyBudget>>20),
		})
	}
	return out
}

// rec is what Analyze keeps of one entry: enough to follow a chain, read
// a page and check a token, never the headers it does not need.
type rec struct {
	pos      int // index in the file
	started  time.Time
	page     string
	method   string
	url      string
	u        *url.URL
	status   int
	location string // redirectURL, or the Location header
	ctype    string // the response's Content-Type
	resource string // _resourceType
	err      string // _error
	bearer   string // the token of an Authorization: Bearer header
	wwwAuth  string // the answer's WWW-Authenticate headers, all lines joined
	basic    bool   // the request had Authorization: Basic
	form     string // the request body, when it is a form
	body     []byte // the response body, when kept
	bodyCut  bool
	omitted  bool // the response had a body the file does not
}

// collector keeps the entries worth keeping as they are read.
type collector struct {
	recs      []rec
	hosts     map[string]int
	legHosts  map[string]bool // hosts of authorize requests seen so far
	kept      int             // bytes of bodies kept
	budgetHit bool
}

func newCollector() *collector {
	return &collector{hosts: map[string]int{}, legHosts: map[string]bool{}}
}

// oauthNames in a URL's query make an entry worth keeping whatever else
// it is.
var oauthNames = []string{"client_id", "response_type", "redirect_uri", "state", "code", "error", "id_token", "SAMLResponse"}

func hasOAuthParam(u *url.URL) bool {
	if u == nil {
		return false
	}
	q := u.Query()
	for _, n := range oauthNames {
		if q.Has(n) {
			return true
		}
	}
	return false
}

func isAuthorizeURL(u *url.URL) bool {
	if u == nil {
		return false
	}
	return flow.IsAuthorizeQuery(u.Query())
}

// keepBody says which bodies to decode: error answers, answers to
// posts (token responses, login pages that failed), authorize requests
// answered with a page, and pages on an authorize request's host (where
// a provider says "Callback URL mismatch" with HTTP 200).
func (c *collector) keepBody(e *Entry) bool {
	if c.kept >= bodyBudget {
		c.budgetHit = c.budgetHit || e.Response.Status >= 400
		return false
	}
	if mediaIs(e.Response.Content.MimeType, "image/", "font/", "video/", "audio/", "text/css", "javascript") {
		return false
	}
	u, _ := url.Parse(e.Request.URL)
	switch {
	case e.Response.Status >= 400, strings.EqualFold(e.Request.Method, "POST"), isAuthorizeURL(u):
		return true
	case u != nil && c.legHosts[strings.ToLower(u.Host)] && e.Response.Status < 300:
		return isDocument(e.ResourceType, e.Response.Content.MimeType)
	}
	return false
}

func mediaIs(mime string, kinds ...string) bool {
	m := strings.ToLower(mime)
	for _, k := range kinds {
		if strings.HasPrefix(m, k) || strings.Contains(m, k) && !strings.Contains(k, "/") {
			return true
		}
	}
	return false
}

// isDocument reports whether an entry is a navigation: Chrome says so
// in _resourceType; Firefox does not, so its HTML answers count.
func isDocument(resourceType, mime string) bool {
	if resourceType != "" {
		return strings.EqualFold(resourceType, "document")
	}
	return mime == "" || mediaIs(mime, "text/html", "application/xhtml")
}

// add keeps what an entry says that a login's diagnosis reads.
func (c *collector) add(e Entry) error {
	u, err := url.Parse(e.Request.URL)
	if err != nil || e.Request.URL == "" {
		u = nil
	}
	if u != nil {
		c.hosts[strings.ToLower(u.Host)]++
		if isAuthorizeURL(u) {
			c.legHosts[strings.ToLower(u.Host)] = true
		}
	}
	r := rec{
		pos: e.Index, started: e.Started, page: e.Page, method: strings.ToUpper(e.Request.Method),
		url: e.Request.URL, u: u, status: e.Response.Status, resource: strings.ToLower(e.ResourceType), err: e.Error,
	}
	if r.method == "" {
		r.method = "GET"
	}
	r.location = e.Response.RedirectURL
	if loc, ok := Header(e.Response.Headers, "Location"); ok && (r.location == "" || r.status >= 300 && r.status < 400) {
		r.location = loc
	}
	r.ctype, _ = Header(e.Response.Headers, "Content-Type")
	r.wwwAuth = headerValues(e.Response.Headers, "WWW-Authenticate")
	if r.ctype == "" {
		r.ctype = e.Response.Content.MimeType
	}
	if auth, ok := Header(e.Request.Headers, "Authorization"); ok {
		scheme, cred, _ := strings.Cut(strings.TrimSpace(auth), " ")
		switch strings.ToLower(scheme) {
		case "bearer":
			r.bearer = strings.TrimSpace(cred)
		case "basic":
			r.basic = true
		}
	}
	if pd := e.Request.PostData; pd != nil && c.kept < bodyBudget {
		// Token requests are forms (RFC 6749 §4.1.3); a JSON body (an
		// app's own call, telemetry) is no hop's and no grant's.
		if f := formText(pd); isForm(pd.MimeType, f) {
			r.form = f
		}
	}
	if c := e.Response.Content; c.Kept {
		r.body, r.bodyCut = []byte(c.Text), c.Truncated
	}
	r.omitted = e.Response.Content.Omitted
	if !c.worthKeeping(r, e) {
		return nil
	}
	c.kept += len(r.body) + len(r.form)
	c.recs = append(c.recs, r)
	return nil
}

// formText is a request body as form text: the text as sent, or the
// fields the browser split it into when the file has only those.
func formText(pd *PostData) string {
	if pd.Text != "" {
		return pd.Text
	}
	v := url.Values{}
	for _, p := range pd.Params {
		v.Add(p.Name, p.Value)
	}
	return v.Encode()
}

// isForm reports whether a request body is form-encoded: said so, or
// looking so (name=value pairs, not JSON or XML).
func isForm(mime, text string) bool {
	if mediaIs(mime, "application/x-www-form-urlencoded") {
		return true
	}
	t := strings.TrimSpace(text)
	return t != "" && strings.Contains(t, "=") && !strings.ContainsAny(t[:1], "{[<\"")
}

// worthKeeping keeps what can be a hop (a navigation, a redirect, a form
// post, a request with OAuth parameters), a token request or a call with
// a token, and drops the rest (assets, an app's own API polling), so a
// file of a million entries costs its logins, not its entries.
func (c *collector) worthKeeping(r rec, e Entry) bool {
	switch {
	case r.u == nil:
		return false
	case r.bearer != "", r.method != "GET", r.status >= 300, r.status == 0, hasOAuthParam(r.u):
		return true
	}
	return isDocument(r.resource, mediaOf(r.ctype))
}

// sorted is the kept entries in startedDateTime order; an entry without
// a time keeps its place after the one before it.
func (c *collector) sorted() []rec {
	var last time.Time
	for i := range c.recs {
		if c.recs[i].started.IsZero() {
			c.recs[i].started = last
		}
		last = c.recs[i].started
	}
	slices.SortStableFunc(c.recs, func(a, b rec) int { return a.started.Compare(b.started) })
	return c.recs
}

func (c *collector) hostCounts() []HostCount {
	var out []HostCount
	for h, n := range c.hosts {
		if h == "" {
			continue
		}
		out = append(out, HostCount{h, n})
	}
	slices.SortFunc(out, func(a, b HostCount) int {
		return cmp.Or(b.Count-a.Count, strings.Compare(a.Host, b.Host))
	})
	return out
}
