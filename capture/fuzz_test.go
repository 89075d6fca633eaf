package capture

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"

	"github.com/authtrace/authtrace/flow"
)

// FuzzRecorder feeds the recorder what a browser (driven by any page)
// reports: any URL, method, post body, Location and body. It must never
// panic, hand only the login's requests, and never keep a post's value
// but the OAuth ones (keptField), in the entry or in what it hands.
func FuzzRecorder(f *testing.F) {
	f.Add("https://idp.example/login?state=x", "POST", "login=ada&password=hunter2", "application/x-www-form-urlencoded", "/next", 302, "<html>", "document")
	f.Add("http://127.0.0.1:5/callback?code=c&state=s", "GET", "", "", "", 200, "", "document")
	f.Add("https://a.example/x.png", "GET", "", "", "", 200, "\x89PNG", "image")
	f.Add("%zz://\x00", "POST", "pwd=%zz&x", "application/x-www-form-urlencoded", "::", 0, "", "fetch")
	f.Add("https://idp.example/api?state=x", "POST", `{"passcode":"JSONPW77"}`, "application/json", "", 200, "", "fetch")
	f.Add("https://idp.example/mp?state=x", "POST", "--B\r\nContent-Disposition: form-data; name=\"pw\"\r\n\r\nMULTIPW88\r\n--B--\r\n", "multipart/form-data; boundary=B", "", 200, "", "fetch")
	f.Fuzz(func(t *testing.T, rawURL, method, post, ctype, location string, status int, body, kind string) {
		var got []flow.BrowserRequest
		r := newRecorder(func(br flow.BrowserRequest) { got = append(got, br) })
		r.fetchBody = func(network.RequestID) (string, bool, error) { return body, false, nil }
		r.fetchPost = func(network.RequestID) (string, error) { return post, nil }
		go r.work()
		q := &network.Request{URL: rawURL, Method: method, HasPostData: post != "", Headers: network.Headers{"Content-Type": ctype}}
		r.event(&network.EventRequestWillBeSent{RequestID: "1", Request: q, Timestamp: 1, Type: network.ResourceType(kind)})
		r.event(&network.EventResponseReceived{RequestID: "1", Response: &network.Response{Status: int64(status), Headers: network.Headers{"Location": location}}})
		r.event(&network.EventLoadingFinished{RequestID: "1", Timestamp: 2})
		_, entries := r.Stop()
		// A value of the post that is not in the URL (which is kept).
		secret := func(v string) bool { return len(v) > 3 && !strings.Contains(rawURL, v) && strings.Contains(post, v) }
		for _, e := range entries {
			pd := e.Request.PostData
			if pd == nil {
				continue
			}
			v, err := url.ParseQuery(pd.Text)
			if pd.Text != "" && (err != nil || !isFormType(ctype)) {
				t.Errorf("a body that is no form kept its text %q", pd.Text)
			}
			for name, vs := range v {
				for _, val := range vs {
					if !keptField(name) && val != "" && val != dropped && secret(val) {
						t.Errorf("field %q kept its value %q", name, val)
					}
				}
			}
		}
		for _, br := range got {
			if v, _ := url.ParseQuery(br.Form); br.Form != "" {
				for name, vs := range v {
					for _, val := range vs {
						if !keptField(name) && val != "" && val != dropped && secret(val) {
							t.Errorf("handed form field %q with its value %q", name, val)
						}
					}
				}
			}
			if note := fmt.Sprint(br.Fields); secret(note) && !isFormType(ctype) && !strings.HasPrefix(strings.ToLower(ctype), "multipart/") {
				t.Errorf("handed field names %s of a body that is no form", note)
			}
		}
		for _, br := range got {
			if br.URL != rawURL {
				t.Errorf("handed %q for a request to %q", br.URL, rawURL)
			}
			if br.Status == 0 && br.Error == "" {
				t.Errorf("a request without an answer and without an error: %+v", br)
			}
		}
	})
}
