package capture

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/har"
)

func TestTimings(t *testing.T) {
	// Issued at 10.000s, started at 10.002s; a reused connection (no DNS,
	// connect or TLS), sent 1ms in, headers 5ms in, finished at 10.010s.
	rt := &network.ResourceTiming{RequestTime: 10.002, DNSStart: -1, DNSEnd: -1, ConnectStart: -1, ConnectEnd: -1,
		SslStart: -1, SslEnd: -1, SendStart: 1, SendEnd: 1.5, ReceiveHeadersEnd: 5}
	got := timings(10.000, 10.010, rt)
	want := har.Timings{Blocked: 3, DNS: -1, SSL: -1, Connect: -1, Send: 0.5, Wait: 3.5, Receive: 3}
	approx := cmp.Comparer(func(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 })
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("timings (-want +got):\n%s", diff)
	}
	if got := timings(1, 2, nil); got != (har.Timings{}) {
		t.Errorf("timings without the protocol's = %+v, want zero (written as Chrome's unknown)", got)
	}
}

func TestNVs(t *testing.T) {
	got := nvs(network.Headers{"set-cookie": "a=1\nb=2", "Location": "/x", "content-type": "text/html"})
	want := []har.NV{{Name: "content-type", Value: "text/html"}, {Name: "Location", Value: "/x"},
		{Name: "set-cookie", Value: "a=1"}, {Name: "set-cookie", Value: "b=2"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
}

// stream feeds a recorder the events of a login as Chromium sends them:
// an authorize request redirected to a login page, the login post, its
// redirect to the callback (which never answers: the capture ended), an
// image on the way, and a page that failed.
func stream(r *Recorder) {
	doc := network.ResourceTypeDocument
	send := func(id, method, u string, at float64, redirect *network.Response, post string) {
		q := &network.Request{URL: u, Method: method, Headers: network.Headers{}}
		if post != "" {
			q.HasPostData = true
			q.Headers["Content-Type"] = "application/x-www-form-urlencoded"
			q.PostDataEntries = []*network.PostDataEntry{{Bytes: []byte(post)}}
		}
		r.event(&network.EventRequestWillBeSent{RequestID: network.RequestID(id), Request: q, Timestamp: cdp.MonotonicTime(at),
			WallTime: cdp.TimeSinceEpoch(1.7e9 + at), Type: doc, FrameID: "main", RedirectResponse: redirect})
	}
	respond := func(id string, status int64, ctype string, at float64) {
		r.event(&network.EventResponseReceived{RequestID: network.RequestID(id), Type: doc,
			Response: &network.Response{Status: status, Headers: network.Headers{"Content-Type": ctype}, MimeType: ctype}})
		r.event(&network.EventLoadingFinished{RequestID: network.RequestID(id), Timestamp: cdp.MonotonicTime(at)})
	}
	send("1", "GET", "https://idp.example/authorize?client_id=c&response_type=code&state=S1&redirect_uri=http%3A%2F%2F127.0.0.1%3A5%2Fcallback", 10, nil, "")
	send("1", "GET", "https://idp.example/login?tx=1", 10.02, &network.Response{Status: 302, Headers: network.Headers{"Location": "/login?tx=1"}}, "")
	respond("1", 200, "text/html", 10.05)
	r.event(&network.EventRequestWillBeSent{RequestID: "img", Request: &network.Request{URL: "https://idp.example/logo.png", Method: "GET"},
		Timestamp: 10.06, Type: network.ResourceTypeImage})
	respond("img", 200, "image/png", 10.07)
	send("2", "POST", "https://idp.example/login", 11, nil, "login=ada&password=hunter2&tx=1")
	send("2", "GET", "http://127.0.0.1:5/callback?code=C&state=S1", 11.1, &network.Response{Status: 303, Headers: network.Headers{"Location": "http://127.0.0.1:5/callback?code=C&state=S1"}}, "")
	send("3", "GET", "https://down.example/", 12, nil, "")
	r.event(&network.EventLoadingFailed{RequestID: "3", Timestamp: 12.5, ErrorText: "net::ERR_NAME_NOT_RESOLVED"})
}

func TestRecorderHandsTheLoginsRequests(t *testing.T) {
	var got []flow.BrowserRequest
	r := newRecorder(func(br flow.BrowserRequest) { got = append(got, br) })
	r.fetchBody = func(network.RequestID) (string, bool, error) { return "<html>sign in</html>", false, nil }
	go r.work()
	stream(r)
	_, entries := r.Stop()

	type short struct {
		Method, URL, Location, Error, Body string
		Status                             int
		Fields                             []string
		MS                                 int64
	}
	var gotShort []short
	for _, br := range got {
		gotShort = append(gotShort, short{br.Method, br.URL, br.Location, br.Error, string(br.Body), br.Status, br.Fields, br.Duration.Milliseconds()})
	}
	want := []short{
		{Method: "GET", URL: "https://idp.example/authorize?client_id=c&response_type=code&state=S1&redirect_uri=http%3A%2F%2F127.0.0.1%3A5%2Fcallback", Location: "/login?tx=1", Status: 302, MS: 20},
		{Method: "GET", URL: "https://idp.example/login?tx=1", Status: 200, Body: "<html>sign in</html>", MS: 30},
		{Method: "POST", URL: "https://idp.example/login", Location: "http://127.0.0.1:5/callback?code=C&state=S1", Status: 303, Fields: []string{"login", "password", "tx"}, MS: 100},
		{Method: "GET", URL: "https://down.example/", Error: "net::ERR_NAME_NOT_RESOLVED", MS: 500},
		{Method: "GET", URL: "http://127.0.0.1:5/callback?code=C&state=S1", Error: "no answer when the capture ended (the page was still loading)"},
	}
	if diff := cmp.Diff(want, gotShort); diff != "" {
		t.Errorf("requests handed (-want +got):\n%s", diff)
	}
	if len(entries) != 6 {
		t.Errorf("%d entries kept for the HAR, want 6 (the image too)", len(entries))
	}
	for _, e := range entries {
		if pd := e.Request.PostData; pd != nil && (strings.Contains(pd.Text, "hunter2") || strings.Contains(pd.Text, "ada")) {
			t.Errorf("a value of the login post is in the entry's post data: %q", pd.Text)
		}
	}
}

func TestRecorderKeepsAtMostMaxEntries(t *testing.T) {
	n := 0
	r := newRecorder(func(flow.BrowserRequest) { n++ })
	go r.work()
	for i := range maxEntries + 50 {
		id := network.RequestID(strconv.Itoa(i))
		r.event(&network.EventRequestWillBeSent{RequestID: id, Request: &network.Request{URL: "https://a.example/?state=x", Method: "GET"}, Timestamp: cdp.MonotonicTime(i)})
		r.event(&network.EventLoadingFinished{RequestID: id, Timestamp: cdp.MonotonicTime(i)})
	}
	_, entries := r.Stop()
	if len(entries) != maxEntries || n != maxEntries {
		t.Errorf("kept %d entries and handed %d requests, want %d of each", len(entries), n, maxEntries)
	}
}

func TestPostBodies(t *testing.T) {
	const form = "application/x-www-form-urlencoded"
	mp := "--B\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nada\r\n" +
		"--B\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nMULTIPW88\r\n--B--\r\n"
	for _, tc := range []struct {
		name, ctype, body, want string
		fields                  []string
		note                    bool
	}{
		// A password field named freely (type=password), Entra's one-time
		// code: no value is kept but the OAuth ones the comparison reads.
		{"form", form + "; charset=UTF-8", "credential=HUNTER2PW&otc=654321&state=S%201&client_id=c&code=THECODE&empty=",
			"credential=%3Cdropped%3E&otc=%3Cdropped%3E&state=S+1&client_id=c&code=%3Cdropped%3E&empty=",
			[]string{"client_id", "code", "credential", "empty", "otc", "state"}, false},
		{"json", "application/json", `{"credentials":{"passcode":"JSONPW77"}}`, "", nil, true},
		{"multipart", "multipart/form-data; boundary=B", mp, "", []string{"password", "user"}, true},
		{"no type", "", "credential=HUNTER2PW", "", nil, true},
		{"empty", form, "", "", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, fields, note := postBody(tc.ctype, tc.body)
			if text != tc.want {
				t.Errorf("text = %q, want %q", text, tc.want)
			}
			if diff := cmp.Diff(tc.fields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if (note != "") != tc.note {
				t.Errorf("note = %q, want one: %v", note, tc.note)
			}
			for _, secret := range []string{"HUNTER2PW", "654321", "THECODE", "JSONPW77", "MULTIPW88"} {
				if strings.Contains(text+note+strings.Join(fields, " "), secret) {
					t.Errorf("%s kept: text %q, note %q, fields %q", secret, text, note, fields)
				}
			}
		})
	}
}

// TestRecorderKeepsNoPostValues checks the post data the browser gives
// later (GetRequestPostData) as well as the one in the event.
func TestRecorderKeepsNoPostValues(t *testing.T) {
	var got []flow.BrowserRequest
	r := newRecorder(func(br flow.BrowserRequest) { got = append(got, br) })
	r.fetchPost = func(network.RequestID) (string, error) { return `{"credentials":{"passcode":"JSONPW77"}}`, nil }
	go r.work()
	q := &network.Request{URL: "https://idp.example/api?state=s1", Method: "POST", HasPostData: true, Headers: network.Headers{"Content-Type": "application/json"}}
	r.event(&network.EventRequestWillBeSent{RequestID: "1", Request: q, Timestamp: 1, Type: network.ResourceTypeFetch})
	r.event(&network.EventResponseReceived{RequestID: "1", Response: &network.Response{Status: 200}})
	r.event(&network.EventLoadingFinished{RequestID: "1", Timestamp: 2})
	_, entries := r.Stop()
	if len(got) != 1 || len(got[0].Fields) != 0 || got[0].Form != "" {
		t.Errorf("handed %+v, want one request without fields or form", got)
	}
	if len(entries) != 1 || entries[0].Request.PostData == nil || entries[0].Request.PostData.Text != "" || entries[0].Request.PostData.Comment == "" {
		t.Fatalf("entries %+v, want one whose post data has no text and says why", entries)
	}
}

// TestRecorderKeepsCookies: Cookie and Set-Cookie come only in the
// protocol's ExtraInfo events, before or after the request's own, one
// per hop of a redirect; the HAR has them as Chrome's export does (its
// redaction hides their values unless --reveal).
func TestRecorderKeepsCookies(t *testing.T) {
	r := newRecorder(nil)
	go r.work()
	doc := network.ResourceTypeDocument
	// Hop 1's request extra arrives first, hop 2's after its request.
	r.event(&network.EventRequestWillBeSentExtraInfo{RequestID: "1", Headers: network.Headers{"Cookie": "a=1"}})
	r.event(&network.EventRequestWillBeSent{RequestID: "1", Type: doc, FrameID: "main", Timestamp: 1,
		Request: &network.Request{URL: "https://idp.example/authorize?state=s", Method: "GET", Headers: network.Headers{}}})
	r.event(&network.EventResponseReceivedExtraInfo{RequestID: "1", Headers: network.Headers{"Set-Cookie": "sess=S1; HttpOnly\ntx=T", "Location": "/login"}})
	r.event(&network.EventRequestWillBeSent{RequestID: "1", Type: doc, FrameID: "main", Timestamp: 2,
		Request:          &network.Request{URL: "https://idp.example/login", Method: "GET", Headers: network.Headers{}},
		RedirectResponse: &network.Response{Status: 302, Headers: network.Headers{"Location": "/login"}}})
	r.event(&network.EventRequestWillBeSentExtraInfo{RequestID: "1", Headers: network.Headers{"Cookie": "a=1; sess=S1"}})
	r.event(&network.EventResponseReceived{RequestID: "1", Type: doc, Response: &network.Response{Status: 200, Headers: network.Headers{}}})
	r.event(&network.EventResponseReceivedExtraInfo{RequestID: "1", Headers: network.Headers{"Set-Cookie": "done=1"}})
	r.event(&network.EventLoadingFinished{RequestID: "1", Timestamp: 3})
	_, entries := r.Stop()
	if len(entries) != 2 {
		t.Fatalf("%d entries, want 2", len(entries))
	}
	for i, want := range []struct{ cookie, setCookie string }{{"a=1", "sess=S1; HttpOnly"}, {"a=1; sess=S1", "done=1"}} {
		e := entries[i]
		if got, _ := har.Header(e.Request.Headers, "Cookie"); got != want.cookie {
			t.Errorf("hop %d: Cookie %q, want %q", i+1, got, want.cookie)
		}
		if got, _ := har.Header(e.Response.Headers, "Set-Cookie"); got != want.setCookie {
			t.Errorf("hop %d: Set-Cookie %q, want %q", i+1, got, want.setCookie)
		}
	}
	if entries[0].Response.RedirectURL != "/login" {
		t.Errorf("the redirect's Location %q, want /login", entries[0].Response.RedirectURL)
	}
}

// TestRecorderCutsBase64Bodies: a binary body over maxBody is cut where
// its base64 still decodes, and its size is the body's, not the text's.
func TestRecorderCutsBase64Bodies(t *testing.T) {
	body := strings.Repeat("\xff\x00\x01", maxBody/3+100)
	var got []flow.BrowserRequest
	r := newRecorder(func(br flow.BrowserRequest) { got = append(got, br) })
	r.fetchBody = func(network.RequestID) (string, bool, error) {
		return base64.StdEncoding.EncodeToString([]byte(body)), true, nil
	}
	go r.work()
	r.event(&network.EventRequestWillBeSent{RequestID: "1", Type: network.ResourceTypeDocument, FrameID: "main", Timestamp: 1,
		Request: &network.Request{URL: "https://idp.example/x", Method: "GET", Headers: network.Headers{}}})
	r.event(&network.EventResponseReceived{RequestID: "1", Response: &network.Response{Status: 200, Headers: network.Headers{}}})
	r.event(&network.EventDataReceived{RequestID: "1", DataLength: int64(len(body))})
	r.event(&network.EventLoadingFinished{RequestID: "1", Timestamp: 2})
	_, entries := r.Stop()
	if len(got) != 1 || len(got[0].Body) == 0 || len(got[0].Body) > maxBody || !strings.HasPrefix(body, string(got[0].Body)) {
		t.Errorf("handed a body of %d bytes, want the first up to %d of the body", len(got[0].Body), maxBody)
	}
	if c := entries[0].Response.Content; c.Size != int64(len(body)) || !c.Truncated {
		t.Errorf("content size %d (truncated %v), want %d, truncated", c.Size, c.Truncated, len(body))
	}
}

// TestRecorderWaitsForTheRedirect: at the callback the recorder waits
// for the request that took the browser there, whose event may still be
// on its way; it does not wait for one that never comes beyond its bound.
func TestRecorderWaitsForTheRedirect(t *testing.T) {
	r := newRecorder(nil)
	go r.work()
	isCallback := func(u string) bool { return strings.HasPrefix(u, "http://127.0.0.1:5/callback") }
	go r.event(&network.EventRequestWillBeSent{RequestID: "1", Type: network.ResourceTypeDocument, Timestamp: 1,
		Request: &network.Request{URL: "http://127.0.0.1:5/callback?code=c&state=s", Method: "GET", Headers: network.Headers{}}})
	if !r.WaitSent(isCallback, time.Minute) {
		t.Error("WaitSent did not see the callback's request")
	}
	if r.WaitSent(func(string) bool { return false }, 10*time.Millisecond) {
		t.Error("WaitSent saw a request that was never sent")
	}
	r.Stop()
}
