package flow

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/report"
)

// apiRun runs a whole login against the fake provider with one --call to
// an API served by handler, and returns the report.
func apiRun(t *testing.T, handler http.HandlerFunc, setup func(*fakeProvider, *Config)) report.Report {
	t.Helper()
	api := httptest.NewServer(handler)
	t.Cleanup(api.Close)
	p := newFakeProvider(t)
	cfg := baseConfig(p)
	cfg.OpenBrowser = walker(t, p)
	cfg.Calls = []APICall{{URL: api.URL + "/orders?x=1"}}
	if setup != nil {
		setup(p, &cfg)
	}
	rep, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

func bearerOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ey") {
			http.Error(w, "no bearer", http.StatusTeapot) // the test's own failure
			return
		}
		next(w, r)
	}
}

func challenge(h string, status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if h != "" {
			w.Header().Set("WWW-Authenticate", h)
		}
		if strings.HasPrefix(body, "{") {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

func redirectTo(loc string, status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, loc, status) }
}

func TestCallFindings(t *testing.T) {
	const expect = "https://api.fake.example"
	tests := []struct {
		name    string
		handler http.HandlerFunc
		setup   func(*fakeProvider, *Config)
		code    string
		detail  map[string]string // wanted detail values
		hint    string            // a part of the hint
	}{
		{name: "accepted", handler: challenge("", 200, `{"orders":[]}`), code: report.CodeAPIAccepted, detail: map[string]string{"status": "200", "token": "exchange"}},
		{
			name:    "invalid_token audience (ASP.NET)",
			handler: challenge(`Bearer error="invalid_token", error_description="The audience 'https://api.fake.example' is invalid"`, 401, ""),
			code:    report.CodeAPIRejected,
			detail:  map[string]string{"cause": CallCauseAudience, "error": "invalid_token", "from": "WWW-Authenticate"},
			hint:    "aud",
		},
		{
			name:    "invalid_token expired",
			handler: challenge(`Bearer realm="api", error="invalid_token", error_description="The token expired at '01/01/2020'"`, 401, ""),
			code:    report.CodeAPIRejected,
			detail:  map[string]string{"cause": CallCauseExpired, "error": "invalid_token"},
			hint:    "but it is not expired", // the fake's token is valid for an hour
		},
		{
			name:    "invalid_request",
			handler: challenge(`Bearer error="invalid_request", error_description="malformed header"`, 400, ""),
			code:    report.CodeAPIRejected,
			detail:  map[string]string{"cause": CallCauseInvalidRequest, "error": "invalid_request"},
		},
		{
			name:    "invalid_request plain",
			handler: challenge(`bearer error=invalid_request`, 400, ""),
			code:    report.CodeAPIRejected,
			detail:  map[string]string{"cause": CallCauseInvalidRequest, "error": "invalid_request"},
			hint:    "Bearer <token>",
		},
		{
			name:    "insufficient_scope with scope",
			handler: challenge(`Bearer realm="x", error="insufficient_scope", scope="orders.read orders.write"`, 403, ""),
			code:    report.CodeAPIRejected,
			detail:  map[string]string{"cause": CallCauseScope, "error": "insufficient_scope", "scope": "orders.read orders.write"},
			hint:    "missing: orders.read orders.write",
		},
		{name: "redirect to a login page", handler: redirectTo("https://login.example.com/authorize?client_id=web", http.StatusFound),
			code: report.CodeAPIRejected, detail: map[string]string{"cause": CallCauseLoginRedirect, "status": "302"}, hint: "Return HTTP 401"},
		{name: "redirect on the API's own host", handler: redirectTo("/orders/", http.StatusMovedPermanently),
			code: report.CodeAPIRejected, detail: map[string]string{"cause": CallCauseRedirect, "status": "301"}, hint: "Use the URL it redirects to"},
		{
			name: "HTML sign-in page with 200",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write([]byte(`<!doctype html><html><body><form><input name="login"><input type="password"></form></body></html>`))
			},
			code:   report.CodeAPIRejected,
			detail: map[string]string{"cause": CallCauseLoginPage, "status": "200"},
		},
		{
			name:    "Entra-shaped body",
			handler: challenge(`Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`, 401, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token validation failure. Invalid audience."}}`),
			code:    report.CodeAPIRejected,
			detail:  map[string]string{"cause": CallCauseAudience, "error": "InvalidAuthenticationToken", "from": "body (Microsoft error)"},
		},
		{
			name:    "Entra AADSTS in the body",
			handler: challenge("", 401, `{"error":"invalid_token","error_description":"AADSTS500133: Assertion is not within its valid time range."}`),
			code:    report.CodeAPIRejected,
			detail:  map[string]string{"aadsts": "500133", "error": "invalid_token"},
		},
		{
			name:    "Auth0-protected API",
			handler: challenge(`Bearer realm="api", error="invalid_token", error_description="Unexpected 'aud' value"`, 401, `{"error":"invalid_token","error_description":"Unexpected 'aud' value"}`),
			code:    report.CodeAPIRejected,
			detail:  map[string]string{"cause": CallCauseAudience, "error": "invalid_token"},
		},
		{
			name:    "Auth0 Unauthorized body, no challenge",
			handler: challenge("", 401, `{"statusCode":401,"error":"Unauthorized","message":"Invalid Compact JWS"}`),
			code:    report.CodeAPIRejected,
			detail:  map[string]string{"cause": CallCauseOpaque, "error": "Unauthorized", "error_description": "Invalid Compact JWS"},
			hint:    "although it is one",
		},
		{
			name:    "ProblemDetails",
			handler: challenge(`Bearer`, 401, `{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.2","title":"Unauthorized","status":401,"detail":"IDX10205: Issuer validation failed."}`),
			code:    report.CodeAPIRejected,
			detail:  map[string]string{"cause": CallCauseIssuer, "from": "body (ProblemDetails)"},
			hint:    "https://fake.example/",
		},
		{
			name:    "401 without a clue",
			handler: challenge("Bearer", 401, ""),
			setup:   func(_ *fakeProvider, c *Config) { c.ExpectAud = expect },
			code:    report.CodeAPIRejected,
			detail:  map[string]string{"cause": CallCauseNoClue},
			hint:    "without saying why",
		},
		{
			name:    "401 without a clue, aud of another host",
			handler: challenge("Bearer", 401, ""),
			code:    report.CodeAPIRejected,
			detail:  map[string]string{"cause": CallCauseAudience},
			hint:    "does not name the API's host 127.0.0.1",
		},
		{
			name: "hanging API",
			handler: func(w http.ResponseWriter, r *http.Request) {
				<-r.Context().Done()
			},
			setup:  func(_ *fakeProvider, c *Config) { c.RequestTimeout = time.Second },
			code:   report.CodeAPIRejected,
			detail: map[string]string{"step": "call", "error": "no_response", "cause": CallCauseTimeout},
			hint:   "did not answer",
		},
		{
			name:    "unreachable API",
			handler: challenge("", 200, "{}"),
			setup: func(_ *fakeProvider, c *Config) {
				c.Calls[0].URL = "http://127.0.0.1:1/orders" // port 1: nothing listens
			},
			code:   report.CodeAPIRejected,
			detail: map[string]string{"step": "call", "error": "no_response", "cause": CallCauseUnreachable},
			hint:   "could not be reached",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := apiRun(t, bearerOnly(tt.handler), tt.setup)
			if len(rep.Calls) != 1 {
				t.Fatalf("calls = %+v, want 1", rep.Calls)
			}
			var got *report.Finding
			for i, f := range rep.Findings {
				if f.Detail["step"] == "call" {
					if got != nil {
						t.Fatalf("two findings about the call: %+v and %+v", *got, f)
					}
					got = &rep.Findings[i]
				}
			}
			if got == nil {
				t.Fatalf("no finding about the call; findings %v", codes(rep))
			}
			if got.Code != tt.code {
				t.Errorf("code %s (%s), want %s", got.Code, got.Message, tt.code)
			}
			for k, v := range tt.detail {
				if got.Detail[k] != v {
					t.Errorf("detail %s = %q, want %q (detail %v)", k, got.Detail[k], v, got.Detail)
				}
			}
			if !strings.Contains(got.Hint, tt.hint) {
				t.Errorf("hint %q, want it to say %q", got.Hint, tt.hint)
			}
			if got.Code == report.CodeAPIRejected && got.Hint == "" {
				t.Errorf("a rejection without a hint: %+v", got)
			}
		})
	}
}

