package har

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var t0 = time.Date(2026, 12, 3, 9, 0, 0, 123_000_000, time.UTC)

// loginEntries are a login's entries as Read hands them over: the
// authorize redirect, the login form's post, the callback, a token answer,
// a binary body and a request that failed.
func loginEntries() []Entry {
	return []Entry{
		{
			Started: t0, Page: "page_1", ResourceType: "document", Initiator: "other",
			Request: Request{Method: "GET", URL: "http://127.0.0.1:4000/auth?client_id=app&response_type=code&state=s%2B1#frag",
				Headers: []NV{{"Host", "127.0.0.1:4000"}, {"Cookie", "a=1; b=2"}},
				Query:   []NV{{"client_id", "app"}, {"response_type", "code"}, {"state", "s%2B1"}}},
			Response: Response{Status: 303, RedirectURL: "/interaction/u1",
				Headers: []NV{{"Location", "/interaction/u1"}, {"Set-Cookie", "_interaction=u1; path=/interaction/u1; httponly; samesite=lax"}},
				Content: Content{MimeType: "text/html", Size: 5, Text: "<p>x<", Kept: true}},
			Transfer: Transfer{Protocol: "http/1.1", StatusText: "See Other", ServerIP: "127.0.0.1", Connection: "41",
				Priority: "VeryHigh", Size: 612, Timings: Timings{Blocked: 1.5, DNS: -1, SSL: -1, Connect: -1, Send: 0.25, Wait: 3, Receive: 0.5}},
		},
		{
			Started: t0.Add(40 * time.Millisecond), Page: "page_1", ResourceType: "document", Initiator: "parser",
			Request: Request{Method: "POST", URL: "http://127.0.0.1:4000/interaction/u1/login",
				Headers:  []NV{{"Content-Type", "application/x-www-form-urlencoded"}},
				Query:    []NV{},
				PostData: &PostData{MimeType: "application/x-www-form-urlencoded", Text: "login=alice&password=p%26w", Params: []NV{{"login", "alice"}, {"password", "p%26w"}}}},
			Response: Response{Status: 303, RedirectURL: "http://127.0.0.1:5555/callback?code=c1&state=s%2B1", Headers: []NV{}, Content: Content{MimeType: "x-unknown"}},
		},
		{
			Started: t0.Add(80 * time.Millisecond), Page: "page_1", ResourceType: "fetch", Initiator: "script",
			Request: Request{Method: "POST", URL: "http://127.0.0.1:4000/token", Headers: []NV{}, Query: []NV{},
				PostData: &PostData{MimeType: "application/json", Text: `{"grant_type":"authorization_code"}`}},
			Response: Response{Status: 200, Headers: []NV{{"Content-Type", "application/json"}},
				Content: Content{MimeType: "application/json", Size: 17, Text: `{"a":"<b>&\u2028"}`, Kept: true}},
		},
		{
			Started: t0.Add(90 * time.Millisecond), ResourceType: "image", Initiator: "parser",
			Request:  Request{Method: "GET", URL: "http://127.0.0.1:4000/logo.png", Headers: []NV{}, Query: []NV{}},
			Response: Response{Status: 200, Headers: []NV{}, Content: Content{MimeType: "image/png", Size: 6, Text: "\x89PNG\x00\xff", Encoding: "base64", Kept: true}},
		},
		{
			Started: t0.Add(95 * time.Millisecond), ResourceType: "document", Initiator: "other", Error: "net::ERR_CONNECTION_REFUSED",
			Request:  Request{Method: "GET", URL: "http://127.0.0.1:5555/callback?code=c1&state=s%2B1", Headers: []NV{}, Query: []NV{{"code", "c1"}, {"state", "s%2B1"}}},
			Response: Response{Headers: []NV{}, Content: Content{MimeType: "x-unknown"}},
		},
	}
}

func write(t *testing.T, pages []Page, entries []Entry) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, pages, entries); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readBack(t *testing.T, data []byte) (File, []Entry, error) {
	t.Helper()
	var got []Entry
	f, err := Read(bytes.NewReader(data), ReadOptions{KeepBody: func(*Entry) bool { return true }},
		func(e Entry) error { got = append(got, e); return nil })
	return f, got, err
}

