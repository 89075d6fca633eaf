package report_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/internal/golden"
	"github.com/authtrace/authtrace/internal/hostile"
	"github.com/authtrace/authtrace/report"
)

// markdownReport is a whole login: hops with a state suffix and an added
// organization, an error page's words, a hop that failed, a code exchange
// that needed a second attempt, a rotated refresh, and the tokens.
func markdownReport() report.Report {
	suffixed := testState + ".eyJ0In0"
	rep := stateSuffixReport()
	rep.Command = "login"
	rep.Hops = append(chain(suffixed), callbackHop(suffixed))
	rep.Hops[1].Params["resource"] = "https://api.example.com/|pipe"
	rep.Hops[3].Page = "Callback URL mismatch.\nThe provided redirect_uri is not in the list"
	rep.Hops[3].Error = "Get \"https://idp.example.com/u/login\": context deadline exceeded"
	rep.Hops[4].Params["error_description"] = "user `cancelled` the login"
	ex := exchange()
	ex.Attempts = []report.Step{{
		Request: report.Request{Method: "POST", URL: "https://idp.example.com/oauth/token", ClientAuth: "post"},
		Response: &report.Response{Status: 401, ContentType: "application/json", Format: "json", DurationMS: 61,
			Fields: map[string]string{"error": "invalid_client", "error_description": "Client authentication failed"}},
	}}
	ex.Request.ClientAuth = "basic"
	rep.Exchange = ex
	rep.Refresh = &report.Refresh{Step: report.Step{
		Request:  report.Request{Method: "POST", URL: "https://idp.example.com/oauth/token", ClientAuth: "basic"},
		Response: &report.Response{Status: 200, ContentType: "application/json", Format: "json", DurationMS: 47},
	}, Rotated: true}
	rep.Tokens = tokens()
	return rep.Redact()
}

// TestMarkdownCarriesTheWholeLogin: the Markdown report is also the CLI's
// plain-text output, so it must hold all the CLI's text output held.
func TestMarkdownCarriesTheWholeLogin(t *testing.T) {
	got := report.Markdown(markdownReport(), decode.ReportClaims)
	golden.Check(t, filepath.Join("testdata", "golden", "markdown-login.txt"), got)
	for _, want := range []string{
		"# authtrace login report",
		"- result: 2 errors, 1 info",
		// what was sent
		"- state: `" + testState + "`",
		"- redirect_uri: `" + testRedirect + "`",
		"- scope: `openid profile offline_access`",
		// each hop with its values
		"1. **sent** · GET · authorize · `https://tenant.example.com/authorize`",
		"3. **preflight** · GET · 302 · authorize · `https://idp.example.com/authorize`",
		"   - state: `" + testState + ".eyJ0In0`",
		"   - organization: `org_contoso`",
		// a Location that was followed is listed too
		"   - location: `https://idp.example.com/u/login?state=hKFo2SBxd`\n4. **preflight**",
		"   - resource: `https://api.example.com/|pipe`",
		"   - page says: `Callback URL mismatch. The provided redirect_uri is not in the list`",
		"   - request failed: `Get \"https://idp.example.com/u/login\": context deadline exceeded`",
		"   - code: present",
		"   - error_description: `` user `cancelled` the login ``",
		// the exchange, both attempts, and the refresh
		"1. POST · `https://idp.example.com/oauth/token` · client auth post · HTTP 401 · json · 61 ms",
		"   - error: `invalid_client`",
		"   - error_description: `Client authentication failed`",
		"2. POST · `https://idp.example.com/oauth/token` · client auth basic · HTTP 200 · json · 84 ms · the one that counted",
		"## Refresh",
		"- refresh token rotated: yes",
		"client auth basic · HTTP 200 · json · 47 ms",
		// the tokens' claims, times in words
		"### access_token (jwt)",
		"| `aud` | `https://api.example.com` |",
		"| `exp` | `1795967990` · 2026-11-29 15:59:50 UTC, expires in 59m |",
		"### refresh_token (opaque)",
		// the engine's own signature check
		"- signature: `verified (RS256, kid k1, JWKS https://idp.example.com/.well-known/jwks.json)`",
		"- signature: `not checked: no JWKS: the provider's keys are known only through issuer discovery`",
		// findings with their fixes
		"- **error** `state.changed` (hop 3): state came back with text appended",
		"  - fix: The tenant proxy appends its own data to state.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, got)
		}
	}
	for _, secret := range []string{"c2lnbmF0dXJl", "v1.MRrxQ2d8opaque", "code=abc"} {
		if strings.Contains(got, secret) {
			t.Errorf("Markdown of a redacted report shows %q", secret)
		}
	}
}

// TestMarkdownHostileText: provider text can neither drive a terminal nor
// break out of a code span or a table cell.
func TestMarkdownHostileText(t *testing.T) {
	rep := hostileReport()
	rep.Tokens = append(rep.Tokens, jwt(`{"alg":"none"}`, `{"sub":"a|b","x":"`+"``"+`"}`))
	got := report.Markdown(rep, decode.ReportClaims)
	hostile.Inert(t, "markdown", got)
	for _, want := range []string{"␛]0;PWNED␇x", "| `sub` | `a\\|b` |", "| `x` | ``` `` ``` |"} {
		if !strings.Contains(got, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, got)
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if strings.HasPrefix(l, "| ") && strings.Count(strings.ReplaceAll(l, `\|`, ""), "|") != 3 {
			t.Errorf("table row %q does not have two cells", l)
		}
	}
}

