package flow

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/authtrace/authtrace/report"
)

// oidcProviderPage is oidc-provider's default renderError page.
func oidcProviderPage(errCode, desc string) string {
	return `<!DOCTYPE html>
    <head>
      <meta charset="utf-8">
      <title>oops! something went wrong</title>
      <style>h1{font-weight:100;text-align:center;font-size:2.3em}</style>
    </head>
    <body>
      <div class="container">
        <h1>oops! something went wrong</h1>
        <pre><strong>error</strong>: ` + errCode + `</pre><pre><strong>error_description</strong>: ` + desc + `</pre>
      </div>
    </body>
    </html>`
}

func TestReadErrorPage(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		ct          string
		body        string
		wantCode    string // "" for nil
		wantWords   string // part of Detail["provider"]
		wantHint    string
		wantMessage string
	}{
		{
			name: "Auth0 callback URL mismatch", status: 403, ct: "text/html; charset=utf-8",
			body:     `<html><head><title>Error</title><script>var x = 1 < 2;</script></head><body><div class="error"><h2>Callback URL mismatch.</h2><p>The provided redirect_uri is not in the list of allowed callback URLs.</p><p>Please go to the <a href="https://manage.auth0.com">Application Settings page</a> and make sure you are sending a valid callback url from your application.</p></div></body></html>`,
			wantCode: report.CodeRedirectURIRejected, wantWords: "Callback URL mismatch. The provided redirect_uri is not in the list of allowed callback URLs.",
			wantHint: "Allowed Callback URLs", wantMessage: `Auth0 "Callback URL mismatch"`,
		},
		{
			name: "oidc-provider invalid_redirect_uri", status: 400, ct: "text/html; charset=utf-8",
			body:     oidcProviderPage("invalid_redirect_uri", "redirect_uri did not match any of the client&#39;s registered redirect_uris"),
			wantCode: report.CodeRedirectURIRejected, wantWords: "error: invalid_redirect_uri error_description: redirect_uri did not match any of the client's registered redirect_uris",
			wantHint: "allowed redirect", wantMessage: "oidc-provider invalid_redirect_uri",
		},
		{
			name: "oidc-provider session cookie missing", status: 400, ct: "text/html; charset=utf-8",
			body: oidcProviderPage("invalid_request", "interaction session id cookie not found"),
		},
		{
			name: "oidc-provider expired authorization request", status: 400, ct: "text/html; charset=utf-8",
			body: oidcProviderPage("invalid_request", "authorization request has expired (redirect_uri invalid)"),
		},
		{
			name: "oidc-provider SessionNotFound naming redirect_uri", status: 400, ct: "text/html",
			body: oidcProviderPage("invalid_request", "SessionNotFound: could not find the redirect_uri for this interaction"),
		},
		{
			name: "Auth0 invalid state", status: 400, ct: "text/html",
			body: `<html><body><h1>Invalid state</h1><p>You may have pressed the back button, refreshed during login, opened too many login dialogs, or there is some issue with cookies, since we couldn't find your session. Try logging in again from the application.</p><p>invalid_request redirect_uri</p></body></html>`,
		},
		{
			name: "Dex", status: 400, ct: "text/html",
			body:     `<!DOCTYPE html><html><body><div class="theme-panel"><h2 class="theme-heading">Bad Request</h2><p>Unregistered redirect_uri (&#34;http://127.0.0.1:8080/cb&#34;).</p></div></body></html>`,
			wantCode: report.CodeRedirectURIRejected, wantWords: `Unregistered redirect_uri ("http://127.0.0.1:8080/cb").`,
		},
		{
			name: "ZITADEL (http.Error, plain text)", status: 400, ct: "text/plain; charset=utf-8",
			body:     "The requested redirect_uri is missing in the client configuration. If you have any questions, you may contact the administrator of the application.\n",
			wantCode: report.CodeRedirectURIRejected, wantWords: "The requested redirect_uri is missing in the client configuration.",
		},
		{
			name: "Entra AADSTS50011", status: 400, ct: "text/html",
			body:     `<html><body><div id="content"><div class="title">Sign in</div><div>Sorry, but we're having trouble signing you in.</div><div class="error-code">AADSTS50011: The redirect URI 'https://global.consent.azure-apim.net/redirect/abc' specified in the request does not match the redirect URIs configured for the application '6731de76-14a6-49ae-97bc-6eba6914391e'.</div></div></body></html>`,
			wantCode: report.CodeRedirectURIRejected, wantWords: "AADSTS50011: The redirect URI", wantHint: "Authentication > Web > Redirect URIs",
		},
		{
			name: "Entra unknown application", status: 400, ct: "text/html",
			body:     `<html><body><p>AADSTS700016: Application with identifier 'abc' was not found in the directory 'Contoso'.</p></body></html>`,
			wantCode: report.CodeClientRejected, wantWords: "AADSTS700016: Application with identifier 'abc' was not found", wantHint: "Application (client) ID",
		},
		{
			name: "Entra bad secret", status: 401, ct: "application/json",
			body:     `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."}`,
			wantCode: report.CodeClientRejected, wantWords: "error: invalid_client; error_description: AADSTS7000215", wantHint: "Value (not its Secret ID)",
		},
		{
			name: "Okta", status: 400, ct: "text/html",
			body:     `<html><body><div class="content"><h2 class="o-form-title">400 Bad Request</h2><p class="o-form-explain">The &#x27;redirect_uri&#x27; parameter must be a Login redirect URI in the client app settings: https://dev-1.okta.com/admin/app/oidc_client/instance/0oa1#tab-general</p></div></body></html>`,
			wantCode: report.CodeRedirectURIRejected, wantWords: "The 'redirect_uri' parameter must be a Login redirect URI", wantHint: "Sign-in redirect URIs",
		},
		{
			name: "Google", status: 400, ct: "text/html",
			body:     `<html><body><p><b>Error 400: redirect_uri_mismatch</b></p><p>You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy.</p></body></html>`,
			wantCode: report.CodeRedirectURIRejected, wantWords: "Error 400: redirect_uri_mismatch", wantHint: "Authorized redirect URIs",
		},
		{
			name: "Keycloak", status: 400, ct: "text/html",
			body:     `<html><body><h1 id="kc-page-title">We are sorry...</h1><p class="instruction">Invalid parameter: redirect_uri</p></body></html>`,
			wantCode: report.CodeRedirectURIRejected, wantWords: "Invalid parameter: redirect_uri",
		},
		{
			name: "JSON invalid_request naming redirect_uri", status: 400, ct: "application/json",
			body:     `{"error":"invalid_request","error_description":"The redirect_uri is not allowed for this client"}`,
			wantCode: report.CodeRedirectURIRejected, wantWords: "error: invalid_request; error_description: The redirect_uri is not allowed for this client",
		},
		{
			name: "Auth0 unknown client", status: 400, ct: "text/html",
			body:     `<html><body><h1>Oops!, something went wrong</h1><p>invalid_request: Unknown client: abc123</p></body></html>`,
			wantCode: report.CodeClientRejected, wantWords: "invalid_request: Unknown client: abc123",
		},
		{
			name: "oidc-provider invalid client", status: 400, ct: "text/html",
			body:     oidcProviderPage("invalid_client", "client is invalid"),
			wantCode: report.CodeClientRejected, wantWords: "error: invalid_client",
		},
		{
			name: "plain text redirect mismatch", status: 400, ct: "text/plain",
			body:     "redirect_uri mismatch\n",
			wantCode: report.CodeRedirectURIRejected, wantWords: "redirect_uri mismatch",
		},
		{
			name: "login page", status: 200, ct: "text/html",
			body: `<html><body><form method="post"><input type="hidden" name="redirect_uri" value="x"><input name="login"><input name="password" type="password"><button>Sign-in</button></form><script>var errors = {"invalid_client":"Unknown client","invalid_request":"bad"};</script></body></html>`,
		},
		{
			name: "generic server error", status: 500, ct: "text/html",
			body: `<html><body><h1>Internal Server Error</h1></body></html>`,
		},
		{name: "empty", status: 400, ct: "text/html", body: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readErrorPage(tt.status, tt.ct, []byte(tt.body), "", "")
			if tt.wantCode == "" {
				if f != nil {
					t.Fatalf("readErrorPage() = %s %q, want nil", f.Code, f.Message)
				}
				return
			}
			if f == nil {
				t.Fatalf("readErrorPage() = nil, want %s", tt.wantCode)
			}
			if f.Code != tt.wantCode || f.Severity != report.SeverityError {
				t.Errorf("readErrorPage() = %s/%s, want %s/error", f.Code, f.Severity, tt.wantCode)
			}
			words := f.Detail["provider"]
			if !strings.Contains(words, tt.wantWords) {
				t.Errorf("Detail[provider] = %q, want it to contain %q", words, tt.wantWords)
			}
			if len(words) > 210 {
				t.Errorf("Detail[provider] is %d bytes, want at most about 200", len(words))
			}
			if f.Detail["status"] == "" || f.Detail["signature"] == "" {
				t.Errorf("Detail = %v, want status and signature", f.Detail)
			}
			if !strings.Contains(f.Hint, tt.wantHint) || f.Hint == "" {
				t.Errorf("Hint = %q, want it to contain %q", f.Hint, tt.wantHint)
			}
			if !strings.Contains(f.Message, tt.wantMessage) {
				t.Errorf("Message = %q, want it to contain %q", f.Message, tt.wantMessage)
			}
		})
	}
}