// TestJudgeCallWords: the usual words of a refusal, go-jose's among
// them, name the cause; a 401 that says only what any refusal says gets
// the checklist. The token names the API, so only the words can tell.
func TestJudgeCallWords(t *testing.T) {
	const expect = "https://api.fake.example"
	tok := parsedJWT(t, expect)
	for _, tt := range []struct {
		challenge, body, cause string
	}{
		{`Bearer error="invalid_token", error_description="unexpected \"aud\" claim value"`, "", CallCauseAudience},
		{"", `{"error":"invalid_token","error_description":"The \"aud\" claim does not match"}`, CallCauseAudience},
		{`Bearer error="invalid_token", error_description="\"exp\" claim timestamp check failed"`, "", CallCauseExpired},
		{`Bearer error="invalid_token", error_description="unexpected \"iss\" claim value"`, "", CallCauseIssuer},
		{`Bearer error="invalid_token"`, "", CallCauseNoClue},
		{"", `{"message":"Unauthorized"}`, CallCauseNoClue},
		{"", "Unauthorized\n", CallCauseNoClue},
	} {
		c := report.Call{N: 1, Token: CallTokenExchange, Step: report.Step{
			Request:  report.Request{Method: "GET", URL: "https://api.contoso.example/orders"},
			Response: &report.Response{Status: 401, Body: tt.body, Headers: map[string]string{"WWW-Authenticate": tt.challenge}},
		}}
		f := JudgeCall(c, tok, report.Profile{ExpectAud: expect}, time.Now())
		if f.Detail["cause"] != tt.cause {
			t.Errorf("%s %s: cause %q (%s), want %q", tt.challenge, tt.body, f.Detail["cause"], f.Hint, tt.cause)
		}
		if tt.cause == CallCauseNoClue && !strings.Contains(f.Hint, "Check, in this order") {
			t.Errorf("%s %s: hint %q, want the checklist", tt.challenge, tt.body, f.Hint)
		}
	}
}