// TestMarkdownProseIsNotMarkup: text from a provider (a page, an error
// description) cannot become a link, an image or HTML in a ticket that
// renders the report.
func TestMarkdownProseIsNotMarkup(t *testing.T) {
	evil := `sign in again at [the portal](https://evil.example) ![](https://t.example/p.gif) <img src=x onerror=alert(1)> \[x](y)`
	r := report.Report{Command: "trace", Findings: []report.Finding{{Code: report.CodePageError, Severity: report.SeverityError, Message: evil, Hint: "see " + evil}}}
	md := report.Markdown(r, nil)
	for _, bad := range []string{"[the portal](", "![](", "<img", `\\[x](y)`} {
		if strings.Contains(unescaped(md), bad) {
			t.Errorf("Markdown keeps markup %q:\n%s", bad, md)
		}
	}
	if !strings.Contains(md, `\[the portal\](https://evil.example)`) {
		t.Errorf("the text itself is lost:\n%s", md)
	}
}

// unescaped drops every backslash-escaped character, leaving what a
// Markdown renderer reads as markup.
func unescaped(md string) string {
	var b strings.Builder
	for i := 0; i < len(md); i++ {
		if md[i] == '\\' && i+1 < len(md) {
			i++
			continue
		}
		b.WriteByte(md[i])
	}
	return b.String()
}

// TestMarkdownIncompleteResult: a run that stopped early does not read as
// a clean one at the top.
func TestMarkdownIncompleteResult(t *testing.T) {
	md := report.Markdown(report.Report{Command: "login", Error: "no callback arrived in time"}, nil)
	if !strings.Contains(md, "- result: incomplete") || strings.Contains(md, "- result: no problems found") {
		t.Errorf("result line of a stopped run:\n%s", md)
	}
}

func TestMarkdownTraceSendsNoClientAuth(t *testing.T) {
	r := report.Report{Command: "trace", Profile: report.Profile{ClientAuth: "auto", ClientID: "a"}}
	if md := report.Markdown(r, nil); strings.Contains(md, "client auth") {
		t.Errorf("a trace's report names a client auth it never used:\n%s", md)
	}
	r.Command = "login"
	if md := report.Markdown(r, nil); !strings.Contains(md, "- client auth: `auto`") {
		t.Errorf("a login's report lacks its client auth:\n%s", md)
	}
}

// TestMarkdownChains: a trace --connector's report has a column per chain
// with what each sent and its answers, its hops under a heading per
// chain, the connector findings with their place, path and template, and
// the emulation and connector among the settings.
func TestMarkdownChains(t *testing.T) {
	var fx struct {
		Report report.Report `json:"report"`
	}
	golden.ReadJSON(t, filepath.Join("..", "ui", "testdata", "fixtures", "chains.json"), &fx)
	got := report.Markdown(fx.Report.Redact(), decode.ReportClaims)
	golden.Check(t, filepath.Join("testdata", "golden", "markdown-chains.txt"), got)
	for _, want := range []string{
		"- redirect_uri (platform): `https://global.consent.azure-apim.net/redirect/abc-5fx-1234`",
		"- state (loopback): `7c9e6679-7425-40de-944b-e07fc1f90ae7_unitedstates-002_azure-apim.net`",
		"- requests as: `power-platform`",
		"- connector: `/home/dev/connectors/contoso-hr/apiProperties.json`",
		"|  | platform | loopback |",
		"| does the provider accept it? | ✗ refused by the provider at hop 2 (Entra AADSTS50011: redirect URI not registered for the app) | ✓ accepted: ",
		"| hops | 1 to 2 | 3 to 4 |",
		"### platform: with the platform's redirect URI\n\n1. **sent**",
		"### loopback: with the loopback redirect URI\n\n3. **sent**",
		"`connector.placeholder_unknown` (tokenBodyTemplate):",
		"path `properties.connectionParameters.token.oAuthSettings.customParameters.tokenBodyTemplate.value`",
		"template `grant_type=authorization_code&code={Code}&redirect_uri={RedirectUrl}",
		"`connector.secret_in_file` (clientSecret):",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the Markdown lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "\n- redirect_uri: ") {
		t.Errorf("a report with chains names one redirect_uri for all:\n%s", got)
	}
}

// TestMarkdownCalls: a call is a step of the report, with the answer's
// reason and without the token it sent.
func TestMarkdownCalls(t *testing.T) {
	const tok = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA"
	r := report.Report{Calls: []report.Call{{N: 1, Token: "exchange", Location: "https://login.example/authorize", Step: report.Step{
		Request:  report.Request{Method: "GET", URL: "https://api.example/me", Headers: map[string]string{"Authorization": "Bearer " + tok}},
		Response: &report.Response{Status: 401, Truncated: true, Body: strings.Repeat("x", 64<<10), Headers: map[string]string{"Www-Authenticate": `Bearer error="invalid_token"`}},
	}}}, Tokens: []report.Token{{Kind: "access_token", Format: "jwt", Raw: tok}}}
	md := report.Markdown(r.Redact(), nil)
	for _, want := range []string{"## API calls", "1. GET · `https://api.example/me` · HTTP 401", "with the access token", "WWW-Authenticate: `Bearer error=\"invalid_token\"`", "redirected to: `https://login.example/authorize` (not followed)", "64 KiB read"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "c2lnbmF0dXJlLXNlY3JldA") {
		t.Errorf("Markdown holds the token's signature:\n%s", md)
	}
	r.Calls[0].Token = "har"
	if md := report.Markdown(r.Redact(), nil); !strings.Contains(md, "with the HAR file's access token") {
		t.Errorf("Markdown does not name the HAR file's token:\n%s", md)
	}
}
