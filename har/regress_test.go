package har

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authtrace/authtrace/report"
)

// ent is one entry of a small HAR written by a test: what the leg finder
// reads, nothing else.
type ent struct {
	at       float64 // seconds from the start
	method   string
	url      string
	status   int
	location string
	form     string // a form post's body
	bearer   string
	err      string // Chrome's _error
	page     string
	body     string
	mime     string
}

func miniHAR(t testing.TB, es ...ent) []byte {
	t.Helper()
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	var entries []any
	for _, e := range es {
		method := e.method
		if method == "" {
			method = "GET"
		}
		var hs []map[string]string
		if e.bearer != "" {
			hs = append(hs, map[string]string{"name": "Authorization", "value": "Bearer " + e.bearer})
		}
		req := map[string]any{"method": method, "url": e.url, "headers": hs}
		if e.form != "" {
			req["postData"] = map[string]any{"mimeType": "application/x-www-form-urlencoded", "text": e.form}
		}
		var rh []map[string]string
		if e.location != "" {
			rh = append(rh, map[string]string{"name": "Location", "value": e.location})
		}
		mime := e.mime
		if mime == "" {
			mime = "text/html"
		}
		resp := map[string]any{"status": e.status, "headers": rh, "redirectURL": e.location,
			"content": map[string]any{"size": len(e.body), "mimeType": mime, "text": e.body}}
		if e.err != "" {
			resp["_error"] = e.err
		}
		rt := "document"
		if e.bearer != "" || strings.Contains(e.form, "grant_type") {
			rt = "fetch"
		}
		entries = append(entries, map[string]any{
			"startedDateTime": t0.Add(time.Duration(e.at * float64(time.Second))).Format(time.RFC3339Nano),
			"pageref":         cmpOrPage(e.page), "_resourceType": rt, "request": req, "response": resp,
		})
	}
	b, err := json.Marshal(map[string]any{"log": map[string]any{"version": "1.2", "creator": map[string]string{"name": "WebInspector", "version": "537.36"}, "entries": entries}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func cmpOrPage(p string) string {
	if p == "" {
		return "page_1"
	}
	return p
}

func analyzeMini(t *testing.T, opt Options, es ...ent) report.Report {
	t.Helper()
	rep, err := Analyze(bytes.NewReader(miniHAR(t, es...)), opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

const (
	idp = "https://idp.example.com"
	cb  = "https://app.example.com/cb"
)

func authz(client, state string) string {
	return idp + "/authorize?client_id=" + client + "&response_type=code&redirect_uri=" + cb + "&state=" + state
}

// chainOf lists each attempt's hops by path, "attempt 1: /authorize /login /cb".
func chainsOf(rep report.Report) []string {
	var out []string
	for _, c := range rep.ByChain() {
		line := c.Name + ":"
		for _, h := range c.Report.Hops {
			p := h.URL
			if i := strings.Index(p, "//"); i >= 0 {
				p = p[i+2:]
			}
			p = p[strings.Index(p, "/"):]
			p, _, _ = strings.Cut(p, "?")
			line += " " + p
		}
		out = append(out, line)
	}
	return out
}

// Two pop-ups at once, their pages and posts alike: each callback goes to
// the attempt whose state it carries, and neither is "changed".
func TestInterleavedAttempts(t *testing.T) {
	rep := analyzeMini(t, Options{},
		ent{at: 0, url: authz("c1", "s-one-1111"), status: 200},
		ent{at: 1, url: authz("c1", "s-two-2222"), status: 200},
		ent{at: 5, method: "POST", url: idp + "/login", status: 200, form: "user=a"},
		ent{at: 6, method: "POST", url: idp + "/login", status: 200, form: "user=a"},
		ent{at: 7, method: "POST", url: idp + "/kmsi", status: 302, location: cb + "?code=A&state=s-one-1111"},
		ent{at: 7.3, url: cb + "?code=A&state=s-one-1111", status: 200},
		ent{at: 8, method: "POST", url: idp + "/kmsi", status: 302, location: cb + "?code=B&state=s-two-2222"},
		ent{at: 8.3, url: cb + "?code=B&state=s-two-2222", status: 200},
	)
	for _, f := range rep.Findings {
		if f.Severity != report.SeverityInfo {
			t.Errorf("%s %s at hop %d: %s", f.Severity, f.Code, f.Hop, f.Message)
		}
	}
	for _, c := range rep.Chains {
		if c.Verdict != report.VerdictOK {
			t.Errorf("%s: %s %s", c.Name, c.Verdict, c.Summary)
		}
	}
}

// An attempt abandoned at its login page keeps its pages; another
// client's attempt on the same provider afterwards is an attempt of its
// own, not more hops of the first.
func TestOtherClientIsItsOwnAttempt(t *testing.T) {
	rep := analyzeMini(t, Options{},
		ent{at: 0, url: authz("A", "sa"), status: 302, location: idp + "/login?tx=abc"},
		ent{at: 0.2, url: idp + "/login?tx=abc", status: 200},
		ent{at: 30, url: authz("B", "sb"), status: 302, location: cb + "?code=X&state=sb"},
		ent{at: 30.2, url: cb + "?code=X&state=sb", status: 200},
	)
	want := []string{"attempt 1: /authorize /login", "attempt 2: /authorize /cb"}
	if got := chainsOf(rep); !slices.Equal(got, want) {
		t.Errorf("attempts %q, want %q", got, want)
	}
}

// A token request is an attempt's by its code: another attempt's
// exchange of the same client is not taken.
func TestGrantMatchedByCode(t *testing.T) {
	tok := `{"access_token":"opaque-1","token_type":"Bearer","expires_in":3600,"refresh_token":"r1"}`
	rep := analyzeMini(t, Options{},
		ent{at: 0, url: authz("c", "s1"), status: 302, location: cb + "?code=C1&state=s1"},
		ent{at: 0.1, url: cb + "?code=C1&state=s1", status: 200},
		ent{at: 5, url: authz("c", "s2"), status: 302, location: cb + "?code=C2&state=s2"},
		ent{at: 5.1, url: cb + "?code=C2&state=s2", status: 200},
		ent{at: 5.2, method: "POST", url: idp + "/token", status: 200, form: "grant_type=authorization_code&client_id=c&code=C2", body: tok, mime: "application/json"},
	)
	if rep.Exchange == nil || rep.Exchange.Chain != "attempt 2" || rep.Exchange.Request.Form["code"] != "C2" {
		t.Fatalf("exchange = %+v", rep.Exchange)
	}
}

// Bearer calls to Microsoft's own services (the portal's Graph and ARM
// tokens) are not this login's; a call to the API it logged in for is.
func TestBearerCallsOfThePortalAreNotChecked(t *testing.T) {
	jwt := func(aud string) string {
		claims, _ := json.Marshal(map[string]any{"aud": aud, "iss": "https://sts.example.com/", "exp": 1900000000, "iat": 1700000000})
		return "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." + strings.TrimRight(b64url(claims), "=") + "." + strings.Repeat("c", 342)
	}
	rep := analyzeMini(t, Options{},
		ent{at: 0, url: authz("c", "s1") + "&audience=https://api.contoso.com", status: 302, location: cb + "?code=C1&state=s1"},
		ent{at: 0.1, url: cb + "?code=C1&state=s1", status: 200},
		ent{at: 1, url: "https://graph.microsoft.com/v1.0/me", status: 200, bearer: jwt("https://graph.microsoft.com"), mime: "application/json"},
		ent{at: 2, url: "https://management.azure.com/subscriptions", status: 200, bearer: jwt("https://management.azure.com/"), mime: "application/json"},
		ent{at: 3, url: "https://api.contoso.com/orders", status: 401, bearer: jwt("https://wrong.contoso.com"), mime: "application/json"},
	)
	var seen []string
	for _, tk := range rep.Tokens {
		seen = append(seen, tk.Seen)
	}
	if len(seen) != 1 || !strings.Contains(seen[0], "api.contoso.com") {
		t.Errorf("tokens seen %q, want the API call's alone", seen)
	}
	codes := codes(rep)
	if !slices.Contains(codes, "attempt 1:jwt.aud_mismatch") || slices.Contains(codes, "attempt 1:jwt.aud_azure_management") {
		t.Errorf("findings %v", codes)
	}
}

// The browser's own errors: a callback nothing listened on, a blocked
// authorize request.
func TestBrowserErrors(t *testing.T) {
	rep := analyzeMini(t, Options{},
		ent{at: 0, url: strings.ReplaceAll(authz("c", "s1"), cb, "http://localhost:53682/callback"), status: 302, location: "http://localhost:53682/callback?code=C&state=s1"},
		ent{at: 0.1, url: "http://localhost:53682/callback?code=C&state=s1", err: "net::ERR_CONNECTION_REFUSED"},
	)
	if got := codes(rep); !slices.Equal(got, []string{"2:hop.unreachable"}) {
		t.Errorf("findings %v", got)
	}
	if !strings.Contains(rep.Findings[0].Hint, "Nothing was listening") {
		t.Errorf("hint %q", rep.Findings[0].Hint)
	}
}

// A Location that Chrome re-encoded in the next request's URL (a JSON
// state with quotes) is still that request.
func TestRedirectReencoded(t *testing.T) {
	rep := analyzeMini(t, Options{},
		ent{at: 0, url: idp + "/authorize?client_id=c&response_type=code&redirect_uri=" + cb + `&state={"a":1}`, status: 302, location: idp + `/next?state={"a":1}`},
		ent{at: 0.1, url: idp + "/next?state=%7B%22a%22:1%7D", status: 302, location: cb + `?code=C&state={"a":1}`},
		ent{at: 0.2, url: cb + "?code=C&state=%7B%22a%22:1%7D", status: 200},
	)
	if got := chainsOf(rep); !slices.Equal(got, []string{"attempt 1: /authorize /next /cb"}) {
		t.Errorf("attempts %q", got)
	}
	for _, f := range rep.Findings {
		if f.Code == report.CodeHARIrregular || f.Severity == report.SeverityError {
			t.Errorf("%s: %s", f.Code, f.Message)
		}
	}
}

// A file cut just after a comma between entries is cut, not an odd
// entry.
func TestCutAfterComma(t *testing.T) {
	full := string(miniHAR(t, ent{url: authz("c", "s"), status: 200}, ent{at: 1, url: idp + "/x", status: 200}))
	cut := full[:strings.LastIndex(full, `{"_resourceType"`)]
	f, _, err := readAll(t, cut, ReadOptions{})
	if err == nil || f.Entries != 1 || len(f.Notes) != 0 {
		t.Errorf("entries %d, notes %+v, err %v", f.Entries, f.Notes, err)
	}
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// The provider sends the answer to the http:// form of an https
// redirect URI: the leg ends there, and it is a changed redirect_uri.
func TestAnswerSentElsewhere(t *testing.T) {
	rep := analyzeMini(t, Options{},
		ent{at: 0, url: authz("c", "s1"), status: 302, location: "http://app.example.com/cb?code=C&state=s1"},
		ent{at: 0.1, url: "http://app.example.com/cb?code=C&state=s1", status: 200},
	)
	got := codes(rep)
	if !slices.Equal(got, []string{"2:redirect_uri.changed"}) || rep.Findings[0].Detail["kind"] != "scheme" {
		t.Errorf("findings %v %+v", got, rep.Findings)
	}
}
