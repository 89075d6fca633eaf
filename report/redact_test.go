package report

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

func TestRedactReport(t *testing.T) {
	const (
		secret   = "CLIENT-SECRET-123"
		code     = "AUTH-CODE-456"
		verifier = "VERIFIER-789"
		refresh  = "REFRESH-TOKEN-abc"
		jwtTok   = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.SIGNATURE-def"
	)
	r := Report{
		Profile: Profile{ClientSecret: secret, CodeVerifier: verifier},
		Hops:    []Hop{{N: 1, URL: "http://127.0.0.1:5/cb?code=" + code + "&state=s", Params: map[string]string{"code": code, "state": "s"}}},
		Exchange: &Exchange{Step: Step{
			Request: Request{Headers: map[string]string{"Authorization": "Basic Q0xJRU5UOlNFQ1JFVA=="}, Form: map[string]string{"code": code, "client_secret": secret, "code_verifier": verifier}},
			Response: &Response{
				Fields: map[string]string{"access_token": jwtTok, "refresh_token": refresh},
				Body:   `{"access_token": "` + jwtTok + `","refresh_token":"` + refresh + `"}`,
			},
		}},
		Refresh: &Refresh{Step: Step{Request: Request{Form: map[string]string{"refresh_token": refresh}}}},
		Tokens:  []Token{{Kind: "access_token", Raw: jwtTok}, {Kind: "refresh_token", Raw: refresh}},
	}
	out, err := json.Marshal(r.Redact())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{secret, code, verifier, refresh, "SIGNATURE-def", "Q0xJRU5UOlNFQ1JFVA=="} {
		if strings.Contains(string(out), s) {
			t.Errorf("redacted report still contains %q:\n%s", s, out)
		}
	}
	for _, keep := range []string{"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ", `"state":"s"`, "Basic "} {
		if !strings.Contains(string(out), keep) {
			t.Errorf("redacted report lost %q, which is no secret:\n%s", keep, out)
		}
	}
	// The original is untouched.
	if r.Hops[0].Params["code"] != code || r.Exchange.Request.Form["client_secret"] != secret {
		t.Errorf("Redact changed the report it was given")
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://127.0.0.1/cb?code=abc&state=x%2By", "http://127.0.0.1/cb?code=%3Credacted%3E&state=x%2By"},
		{"http://127.0.0.1/cb?state=x", "http://127.0.0.1/cb?state=x"},
		{"", ""},
		{"::not a url", "::not a url"},
		{"http://127.0.0.1/cb#access_token=AT1&token_type=bearer", "http://127.0.0.1/cb#access_token=%3Credacted%3E&token_type=bearer"},
		{"http://h/cb%zz?code=SECRET", "http://h/cb%zz?code=%3Credacted%3E"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactBodyForm(t *testing.T) {
	got := RedactBody("access_token=opaque123&refresh_token=rt456&token_type=bearer")
	if strings.Contains(got, "opaque123") || strings.Contains(got, "rt456") || !strings.Contains(got, "token_type=bearer") {
		t.Errorf("RedactBody(form) = %q", got)
	}
}

// FuzzRedactBody feeds token-endpoint bodies: it must never panic, and a
// JSON body's refresh_token string must not survive.
func FuzzRedactBody(f *testing.F) {
	f.Add(`{"access_token":"a.b.c","refresh_token":"r"}`, "r")
	f.Add(`{"refresh_token" : "x\"y"}`, `x\"y`)
	f.Add("refresh_token=abc&x=1", "abc")
	f.Add(`{"refresh_token":`, "")
	f.Fuzz(func(t *testing.T, body, _ string) {
		out := RedactBody(body)
		var m map[string]any
		if json.Unmarshal([]byte(out), &m) == nil {
			if rt, ok := m["refresh_token"].(string); ok && rt != "" && rt != Redacted {
				var in map[string]any
				if json.Unmarshal([]byte(body), &in) == nil {
					t.Errorf("refresh_token %q survived redaction of %q", rt, body)
				}
			}
		}
	})
}

func FuzzRedactURL(f *testing.F) {
	f.Add("http://127.0.0.1/cb?code=abc&state=x")
	f.Add("http://h/?code=%zz&code=b")
	f.Fuzz(func(t *testing.T, raw string) {
		out := RedactURL(raw)
		// Redaction never adds a secret: with code in the query, the
		// parsed result has only the placeholder.
		if u1, err := parseQuery(out); err == nil {
			for _, v := range u1["code"] {
				if v != Redacted && v != "" { // an empty code hides nothing
					if u0, err := parseQuery(raw); err == nil && len(u0["code"]) > 0 {
						t.Errorf("code %q survived in %q", v, out)
					}
				}
			}
		}
	})
}

func parseQuery(raw string) (map[string][]string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	return url.ParseQuery(u.RawQuery)
}

func TestRedactText(t *testing.T) {
	in := `Get "http://idp/x": failed to parse Location header "http://127.0.0.1:5/cb%zz?code=SECRET1&state=s": invalid URL escape; error_code=E1 refresh_token=RT2`
	got := RedactText(in)
	for _, secret := range []string{"SECRET1", "RT2"} {
		if strings.Contains(got, secret) {
			t.Errorf("RedactText kept %q: %s", secret, got)
		}
	}
	if !strings.Contains(got, "state=s") || !strings.Contains(got, "error_code=E1") {
		t.Errorf("RedactText hid what is no secret: %s", got)
	}
}

// TestRedactKeepsEmptyLists: a redacted report with no findings says
// "findings": [], not null, so jq '.findings[]' works on a healthy run.
func TestRedactKeepsEmptyLists(t *testing.T) {
	out, err := json.Marshal(Report{Hops: []Hop{}, Findings: []Finding{}}.Redact())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"findings":[]`) || !strings.Contains(string(out), `"hops":[]`) {
		t.Errorf("redacted empty report: %s", out)
	}
}

func TestRedactFindingText(t *testing.T) {
	r := Report{Findings: []Finding{{Message: "hop 2 redirects to http://x/cb?code=LEAK", Detail: map[string]string{"url": "http://x/cb?code=LEAK"}}}}
	out, _ := json.Marshal(r.Redact())
	if strings.Contains(string(out), "LEAK") {
		t.Errorf("finding text leaks the code: %s", out)
	}
}

// TestRedactTextKeepsPlaceholders: a connector template's placeholders
// (code={Code}, client_secret=%7BClientSecret%7D as the platform sends an
// unfilled one) are names a person must read to fix the template, not
// secrets; a value around a placeholder still is hidden.
func TestRedactTextKeepsPlaceholders(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"grant_type=authorization_code&code={Code}&redirect_uri={RedirectUrl}", "grant_type=authorization_code&code={Code}&redirect_uri={RedirectUrl}"},
		{"client_secret=%7BClientSecret%7D&client_id=app", "client_secret=%7BClientSecret%7D&client_id=app"},
		{"refresh_token={refreshToken}", "refresh_token={refreshToken}"},
		{"code=abc{Code}", "code=%3Credacted%3E"},
		{"code={Code}x", "code=%3Credacted%3E"},
		{"client_secret=s3cret", "client_secret=%3Credacted%3E"},
	} {
		if got := RedactText(tc.in); got != tc.want {
			t.Errorf("RedactText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestRedactEndpointQuery: a connector's template may put the client
// secret in an endpoint's query; the profile's endpoints, the steps' URLs
// and anything quoting the secret elsewhere are redacted.
func TestRedactEndpointQuery(t *testing.T) {
	const secret = "QuerySecret4711"
	tokenURL := "https://idp.example/token?client_secret=" + secret + "&x=1"
	r := Report{
		Profile:  Profile{AuthorizeURL: "https://idp.example/authorize", TokenURL: tokenURL, RefreshURL: tokenURL},
		Exchange: &Exchange{Step: Step{Request: Request{Method: "POST", URL: tokenURL}, Error: "POST " + tokenURL + ": refused"}},
		Refresh:  &Refresh{Step: Step{Request: Request{Method: "POST", URL: tokenURL}}},
		Findings: []Finding{{Code: "token.error", Message: "the endpoint said " + secret + " is wrong"}},
	}
	data, err := MarshalJSON(r.Redact(), "")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), secret) {
		t.Errorf("redacted report holds the secret from the token URL's query:\n%s", data)
	}
	if !strings.Contains(string(data), "x=1") {
		t.Errorf("redacted report lost the rest of the query:\n%s", data)
	}
}

// TestRedactURLParams: the names a HAR file's URLs carry secrets under,
// in any case, with a token keeping its claims and everything else of the
// URL as it was, escapes and all.
func TestRedactURLParams(t *testing.T) {
	const jwtTok = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJhcGkifQ.SIG"
	tests := []struct{ in, want string }{
		{"https://sp/acs?SAMLResponse=PHNhbWw%2B&RelayState=r", "https://sp/acs?SAMLResponse=%3Credacted%3E&RelayState=r"},
		{"https://idp/sso?samlrequest=abc", "https://idp/sso?samlrequest=%3Credacted%3E"},
		{"https://app/cb#id_token=" + jwtTok + "&state=s", "https://app/cb#id_token=" + url.QueryEscape(RedactToken(jwtTok)) + "&state=s"},
		{"https://app/cb?Code=x1&state=a%2Fb", "https://app/cb?Code=%3Credacted%3E&state=a%2Fb"},
		{"https://login/x?Passwort=hunter2&user=ada", "https://login/x?Passwort=%3Credacted%3E&user=ada"},
		{"https://h/p%7e%2F?code=&scope=openid", "https://h/p%7e%2F?code=&scope=openid"},
		{"https://h/p%7e%2F?code=1&scope=openid+email#frag%20x", "https://h/p%7e%2F?code=%3Credacted%3E&scope=openid+email#frag%20x"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactURLFunc(t *testing.T) {
	var hid []string
	RedactURLFunc("https://app/cb?code=C1&state=s#access_token=A%2B1", func(name, value string) {
		hid = append(hid, name+"="+value)
	})
	if want := []string{"code=C1", "access_token=A+1"}; strings.Join(hid, " ") != strings.Join(want, " ") {
		t.Errorf("hid %q, want %q", hid, want)
	}
}

func TestSecretParam(t *testing.T) {
	for name, want := range map[string]bool{
		"code": true, "CODE": true, "code_verifier": true, "client_secret": true, "Password": true,
		"passwd": true, "Passwort": true, "totp": true, "refresh_token": true, "SAMLResponse": true,
		"SAMLRequest": true, "state": false, "client_id": false, "redirect_uri": false, "scope": false,
		"RelayState": false, "login": false, "nonce": false,
	} {
		if got := SecretParam(name); got != want {
			t.Errorf("SecretParam(%q) = %v, want %v", name, got, want)
		}
	}
	if SecretAnswerField("code") {
		t.Errorf("SecretAnswerField(code) = true: in an answer, code is an error code")
	}
}

func TestRedactHeaders(t *testing.T) {
	const jwtTok = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJhcGkifQ.SIG"
	tests := []struct {
		f        func(string) string
		in, want string
	}{
		{RedactAuthorization, "Bearer " + jwtTok, "Bearer " + RedactToken(jwtTok)},
		{RedactAuthorization, "Bearer opaque-123", "Bearer " + Redacted},
		{RedactAuthorization, "Basic Y2xpZW50OnNlY3JldA==", "Basic " + Redacted},
		{RedactAuthorization, "garbage", Redacted},
		{RedactCookie, "sid=abc; theme=dark", "sid=" + Redacted + "; theme=" + Redacted},
		{RedactCookie, "lonely", Redacted},
		{RedactSetCookie, "sid=abc; Path=/; SameSite=None; Secure", "sid=" + Redacted + "; Path=/; SameSite=None; Secure"},
		{RedactSetCookie, "a=1; HttpOnly\nb=2", "a=" + Redacted + "; HttpOnly\nb=" + Redacted},
		{RedactSetCookie, "gone=; Max-Age=0", "gone=; Max-Age=0"},
	}
	for _, tt := range tests {
		if got := tt.f(tt.in); got != tt.want {
			t.Errorf("redact %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactForm(t *testing.T) {
	body := "grant_type=refresh_token&refresh_token=RT%2F1&code=invalid_grant&scope=a+b"
	var hid []string
	got := RedactForm(body, SecretAnswerField, func(name, value string) { hid = append(hid, name+"="+value) })
	if want := "grant_type=refresh_token&refresh_token=%3Credacted%3E&code=invalid_grant&scope=a+b"; got != want {
		t.Errorf("RedactForm(answer) = %q, want %q", got, want)
	}
	if len(hid) != 1 || hid[0] != "refresh_token=RT/1" {
		t.Errorf("hid %q, want the refresh token", hid)
	}
	if got := RedactForm(body, SecretParam, nil); strings.Contains(got, "invalid_grant") {
		t.Errorf("RedactForm(request) kept the code: %q", got)
	}
}

// Secrets under other names: a URL inside a parameter, a pwd field, an
// API gateway's key header, a JWT login hint (claims kept).
func TestRedactMoreSecrets(t *testing.T) {
	u := "https://idp.example.com/login?returnUrl=" + url.QueryEscape("/authorize/callback?code=SECRET1&state=s") + "&x=1"
	if got := RedactURL(u); strings.Contains(got, "SECRET1") || !strings.Contains(got, "x=1") {
		t.Errorf("nested URL: %s", got)
	}
	if !SecretParam("pwd") || !SecretParam("id_token_hint") || !SecretParam("subscription-key") || SecretParam("state") {
		t.Error("SecretParam")
	}
	if !SecretHeader("Ocp-Apim-Subscription-Key") || !SecretHeader("x-api-key") || SecretHeader("Accept") {
		t.Error("SecretHeader")
	}
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJhcGkifQ.c2lnbmF0dXJl"
	if got := RedactValue("id_token_hint", jwt); !strings.HasPrefix(got, "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJhcGkifQ.") || strings.Contains(got, "c2lnbmF0dXJl") {
		t.Errorf("a JWT hint: %s", got)
	}
}

// TestCallRedact: a call's own headers are secret (an API key given with
// --call-header), and so are the codes and secrets in the Location it
// was redirected to and a password in its URL, in the redacted report
// and for the scrubbing of other output.
func TestCallRedact(t *testing.T) {
	loc := "https://login.example.com/cb?code=LOCCODE123&client_secret=SECRETXYZ9#id_token=IDTOKEN456"
	r := Report{Findings: []Finding{}, Calls: []Call{{N: 1, Token: "exchange", Location: loc, Step: Step{
		Request: Request{Method: "GET", URL: "http://bob:PASSW0RDX@api.example.com/ok", Headers: map[string]string{
			"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.SIGNATURE99",
			"X-Key":         "SUPERKEY42",
		}},
		Response: &Response{Status: 302, Headers: map[string]string{"Location": loc}},
	}}}}
	out, err := json.Marshal(r.Redact())
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{"LOCCODE123", "SECRETXYZ9", "IDTOKEN456", "PASSW0RDX", "SUPERKEY42", "SIGNATURE99"}
	for _, s := range secrets {
		if strings.Contains(string(out), s) {
			t.Errorf("the redacted report holds %s: %s", s, out)
		}
	}
	if !strings.Contains(string(out), "api.example.com/ok") {
		t.Errorf("the redacted URL lost its host: %s", out)
	}
	sec := SecretsOf(r)
	for _, s := range secrets {
		if got := sec.Text("seen: " + s); strings.Contains(got, s) {
			t.Errorf("Secrets.Text(%q) = %q, want it hidden", s, got)
		}
	}
	if got := ShortURL("http://bob:PASSW0RDX@api.example.com/ok?x=1"); strings.Contains(got, "PASSW0RDX") {
		t.Errorf("ShortURL = %q, want the password hidden", got)
	}
}