// TestCallHangingAPI: an API that never answers costs the call its own
// request timeout, after the refresh, and the rest of the report is
// untouched: the refresh succeeds, the run has no error, and the
// finding names the request timeout, not the run's.
func TestCallHangingAPI(t *testing.T) {
	const limit = 2 * time.Second
	rep := apiRun(t, bearerOnly(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }), func(_ *fakeProvider, c *Config) {
		c.Timeout, c.RequestTimeout = limit, limit // the call alone would use up the run's limit
	})
	if rep.Error != "" || rep.Refresh == nil || rep.Refresh.Error != "" {
		t.Fatalf("run error %q refresh %+v: a hanging API broke the rest of the run", rep.Error, rep.Refresh)
	}
	if f, ok := findingFor(rep, report.CodeRefreshFailed); ok {
		t.Errorf("refresh.failed %q after a hanging API", f.Message)
	}
	f, ok := findingFor(rep, report.CodeAPIRejected)
	if !ok || f.Detail["cause"] != CallCauseTimeout {
		t.Fatalf("finding %+v (%v), want %s cause %s; findings %v", f, ok, report.CodeAPIRejected, CallCauseTimeout, codes(rep))
	}
	if !strings.Contains(f.Message, "within "+limit.String()) || strings.Contains(f.Message, "whole run") {
		t.Errorf("message %q, want it to name the request timeout of %s", f.Message, limit)
	}
}

