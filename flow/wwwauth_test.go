package flow

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/report"
)

func TestParseChallenges(t *testing.T) {
	tests := []struct {
		in   []string
		want []Challenge
	}{
		{[]string{`Bearer realm="x", error="invalid_token", error_description="The token expired", scope="a b"`},
			[]Challenge{{Scheme: "Bearer", Params: map[string]string{"realm": "x", "error": "invalid_token", "error_description": "The token expired", "scope": "a b"}}}},
		{[]string{`bearer error=invalid_token,error_description="say \"no\""`},
			[]Challenge{{Scheme: "bearer", Params: map[string]string{"error": "invalid_token", "error_description": `say "no"`}}}},
		{[]string{`Basic realm="api", Bearer realm="api", error="insufficient_scope", scope="orders.read"`},
			[]Challenge{{Scheme: "Basic", Params: map[string]string{"realm": "api"}}, {Scheme: "Bearer", Params: map[string]string{"realm": "api", "error": "insufficient_scope", "scope": "orders.read"}}}},
		{[]string{`Negotiate`, `NTLM abc==, Bearer`},
			[]Challenge{{Scheme: "Negotiate"}, {Scheme: "NTLM", Token68: "abc=="}, {Scheme: "Bearer"}}},
		{[]string{`Bearer ERROR = "invalid_token" , , Error="second"`},
			[]Challenge{{Scheme: "Bearer", Params: map[string]string{"error": "invalid_token"}}}},
		{[]string{`Bearer authorization_uri=https://login.microsoftonline.com/common/oauth2/authorize, error="unterminated`},
			[]Challenge{{Scheme: "Bearer", Params: map[string]string{"authorization_uri": "https://login.microsoftonline.com/common/oauth2/authorize", "error": "unterminated"}}}},
		{[]string{`Bearer realm=, error="invalid_token"`},
			[]Challenge{{Scheme: "Bearer", Params: map[string]string{"realm": "", "error": "invalid_token"}}}},
		{[]string{`Basic YWJj=, Bearer realm="x"`},
			[]Challenge{{Scheme: "Basic", Token68: "YWJj="}, {Scheme: "Bearer", Params: map[string]string{"realm": "x"}}}},
		{[]string{"", " , ", `"junk" Bearer`},
			[]Challenge{{Scheme: "junk"}, {Scheme: "Bearer"}}},
	}
	for _, tt := range tests {
		got := ParseChallenges(tt.in...)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseChallenges(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	if c, ok := Bearer(ParseChallenges(`Basic realm=x, BEARER error=invalid_token`)); !ok || c.Params["error"] != "invalid_token" {
		t.Errorf("Bearer: got %+v %v, want the second challenge", c, ok)
	}
}

// formatChallenges writes challenges back as a header, every value
// quoted: what ParseChallenges reads from it must be what it wrote.
func formatChallenges(cs []Challenge) string {
	var parts []string
	for _, c := range cs {
		s := c.Scheme
		if c.Token68 != "" {
			s += " " + c.Token68
		}
		var ps []string
		for _, k := range slices.Sorted(maps.Keys(c.Params)) {
			v := strings.ReplaceAll(strings.ReplaceAll(c.Params[k], `\`, `\\`), `"`, `\"`)
			ps = append(ps, k+`="`+v+`"`)
		}
		if len(ps) > 0 {
			s += " " + strings.Join(ps, ", ")
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// FuzzParseChallenges: any header parses without a panic into
// challenges with a scheme of token characters and lower-case parameter
// names, and what it reads, written back quoted, reads the same again.
func FuzzParseChallenges(f *testing.F) {
	for _, s := range []string{
		`Bearer realm="x", error="invalid_token", error_description="...", scope="a b"`,
		`Basic realm="api", Bearer error=insufficient_scope, scope="orders.read"`,
		`bearer error=invalid_request`, `NTLM abc==, Negotiate`, `Bearer error="a\"b`, `,,=,"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		cs := ParseChallenges(h)
		for _, c := range cs {
			if c.Scheme == "" || strings.IndexFunc(c.Scheme, func(r rune) bool { return r > 127 || !isTchar(byte(r)) }) >= 0 {
				t.Fatalf("scheme %q of %q is no token", c.Scheme, h)
			}
			for k := range c.Params {
				if k == "" || k != strings.ToLower(k) {
					t.Fatalf("parameter name %q of %q", k, h)
				}
			}
		}
		again := ParseChallenges(formatChallenges(cs))
		if diff := cmp.Diff(cs, again); diff != "" {
			t.Fatalf("%q read back differently (-first +again):\n%s", h, diff)
		}
	})
}

// TestJudgeCallProviders checks that a hint names the setting of the
// provider the login went to, from the token and the answer together.
func TestJudgeCallProviders(t *testing.T) {
	call := func(h string, status int) report.Call {
		return report.Call{N: 1, Token: CallTokenExchange, Step: report.Step{
			Request:  report.Request{Method: "GET", URL: "https://api.contoso.example/orders"},
			Response: &report.Response{Status: status, Headers: map[string]string{"Www-Authenticate": h}},
		}}
	}
	entra := report.Profile{AuthorizeURL: "https://login.microsoftonline.com/t/oauth2/authorize"}
	auth0 := report.Profile{Issuer: "https://acme.auth0.com/"}
	tests := []struct {
		name  string
		c     report.Call
		p     report.Profile
		token string
		cause string
		hint  string
	}{
		{"entra audience", call(`Bearer error="invalid_token", error_description="The audience 'api://x' is invalid"`, 401), entra, "", CallCauseAudience, "Resource URL"},
		{"entra management token", call(`Bearer`, 401), entra, "https://management.azure.com/", CallCauseAudience, "Azure Resource Manager"},
		{"auth0 audience", call(`Bearer error="invalid_token", error_description="unexpected aud claim"`, 401), auth0, "", CallCauseAudience, "audience=<the API's Identifier>"},
		{"auth0 opaque", call(`Bearer error="invalid_token"`, 401), auth0, "opaque", CallCauseOpaque, "/userinfo"},
		{"auth0 scope", call(`Bearer error="insufficient_scope", scope="read:orders"`, 403), auth0, "", CallCauseScope, "Permissions"},
		{"entra forbidden", call(``, 403), entra, "", CallCauseForbidden, "API permissions"},
		{"the API is set up for another audience", call(`Bearer error="invalid_token", error_description="The audience 'https://api.fake.example' is invalid"`, 401), report.Profile{ExpectAud: "https://api.fake.example"}, "", CallCauseAudience, "Set the API's expected audience to https://api.fake.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := parsedJWT(t, tt.token)
			if tt.token == "opaque" {
				tok = nil
			}
			f := JudgeCall(tt.c, tok, tt.p, time.Now())
			if f.Code != report.CodeAPIRejected || f.Detail["cause"] != tt.cause || !strings.Contains(f.Hint, tt.hint) {
				t.Errorf("got %s cause %q hint %q, want cause %s and a hint naming %q", f.Code, f.Detail["cause"], f.Hint, tt.cause, tt.hint)
			}
		})
	}
}

// parsedJWT is the fake provider's access token for aud, parsed.
func parsedJWT(t *testing.T, aud string) *decode.Token {
	t.Helper()
	return mustParse(t, fakeJWT(aud))
}

func BenchmarkParseChallenges(b *testing.B) {
	h := `Basic realm="api", Bearer realm="api", error="invalid_token", error_description="The audience 'api://x' is invalid", scope="orders.read orders.write"`
	for b.Loop() {
		ParseChallenges(h)
	}
}

func BenchmarkJudgeCall(b *testing.B) {
	tok, err := decode.Parse(fakeJWT(""))
	if err != nil {
		b.Fatal(err)
	}
	c := report.Call{N: 1, Token: CallTokenExchange, Step: report.Step{
		Request: report.Request{Method: "GET", URL: "https://api.contoso.example/orders"},
		Response: &report.Response{Status: 401, ContentType: "application/json", Body: `{"error":{"code":"InvalidAuthenticationToken","message":"Access token validation failure. Invalid audience."}}`,
			Headers: map[string]string{"Www-Authenticate": `Bearer realm="", error="invalid_token"`}},
	}}
	p := report.Profile{AuthorizeURL: "https://login.microsoftonline.com/t/oauth2/authorize"}
	now := time.Now()
	for b.Loop() {
		JudgeCall(c, tok, p, now)
	}
}

// FuzzJudgeCall: any answer an API gives (status, WWW-Authenticate,
// content type, body) is judged without a panic, as accepted or refused,
// and a refusal always says what to change.
func FuzzJudgeCall(f *testing.F) {
	f.Add(401, `Bearer error="invalid_token"`, "application/json", `{"error":{"code":"InvalidAuthenticationToken","message":"x"}}`, "", "")
	f.Add(403, `Bearer error="insufficient_scope", scope="a b"`, "", `{"error":"insufficient_scope"}`, "", "")
	f.Add(302, "", "text/html", "<html>login</html>", "https://login.example/authorize", "")
	f.Add(200, "", "text/html", `<form><input type="password">`, "", "")
	f.Add(401, "", "", "Unauthorized", "", fakeJWT(""))
	f.Add(401, `Bearer error="invalid_token", error_description="Lifetime validation failed"`, "", "", "", fakeJWT("https://management.azure.com/"))
	f.Add(401, "", "application/problem+json", `{"title":"Unauthorized","detail":"IDX10223"}`, "", "")
	f.Fuzz(func(t *testing.T, status int, challenge, ctype, body, location, token string) {
		c := report.Call{N: 1, Token: CallTokenExchange, Location: location, Step: report.Step{
			Request:  report.Request{Method: "GET", URL: "https://api.example/x"},
			Response: &report.Response{Status: status, ContentType: ctype, Body: body, Headers: map[string]string{"WWW-Authenticate": challenge}},
		}}
		// Any token, or none: a JWT's claims shape every hint.
		tok, err := decode.Parse(token)
		if err != nil {
			tok = nil
		}
		got := JudgeCall(c, tok, report.Profile{ExpectAud: "https://api.fake.example"}, time.Now())
		switch {
		case got.Code == report.CodeAPIAccepted && (status < 200 || status > 299):
			t.Fatalf("status %d accepted", status)
		case got.Code == report.CodeAPIRejected && got.Hint == "":
			t.Fatalf("a refusal without a hint: %+v", got)
		case got.Code != report.CodeAPIAccepted && got.Code != report.CodeAPIRejected:
			t.Fatalf("code %s", got.Code)
		}
	})
}

// TestBearerPrefersError: of several Bearer challenges (one per
// header line, or in one), the one that says what is wrong is read.
func TestBearerPrefersError(t *testing.T) {
	for _, values := range [][]string{
		{`Bearer realm="api"`, `Bearer error="invalid_token", error_description="The token expired"`},
		{`Bearer realm="api", Bearer error="invalid_token", error_description="The token expired"`},
		{`Negotiate`, `Bearer realm="api"`, `Bearer error="invalid_token", error_description="The token expired"`},
	} {
		c, ok := Bearer(ParseChallenges(values...))
		if !ok || c.Params["error"] != "invalid_token" || c.Params["error_description"] != "The token expired" {
			t.Errorf("Bearer(%q) = %+v, %v; want the challenge with the error", values, c, ok)
		}
	}
	if c, ok := Bearer(ParseChallenges(`Bearer realm="a"`, `Bearer realm="b"`)); !ok || c.Params["realm"] != "a" {
		t.Errorf("without an error: %+v, want the first", c)
	}
}