func FuzzReadErrorPage(f *testing.F) {
	f.Add(400, "text/html", []byte(oidcProviderPage("invalid_redirect_uri", "redirect_uri did not match")))
	f.Add(400, "text/html", []byte(oidcProviderPage("invalid_request", "interaction session id cookie not found")))
	f.Add(403, "text/html", []byte(`<h2>Callback URL mismatch.</h2><script>x<y</script><!--`))
	f.Add(401, "application/json", []byte(`{"error":{"code":"x"},"error_description":"AADSTS7000215"}`))
	f.Add(200, "", []byte("<p>a < b <a title='>'>é</a>"))
	f.Fuzz(func(t *testing.T, status int, ct string, body []byte) {
		fd := readErrorPage(status, ct, body, "", "")
		if fd != nil {
			if fd.Code != report.CodeRedirectURIRejected && fd.Code != report.CodeClientRejected {
				t.Fatalf("readErrorPage code = %q", fd.Code)
			}
			if len(fd.Detail["provider"]) > 210 {
				t.Fatalf("Detail[provider] is %d bytes", len(fd.Detail["provider"]))
			}
		}
		for _, max := range []int{0, 1, 5, 40} {
			s := pageText(body, max)
			if max > 0 && len(s) > max {
				t.Fatalf("pageText(_, %d) is %d bytes", max, len(s))
			}
			if !utf8.ValidString(s) {
				t.Fatalf("pageText(_, %d) = %q, not valid UTF-8", max, s)
			}
		}
	})
}