func TestWriteRoundTrip(t *testing.T) {
	in := loginEntries()
	for i := range in {
		in[i].Index = i
	}
	data := write(t, []Page{{ID: "page_1", Title: "sign in", Started: t0}}, in)
	f, got, err := readBack(t, data)
	if err != nil {
		t.Fatalf("read back: %v\n%s", err, data)
	}
	if f.Version != "1.2" || f.Creator != "WebInspector 537.36" || f.Entries != len(in) || f.Pages != 1 || len(f.Notes) != 0 {
		t.Errorf("file = %+v, want HAR 1.2 by WebInspector 537.36, %d entries, 1 page, no notes", f, len(in))
	}
	// Read does not fill Transfer: it is what the writer adds for Chrome.
	if diff := cmp.Diff(in, got, cmpopts.IgnoreFields(Entry{}, "Transfer"), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("entries read back (-written +read):\n%s", diff)
	}
}

// TestWriteFillsWhatChromeDerives: a recorder gives URLs and bodies;
// queryString, form params, the body's size and base64 for bytes that are
// not text come from them, as Chrome derives them.
func TestWriteFillsWhatChromeDerives(t *testing.T) {
	e := Entry{
		Request: Request{Method: "POST", URL: "https://idp.test/authorize?client_id=a%20b&state=&x#f",
			PostData: &PostData{MimeType: "application/x-www-form-urlencoded; charset=UTF-8", Text: "a=1&b=%2F"}},
		Response: Response{Status: 200, Content: Content{Text: "\xff\xfe", Kept: true}},
	}
	_, got, err := readBack(t, write(t, nil, []Entry{e}))
	if err != nil || len(got) != 1 {
		t.Fatalf("read back %d entries: %v", len(got), err)
	}
	g := got[0]
	if diff := cmp.Diff([]NV{{"client_id", "a%20b"}, {"state", ""}, {"x", ""}}, g.Request.Query); diff != "" {
		t.Errorf("queryString (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]NV{{"a", "1"}, {"b", "%2F"}}, g.Request.PostData.Params); diff != "" {
		t.Errorf("postData.params (-want +got):\n%s", diff)
	}
	c := g.Response.Content
	if c.Text != e.Response.Content.Text || c.Encoding != "base64" || c.Size != 2 || c.MimeType != "x-unknown" {
		t.Errorf("content = %+v, want the 2 bytes back through base64, mimeType x-unknown", c)
	}
	if g.Initiator != "other" {
		t.Errorf("initiator = %q, want other for an entry that names none", g.Initiator)
	}
}

// TestWriteChromeShape checks the layout against what Chrome's export
// is: JSON.stringify(har, null, 2), with its keys in its order.
func TestWriteChromeShape(t *testing.T) {
	data := write(t, []Page{{ID: "page_1", Title: "t", Started: t0, OnLoad: 250 * time.Millisecond}}, loginEntries())

	var compact, indented bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if err := json.Indent(&indented, compact.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(indented.String(), string(data)); diff != "" {
		t.Errorf("not indented as JSON.stringify(v, null, 2) does (-want +got):\n%s", diff)
	}
	if bytes.Contains(data, []byte(`\u003c`)) {
		t.Error("< is escaped; Chrome writes it as it is")
	}

	keys := objectKeys(t, data)
	want := map[string][]string{
		"":                      {"log"},
		"log":                   {"version", "creator", "pages", "entries"},
		"log.creator":           {"name", "version"},
		"log.pages[]":           {"startedDateTime", "id", "title", "pageTimings"},
		"log.entries[]":         {"_initiator", "_priority", "_resourceType", "cache", "connection", "pageref", "request", "response", "serverIPAddress", "startedDateTime", "time", "timings"},
		"log.entries[].request": {"method", "url", "httpVersion", "headers", "queryString", "cookies", "headersSize", "bodySize"},
		"log.entries[].response": {"status", "statusText", "httpVersion", "headers", "cookies", "content", "redirectURL",
			"headersSize", "bodySize", "_transferSize", "_error"},
		"log.entries[].response.content": {"size", "mimeType", "text"},
		"log.entries[].timings":          {"blocked", "dns", "ssl", "connect", "send", "wait", "receive"},
	}
	for path, w := range want {
		if diff := cmp.Diff(w, keys[path]); diff != "" {
			t.Errorf("keys of %s (-Chrome +written):\n%s", path, diff)
		}
	}

	var doc struct {
		Log struct {
			Creator struct{ Name, Version string }
			Pages   []struct {
				PageTimings struct{ OnContentLoad, OnLoad float64 }
			}
			Entries []struct {
				StartedDateTime string
				Time            float64
				ServerIPAddress string
				Priority        *string `json:"_priority"`
				Request         struct {
					HTTPVersion string
					Cookies     []map[string]any
				}
				Response struct {
					StatusText   string
					HTTPVersion  string
					Cookies      []map[string]any
					TransferSize int64   `json:"_transferSize"`
					Error        *string `json:"_error"`
				}
			}
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	first := doc.Log.Entries[0]
	if first.StartedDateTime != "2026-12-03T09:00:00.123Z" {
		t.Errorf("startedDateTime = %q, want RFC 3339 UTC with milliseconds", first.StartedDateTime)
	}
	if first.Time != 1.5+0.25+3+0.5 {
		t.Errorf("time = %v, want the sum of the phases that happened", first.Time)
	}
	if first.Request.HTTPVersion != "HTTP/1.1" || first.Response.StatusText != "See Other" || first.ServerIPAddress != "127.0.0.1" || first.Response.TransferSize != 612 {
		t.Errorf("first entry's transfer = %+v", first)
	}
	if len(first.Request.Cookies) != 2 || first.Request.Cookies[1]["name"] != "b" {
		t.Errorf("request cookies = %v, want a and b from the Cookie header", first.Request.Cookies)
	}
	if c := first.Response.Cookies; len(c) != 1 || c[0]["name"] != "_interaction" || c[0]["httpOnly"] != true || c[0]["sameSite"] != "Lax" || c[0]["path"] != "/interaction/u1" {
		t.Errorf("response cookies = %v, want _interaction from Set-Cookie with its attributes", c)
	}
	if first.Response.Error != nil || doc.Log.Entries[4].Response.Error == nil || *doc.Log.Entries[4].Response.Error != "net::ERR_CONNECTION_REFUSED" {
		t.Errorf("_error = %v then %v, want null then the failure", first.Response.Error, doc.Log.Entries[4].Response.Error)
	}
	if doc.Log.Entries[1].Priority != nil {
		t.Errorf("_priority of an entry without one = %q, want null", *doc.Log.Entries[1].Priority)
	}
	if pt := doc.Log.Pages[0].PageTimings; pt.OnLoad != 250 || pt.OnContentLoad != -1 {
		t.Errorf("pageTimings = %+v, want onLoad 250 and -1 for the unknown", pt)
	}
}

// objectKeys walks a JSON document and returns, for each object's path
// (array elements as []), the keys of the first object there, in order.
func objectKeys(t *testing.T, data []byte) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	var walk func(path string) error
	walk = func(path string) error {
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		switch tok.Kind() {
		case '{':
			_, seen := out[path]
			var keys []string
			for dec.PeekKind() != '}' {
				name, err := dec.ReadToken()
				if err != nil {
					return err
				}
				keys = append(keys, name.String())
				if err := walk(strings.TrimPrefix(path+"."+name.String(), ".")); err != nil {
					return err
				}
			}
			if !seen {
				out[path] = keys
			}
			_, err = dec.ReadToken()
			return err
		case '[':
			for dec.PeekKind() != ']' {
				if err := walk(path + "[]"); err != nil {
					return err
				}
			}
			_, err = dec.ReadToken()
			return err
		}
		return nil
	}
	if err := walk(""); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWriterStreams: each entry is in the output once Add returns, so a
// capture cut short leaves a file that reads up to the cut.
func TestWriterStreams(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	es := loginEntries()
	for _, e := range es[:2] {
		if err := w.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	_, got, err := readBack(t, b.Bytes())
	if !errors.Is(err, ErrTruncated) || len(got) != 2 {
		t.Errorf("before Close: %d entries, err %v; want the 2 added and ErrTruncated", len(got), err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, got, err = readBack(t, b.Bytes()); err != nil || len(got) != 2 {
		t.Errorf("after Close: %d entries, err %v; want 2 and no error", len(got), err)
	}
	if err := w.Add(es[2]); !errors.Is(err, ErrClosed) {
		t.Errorf("Add after Close = %v, want ErrClosed", err)
	}
}

func TestWriteEmpty(t *testing.T) {
	data := write(t, nil, nil)
	f, got, err := readBack(t, data)
	if err != nil || len(got) != 0 || f.Version != "1.2" {
		t.Errorf("empty file: %d entries, file %+v, err %v\n%s", len(got), f, err, data)
	}
	if !bytes.Contains(data, []byte(`"entries": []`)) || !bytes.Contains(data, []byte(`"pages": []`)) {
		t.Errorf("empty lists not written as []:\n%s", data)
	}
}

type failWriter struct{ after int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("disk full")
	}
	f.after--
	return len(p), nil
}

func TestWriteReportsWriteErrors(t *testing.T) {
	w := NewWriter(&failWriter{after: 1})
	err := w.Add(loginEntries()[0])
	if err == nil {
		err = w.Add(loginEntries()[1])
	}
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v, want the writer's disk full", err)
	}
	if cerr := w.Close(); cerr == nil {
		t.Error("Close after a failed write returned nil")
	}
}
