package report

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"strings"
	"testing"
)

func TestSecretsText(t *testing.T) {
	const secret = `s3cr3t+/=&"<x>`
	s := &Secrets{}
	s.AddBasic("my app", secret)
	q := url.QueryEscape(secret)
	tests := []string{
		"error_description: invalid client_secret " + secret + " given",
		"grant_type=authorization_code&client_secret=" + q + "&code=abc",
		"client_secret=" + strings.ReplaceAll(q, "+", "%20"),
		"path/" + url.PathEscape(secret),
		"redirect=" + url.QueryEscape("x?client_secret="+q),
		`{"request":{"client_secret":` + mustJSON(secret) + `}}`,
		"<pre>client_secret: " + html.EscapeString(secret) + "</pre>",
		`{"client_secret":"` + strings.ReplaceAll(strings.Trim(mustJSON(secret), `"`), "/", `\/`) + `"}`,
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("my app:"+secret)),
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape("my app")+":"+q)),
	}
	for _, in := range tests {
		out := s.Text(in)
		if s.Has(out) || strings.Contains(out, secret) || strings.Contains(out, q) {
			t.Errorf("Text(%q) = %q: the secret survived", in, out)
		}
		if !strings.Contains(out, Redacted) {
			t.Errorf("Text(%q) = %q: nothing hidden", in, out)
		}
	}
	if got := s.Text("nothing secret here: client_secret=<redacted>"); got != "nothing secret here: client_secret=<redacted>" {
		t.Errorf("Text changed clean text: %q", got)
	}
	short := &Secrets{}
	short.Add("abc")
	if got := short.Text("abcabc"); got != "abcabc" {
		t.Errorf("a secret under MinSecret was hidden by value: %q", got)
	}
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestSecretsOfReport(t *testing.T) {
	r := Report{
		Profile: Profile{ClientID: "app", ClientSecret: "client-secret-1", CodeVerifier: "verifier-123456", Params: map[string]string{"password": "param-password"}},
		Hops:    []Hop{{N: 3, URL: "http://127.0.0.1:1/cb?code=the-code-42&state=s", Params: map[string]string{"code": "the-code-42"}}},
		Exchange: &Exchange{Step: Step{
			Request: Request{Form: map[string]string{"code": "the-code-42", "code_verifier": "verifier-123456"}, Headers: map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("app:client-secret-1"))}},
			Response: &Response{
				Fields: map[string]string{"access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig-of-the-token", "data": `{"refresh_token":"nested-refresh-1","code":"AADSTS50011"}`},
				Body:   `{"error":"invalid_client","error_description":"bad secret client-secret-1 for code the-code-42"}`,
			},
		}},
	}
	s := SecretsOf(r)
	for _, v := range []string{"client-secret-1", "verifier-123456", "param-password", "the-code-42", "sig-of-the-token", "nested-refresh-1"} {
		if !s.Has(v) {
			t.Errorf("SecretsOf misses %q", v)
		}
	}
	if s.Has("AADSTS50011") || s.Has("eyJzdWIiOiJ4In0") {
		t.Errorf("SecretsOf hides what is no secret (an error code, a token's claims)")
	}
}

type scrubbed struct {
	Name   string
	Ptr    *scrubbed
	M      map[string]string
	L      []string
	Raw    json.RawMessage
	Any    any
	hidden string
}

func TestScrub(t *testing.T) {
	s := &Secrets{}
	s.Add("top-secret")
	in := scrubbed{
		Name:   "a top-secret name",
		Ptr:    &scrubbed{Name: "top-secret"},
		M:      map[string]string{"top-secret": "v top-secret"},
		L:      []string{"x", "top-secret"},
		Raw:    json.RawMessage(`{"k":"top-secret"}`),
		Any:    "top-secret",
		hidden: "top-secret",
	}
	out := Scrub(s, in)
	b, _ := json.Marshal(out)
	if strings.Contains(string(b), "top-secret") {
		t.Errorf("Scrub left the secret: %s", b)
	}
	if !json.Valid(out.Raw) {
		t.Errorf("Scrub broke the JSON: %s", out.Raw)
	}
	if in.Name != "a top-secret name" || in.Ptr.Name != "top-secret" || in.M["top-secret"] != "v top-secret" || in.L[1] != "top-secret" || string(in.Raw) != `{"k":"top-secret"}` {
		t.Errorf("Scrub changed its input: %+v", in)
	}
	if out.hidden != "top-secret" {
		t.Errorf("unexported field not copied as it was")
	}
	// JSON syntax split by a secret: the value becomes the marker.
	n := &Secrets{}
	n.Add("123456")
	if got := Scrub(n, json.RawMessage(`{"n":1234567}`)); string(got) != `"<redacted>"` {
		t.Errorf("Scrub(number) = %s", got)
	}
}