// TestCallRecorded checks what a call keeps: the request as sent (the
// token redacted on output), the answer's headers, a capped body of an
// answer that never ends, and no redirect followed.
func TestCallRecorded(t *testing.T) {
	followed := false
	rep := apiRun(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/login":
			followed = true
		case "/orders":
			if r.Header.Get("X-Tenant") != "tenant-7f3a" || r.Method != http.MethodPost {
				w.WriteHeader(http.StatusTeapot)
				return
			}
			w.Header().Set("Set-Cookie", "session=abc123; Path=/")
			w.Header().Set("X-Request-Id", "r-1")
			w.Header().Set("Content-Type", "application/json")
			chunk := []byte(strings.Repeat("x", 1<<20))
			for { // an answer that never ends
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}
	}, func(_ *fakeProvider, c *Config) {
		c.Calls[0].Method = "post"
		c.Calls[0].Headers = []Param{{Name: "X-Tenant", Value: "tenant-7f3a"}, {Name: "Ocp-Apim-Subscription-Key", Value: "key-123"}}
	})
	c := rep.Calls[0]
	if c.Response == nil || c.Response.Status != 200 || !c.Response.Truncated || len(c.Response.Body) != maxCallBody {
		t.Fatalf("call = %+v, want 200 with a body cut at %d", c, maxCallBody)
	}
	if c.Request.Method != "POST" || c.Response.Headers["X-Request-Id"] != "r-1" || followed {
		t.Errorf("request %+v headers %v followed %v", c.Request, c.Response.Headers, followed)
	}
	access := rep.Exchange.Response.Fields["access_token"]
	if c.Request.Headers["Authorization"] != "Bearer "+access {
		t.Errorf("Authorization %q, want the access token", c.Request.Headers["Authorization"])
	}
	out, _ := json.Marshal(rep.Redact())
	sig := access[strings.LastIndexByte(access, '.')+1:]
	// Every header the call was given is secret, not only known names.
	for _, secret := range []string{sig, "abc123", "key-123", "tenant-7f3a"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("the redacted report holds %q", secret)
		}
	}
	if !strings.Contains(string(out), `"calls":[`) {
		t.Errorf("the report JSON has no calls: %s", out)
	}
	rep2 := apiRun(t, challenge("", 200, "{}"), nil)
	var replayed report.Report
	for _, ev := range ReplayEvents(rep2) {
		Apply(&replayed, ev)
	}
	if len(replayed.Calls) != 1 {
		t.Errorf("replayed calls %+v, want the one call", replayed.Calls)
	}
}

// TestCallAfterRefresh repeats the call with the refreshed token, and
// says when that token is for another audience.
func TestCallAfterRefresh(t *testing.T) {
	var auths []string
	rep := apiRun(t, func(w http.ResponseWriter, r *http.Request) {
		auths = append(auths, r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusNoContent)
	}, func(p *fakeProvider, c *Config) {
		c.CallAfterRefresh = true
		p.refreshAud = "https://other.fake.example"
	})
	if len(rep.Calls) != 2 || rep.Calls[0].Token != CallTokenExchange || rep.Calls[1].Token != CallTokenRefresh {
		t.Fatalf("calls %+v, want the exchange's then the refresh's", rep.Calls)
	}
	if len(auths) != 2 || auths[0] == auths[1] {
		t.Errorf("the API got %d calls, want two with different tokens", len(auths))
	}
	f, ok := findingFor(rep, report.CodeAPIRefreshedTokenDiffers)
	if !ok || f.Severity != report.SeverityError || f.Detail["aud_refreshed"] != "https://other.fake.example" {
		t.Errorf("finding %+v (%v), want %s with the refreshed aud", f, ok, report.CodeAPIRefreshedTokenDiffers)
	}
	// The same audience: no finding.
	rep = apiRun(t, challenge("", 200, "{}"), func(_ *fakeProvider, c *Config) { c.CallAfterRefresh = true })
	if _, ok := findingFor(rep, report.CodeAPIRefreshedTokenDiffers); ok || len(rep.Calls) != 2 {
		t.Errorf("findings %v calls %d, want two calls and no %s", codes(rep), len(rep.Calls), report.CodeAPIRefreshedTokenDiffers)
	}
}

// BenchmarkCallEndlessAnswer is one call to an API whose answer never
// ends: what it costs is the 64 KiB read, not the answer.
func BenchmarkCallEndlessAnswer(b *testing.B) {
	chunk := []byte(strings.Repeat("x", 1<<20))
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer api.Close()
	r := newRunner(Config{}, nil, "login")
	for b.Loop() {
		c := r.call(context.Background(), APICall{URL: api.URL}, "tok", CallTokenExchange)
		if c.Response == nil || !c.Response.Truncated {
			b.Fatalf("call %+v", c)
		}
	}
}

