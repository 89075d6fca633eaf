package capture

import (
	"net/url"
	"testing"

	"github.com/chromedp/cdproto/network"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// FuzzRecorder feeds the recorder what a browser (driven by any page)
// reports: any URL, method, post body, Location and body. It must never
// panic, hand only the login's requests, and never keep the value of a
// password field.
func FuzzRecorder(f *testing.F) {
	f.Add("https://idp.example/login?state=x", "POST", "login=ada&password=hunter2", "/next", 302, "<html>", "document")
	f.Add("http://127.0.0.1:5/callback?code=c&state=s", "GET", "", "", 200, "", "document")
	f.Add("https://a.example/x.png", "GET", "", "", 200, "\x89PNG", "image")
	f.Add("%zz://\x00", "POST", "pwd=%zz&x", "::", 0, "", "fetch")
	f.Fuzz(func(t *testing.T, rawURL, method, post, location string, status int, body, kind string) {
		var got []flow.BrowserRequest
		r := newRecorder(func(br flow.BrowserRequest) { got = append(got, br) })
		r.fetchBody = func(network.RequestID) (string, bool, error) { return body, false, nil }
		r.fetchPost = func(network.RequestID) (string, error) { return post, nil }
		go r.work()
		q := &network.Request{URL: rawURL, Method: method, HasPostData: post != "", Headers: network.Headers{}}
		r.event(&network.EventRequestWillBeSent{RequestID: "1", Request: q, Timestamp: 1, Type: network.ResourceType(kind)})
		r.event(&network.EventResponseReceived{RequestID: "1", Response: &network.Response{Status: int64(status), Headers: network.Headers{"Location": location}}})
		r.event(&network.EventLoadingFinished{RequestID: "1", Timestamp: 2})
		_, entries := r.Stop()
		for _, e := range entries {
			if pd := e.Request.PostData; pd != nil {
				if v, err := url.ParseQuery(pd.Text); err == nil {
					for name, vs := range v {
						for _, val := range vs {
							if report.PasswordParam(name) && val != "" && val != report.Redacted {
								t.Errorf("password field %q kept its value %q", name, val)
							}
						}
					}
				}
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