// FuzzSecrets: no secret survives Text in any of its encodings, wherever
// it stands; text that holds no secret comes back unchanged.
func FuzzSecrets(f *testing.F) {
	f.Add("s3cret-value", "before ", " after")
	f.Add(`a+b/c=d&e"f`, "client_secret=", "&x=1")
	f.Add("<<<<<<>>", "<redacted", "ed>")
	f.Add("aaaaaa", "aaaaa", "a")
	f.Fuzz(func(t *testing.T, secret, before, after string) {
		s := &Secrets{}
		s.Add(secret)
		if len(secret) < MinSecret || strings.Contains(Redacted, secret) || secret == Redacted {
			return
		}
		clean := before + after
		if !s.Has(clean) && s.Text(clean) != clean {
			t.Fatalf("Text(%q) = %q: text without a secret was changed", clean, s.Text(clean))
		}
		q := url.QueryEscape(secret)
		for _, enc := range []string{secret, q, url.PathEscape(secret), url.QueryEscape(q), jsonEscaped(secret, true), jsonEscaped(secret, false), base64.StdEncoding.EncodeToString([]byte(secret))} {
			out := s.Text(before + enc + after)
			if strings.Contains(out, secret) && !strings.Contains(before+after, secret) {
				t.Fatalf("Text(%q) = %q: the secret %q survived", before+enc+after, out, secret)
			}
		}
	})
}

// TestRedactAtAnyDepth: fields named like secrets are hidden at any depth
// of a parsed answer and in the extra parameters, and a secret value
// echoed anywhere else in the report goes too.
func TestRedactAtAnyDepth(t *testing.T) {
	r := Report{
		Profile: Profile{ClientID: "app", ClientSecret: "the-client-secret", Params: map[string]string{"password": "param-pass-1", "audience": "https://api"}},
		Exchange: &Exchange{Step: Step{
			Request: Request{Form: map[string]string{"code": "auth-code-123"}},
			Response: &Response{
				Fields: map[string]string{"access_token": "opaque-access-1", "data": `{"refresh_token":"nested-rt-1","x":{"Assertion":"saml-assert-1"}}`},
				Body:   `{"data":{"refresh_token":"nested-rt-1"},"note":"echo the-client-secret and auth-code-123"}`,
			},
		}},
		Findings: []Finding{{Code: CodeTokenError, Message: "server said: the-client-secret", Detail: map[string]string{"echo": "auth-code-123"}}},
		Error:    "stopped: " + url.QueryEscape("the-client-secret"),
	}
	b, err := json.Marshal(r.Redact())
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"the-client-secret", "param-pass-1", "auth-code-123", "opaque-access-1", "nested-rt-1", "saml-assert-1"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("Redact left %q: %s", secret, b)
		}
	}
	if !strings.Contains(string(b), "https://api") {
		t.Errorf("Redact hid a parameter that is no secret: %s", b)
	}
}

// TestSecretsOfLateArrivals: a request that reached the listener after the
// callback (any web page can send one to the loopback address) is hidden
// by its field names, but its values do not choose what else the report
// hides: code=https must not blank every URL.
func TestSecretsOfLateArrivals(t *testing.T) {
	r := Report{Hops: []Hop{
		{N: 4, Source: SourceCallback, Role: RoleCallback, URL: "http://127.0.0.1:1/cb?code=real-code-77", Params: map[string]string{"code": "real-code-77"}},
		{N: 5, Source: SourceCallback, Role: RoleOther, URL: "http://127.0.0.1:1/cb?code=https", Params: map[string]string{"code": "https"}},
	}}
	s := SecretsOf(r)
	if !s.Has("real-code-77") {
		t.Errorf("the callback's code is not a secret")
	}
	if s.Has("https") {
		t.Errorf("a later request's value became a secret: it would hide %q", s.Text("https://idp.example.com"))
	}
	red := r.Redact()
	if strings.Contains(red.Hops[1].URL, "code=https") {
		t.Errorf("the later request's code is not redacted by name: %s", red.Hops[1].URL)
	}
}