// TestReadPage: a hop's status, content type and body in, the hop as an
// error page and the finding about it out, for every producer of hops.
func TestReadPage(t *testing.T) {
	authorize := "http://127.0.0.1:3000/auth?client_id=a&response_type=code"
	tests := []struct {
		name     string
		hop      report.Hop
		ct       string
		body     string
		wantRole report.Role
		wantPage string // part of Page; "" for none
		wantCode string // "" for no finding
	}{
		{
			name: "redirect body is not read",
			hop:  report.Hop{N: 2, Role: report.RoleProvider, Status: 302, Location: "https://idp.example/login"},
			ct:   "text/html", body: "<p>Callback URL mismatch</p>",
			wantRole: report.RoleProvider,
		},
		{
			name: "authorize answered with a rejection",
			hop:  report.Hop{N: 2, Role: report.RoleAuthorize, Status: 400, URL: authorize},
			ct:   "text/html", body: oidcProviderPage("invalid_redirect_uri", "redirect_uri did not match"),
			wantRole: report.RoleErrorPage, wantPage: "error: invalid_redirect_uri", wantCode: report.CodeRedirectURIRejected,
		},
		{
			name: "rejection words on a 200 page",
			hop:  report.Hop{N: 3, Role: report.RoleProvider, Status: 200},
			ct:   "text/html", body: "<h2>Callback URL mismatch.</h2>",
			wantRole: report.RoleErrorPage, wantPage: "Callback URL mismatch.", wantCode: report.CodeRedirectURIRejected,
		},
		{
			name: "login page",
			hop:  report.Hop{N: 3, Role: report.RoleProvider, Status: 200},
			ct:   "text/html", body: `<form><input name="login"><input name="password" type="password"></form>`,
			wantRole: report.RoleProvider,
		},
		{
			name: "unexplained server error",
			hop:  report.Hop{N: 4, Role: report.RoleErrorPage, Status: 500},
			ct:   "text/html", body: "<h1>Internal Server Error</h1>",
			wantRole: report.RoleErrorPage, wantPage: "Internal Server Error", wantCode: report.CodePageError,
		},
		{
			name: "cookie failure",
			hop:  report.Hop{N: 4, Role: report.RoleErrorPage, Status: 400},
			ct:   "text/html", body: oidcProviderPage("invalid_request", "interaction session id cookie not found"),
			wantRole: report.RoleErrorPage, wantPage: "cookie not found",
		},
		{
			name:     "empty error answer",
			hop:      report.Hop{N: 5, Role: report.RoleAuthorize, Status: 400, URL: authorize},
			wantRole: report.RoleErrorPage,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, f := ReadPage(nil, tt.hop, tt.ct, []byte(tt.body))
			if h.Role != tt.wantRole {
				t.Errorf("role = %q, want %q", h.Role, tt.wantRole)
			}
			if tt.wantPage == "" && h.Page != "" || !strings.Contains(h.Page, tt.wantPage) {
				t.Errorf("Page = %q, want %q in it", h.Page, tt.wantPage)
			}
			if len(h.Page) > 300 {
				t.Errorf("Page is %d bytes, want at most 300", len(h.Page))
			}
			switch {
			case tt.wantCode == "" && f != nil:
				t.Errorf("finding %s %q, want none", f.Code, f.Message)
			case tt.wantCode != "" && f == nil:
				t.Errorf("no finding, want %s", tt.wantCode)
			case f != nil && (f.Code != tt.wantCode || f.Hop != tt.hop.N):
				t.Errorf("finding %s about hop %d, want %s about hop %d", f.Code, f.Hop, tt.wantCode, tt.hop.N)
			}
			if h.N != tt.hop.N || h.Status != tt.hop.Status || h.URL != tt.hop.URL {
				t.Errorf("hop %+v, want %+v with only Role and Page set", h, tt.hop)
			}
		})
	}
}