// TestJudgeCallHintsAgree: a hint never contradicts the call or the
// token: no provider-side fix when the API is set up wrong, no "send the
// header" for a header sent, no "had expired" for a token still valid,
// and an acceptance says what else the report says about the token.
func TestJudgeCallHintsAgree(t *testing.T) {
	t.Run("insufficient_scope without a scope", func(t *testing.T) {
		c := report.Call{N: 1, Token: CallTokenExchange, Step: report.Step{Request: report.Request{Method: "GET", URL: "https://api.contoso.example/x"},
			Response: &report.Response{Status: 403, Headers: map[string]string{"WWW-Authenticate": `Bearer error="insufficient_scope"`}}}}
		if f := JudgeCall(c, parsedJWT(t, ""), report.Profile{}, time.Now()); strings.Contains(f.Hint, "the one it names") || !strings.Contains(f.Hint, "names none") {
			t.Errorf("hint %q", f.Hint)
		}
	})
	const expect = "https://api.fake.example"
	tok := parsedJWT(t, expect)
	call := func(status int, challenge, body string, headers map[string]string) report.Call {
		return report.Call{N: 1, Token: CallTokenExchange, Step: report.Step{
			Request:  report.Request{Method: "GET", URL: "https://api.contoso.example/orders", Headers: headers},
			Response: &report.Response{Status: status, Body: body, Headers: map[string]string{"WWW-Authenticate": challenge}},
		}}
	}
	p := report.Profile{ExpectAud: expect}
	for _, tt := range []struct {
		name      string
		c         report.Call
		tok       *decode.Token
		p         report.Profile
		where     func(report.Finding) string
		want, not string
	}{
		{"the API wants another audience", call(401, `Bearer error="invalid_token", error_description="The audience is invalid"`, "", nil), tok, p,
			hintOf, "Set the API's expected audience to " + expect, "Ask the provider for a token"},
		{"the gateway key was sent", call(401, "", `{"statusCode":401,"message":"Access denied due to invalid subscription key."}`, map[string]string{"Ocp-Apim-Subscription-Key": "K"}), tok, p,
			hintOf, "was sent", "send the header Ocp-Apim-Subscription-Key"},
		{"the gateway key was not sent", call(401, "", `{"statusCode":401,"message":"Access denied due to missing subscription key."}`, nil), tok, p,
			hintOf, "send the header Ocp-Apim-Subscription-Key", "was sent"},
		{"expired says the API, not the token", call(401, "", `{"error":{"code":"InvalidAuthenticationToken","message":"Lifetime validation failed, the token is expired."}}`, nil), tok, p,
			hintOf, "not expired", "had expired"},
		{"expired, and it is", call(401, "", `{"error":{"code":"InvalidAuthenticationToken","message":"Lifetime validation failed, the token is expired."}}`, nil), mustParse(t, expiredJWT(t)), p,
			hintOf, "Refresh URL", "is not expired"},
		{"accepted an opaque token", call(200, "", "{}", nil), nil, p,
			messageOf, "although it is not a JWT", ""},
		{"accepted an encrypted token", call(200, "", "{}", nil), mustParse(t, base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"A256GCMKW","enc":"A256GCM"}`))+".AAAA.AAAA.AAAA.AAAA"), p,
			messageOf, "although it is encrypted", ""},
		{"accepted a token for another audience", call(200, "", "{}", nil), parsedJWT(t, "https://other.example"), p,
			messageOf, "although its aud", ""},
		{"accepted, nothing to say", call(200, "", "{}", nil), tok, p,
			messageOf, "accepted", "although"},
	} {
		f := JudgeCall(tt.c, tt.tok, tt.p, time.Now())
		got := tt.where(f)
		if !strings.Contains(got, tt.want) || tt.not != "" && strings.Contains(got, tt.not) {
			t.Errorf("%s: %q, want it to say %q and not %q", tt.name, got, tt.want, tt.not)
		}
	}
}

func hintOf(f report.Finding) string    { return f.Hint }
func messageOf(f report.Finding) string { return f.Message }

// TestCallWithExpiredToken: a token from a file that had expired before
// the call is said to be, in the finding, before anything else.
func TestCallWithExpiredToken(t *testing.T) {
	api := httptest.NewServer(challenge("", 401, ""))
	t.Cleanup(api.Close)
	raw := expiredJWT(t)
	rep := CallWith(context.Background(), Config{Calls: []APICall{{URL: api.URL}}}, report.Report{Findings: []report.Finding{}}, raw, CallTokenHAR, nil)
	f, ok := findingFor(rep, report.CodeAPIRejected)
	if !ok || !strings.Contains(f.Message, "had expired before the call") || f.Detail["token_expired"] == "" {
		t.Errorf("finding %+v (%v), want it to say the file's token had expired", f, ok)
	}
	if _, expired := ExpiredAt(raw, time.Now()); !expired {
		t.Errorf("ExpiredAt: not expired, want expired")
	}
}

// expiredJWT is an access token for the fake's API that expired three
// days ago.
func expiredJWT(t *testing.T) string {
	t.Helper()
	old := time.Now().Add(-72 * time.Hour)
	raw, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": "https://fake.example/", "aud": "https://api.fake.example", "iat": old.Unix(), "exp": old.Add(time.Hour).Unix(),
	}).SignedString([]byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func mustParse(t *testing.T, raw string) *decode.Token {
	t.Helper()
	tok, err := decode.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestCallBody: an operation's body goes with the call, as JSON unless
// a header says otherwise.
func TestCallBody(t *testing.T) {
	var got, ctype, ua string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got, ctype, ua = string(b), r.Header.Get("Content-Type"), r.UserAgent()
	}))
	t.Cleanup(api.Close)
	r := newRunner(Config{}, nil, "login")
	r.call(context.Background(), APICall{Method: "PUT", URL: api.URL, Body: `{"done":true}`}, "tok", CallTokenExchange)
	if got != `{"done":true}` || ctype != "application/json" {
		t.Errorf("body %q type %q, want the JSON body", got, ctype)
	}
	if !strings.HasPrefix(ua, "authtrace/") { // an API call is no browser's
		t.Errorf("User-Agent %q, want authtrace's own", ua)
	}
	r.call(context.Background(), APICall{Method: "PUT", URL: api.URL, Body: "a=1", Headers: []Param{{Name: "content-type", Value: "application/x-www-form-urlencoded"}}}, "tok", CallTokenExchange)
	if got != "a=1" || ctype != "application/x-www-form-urlencoded" {
		t.Errorf("body %q type %q, want the type given", got, ctype)
	}
}

// TestRefreshedDiffers: the refreshed access token against the login's:
// another audience is an error, lost scopes a warning, an opaque token an
// error, the same scopes in another order nothing.
func TestRefreshedDiffers(t *testing.T) {
	jwtOf := func(claims string) string {
		enc := base64.RawURLEncoding.EncodeToString
		return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(claims)) + "." + enc([]byte("sig"))
	}
	login := jwtOf(`{"aud":"https://api.example","scp":"read write"}`)
	for _, tt := range []struct {
		name, refreshed string
		want            report.Severity // "" for no finding
		detail          map[string]string
	}{
		{"same scopes, another order", jwtOf(`{"aud":"https://api.example","scp":"write read"}`), "", nil},
		{"a scope lost", jwtOf(`{"aud":"https://api.example","scp":"read"}`), report.SeverityWarn, map[string]string{"scope_lost": "write"}},
		{"another audience", jwtOf(`{"aud":"https://other.example","scp":"read write"}`), report.SeverityError, map[string]string{"aud_refreshed": "https://other.example"}},
		{"opaque", "8xLOxBtZp8", report.SeverityError, map[string]string{"format": "opaque"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := refreshedDiffers(login, tt.refreshed)
			if ok != (tt.want != "") || ok && f.Severity != tt.want {
				t.Fatalf("refreshedDiffers = %+v, %v; want severity %q", f, ok, tt.want)
			}
			for k, v := range tt.detail {
				if f.Detail[k] != v {
					t.Errorf("detail %s = %q, want %q", k, f.Detail[k], v)
				}
			}
		})
	}
}
