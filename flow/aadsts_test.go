package flow

import (
	"net/http"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/report"
)

func TestReadAADSTS(t *testing.T) {
	tests := []struct {
		text      string
		wantNum   string
		wantKnown bool
	}{
		{"AADSTS50011: The redirect URI 'x' specified in the request does not match", "50011", true},
		{`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}`, "7000215", true},
		{"aadsts500011: the resource principal named api://x was not found", "500011", true},
		{"Trace ID: 1\r\nAADSTS90014: missing field; then AADSTS65001: consent", "65001", true},
		{"AADSTS90014: The required field 'x' is missing", "90014", false},
		{"AADSTS50011abc is not a number", "", false},
		{"XAADSTS50011 glued to a word", "", false},
		{"AADSTS1234 too short", "", false},
		{"no Entra here", "", false},
	}
	for _, tt := range tests {
		num, e, known := readAADSTS(tt.text)
		if num != tt.wantNum || known != tt.wantKnown {
			t.Errorf("readAADSTS(%q) = %q, known %v; want %q, %v", tt.text, num, known, tt.wantNum, tt.wantKnown)
		}
		if known && e.what == "" {
			t.Errorf("AADSTS%s has no words", num)
		}
	}
	for num, e := range aadstsErrors {
		if e.kind != aadstsRedirect && e.hint == "" {
			t.Errorf("AADSTS%s has no hint", num)
		}
	}
}

func FuzzReadAADSTS(f *testing.F) {
	f.Add("AADSTS50011: x AADSTS7000215")
	f.Add("aadsts")
	f.Fuzz(func(t *testing.T, s string) {
		num, _, known := readAADSTS(s)
		if known && !strings.Contains(strings.ToLower(s), "aadsts"+num) {
			t.Errorf("readAADSTS(%q) = %s, which the text does not name", s, num)
		}
	})
}

// entraPageHTML is an Entra sign-in error page, cut down to its shape.
func entraPageHTML(msg string) string {
	return `<html><body><div class="title">Sign in</div><div>Sorry, but we're having trouble signing you in.</div><div class="error-code">` + msg + `</div><div>Trace ID: 4f9a</div></body></html>`
}

func TestEntraErrorPages(t *testing.T) {
	const sent = PowerPlatformRedirectURI + "/shared-5facme-5f1"
	tests := []struct {
		name      string
		status    int
		msg       string
		wantCode  string
		wantNum   string
		wantHint  string
		wantFatal bool
	}{
		{"redirect mismatch", 400, "AADSTS50011: The redirect URI '" + sent + "' specified in the request does not match the redirect URIs configured for the application 'a'.",
			report.CodeRedirectURIRejected, "50011", "Authentication > Web > Redirect URIs", true},
		{"no reply address", 200, "AADSTS500113: No reply address is registered for the application.",
			report.CodeRedirectURIRejected, "500113", sent, true},
		{"resource principal not found", 400, "AADSTS500011: The resource principal named api://orders was not found in the tenant named Contoso.",
			report.CodePageError, "500011", "Application ID URI exactly", true},
		{"resource not in permissions", 400, "AADSTS650057: Invalid resource. The client has requested access to a resource which is not listed in the requested permissions in the client's application registration.",
			report.CodePageError, "650057", "API permissions > Add a permission", true},
		{"consent missing", 200, "AADSTS65001: The user or administrator has not consented to use the application with ID 'a'.",
			report.CodePageError, "65001", "Grant admin consent", true},
		{"wrong secret on a page", 401, "AADSTS7000215: Invalid client secret provided.",
			report.CodeClientRejected, "7000215", "Value (not its Secret ID)", true},
		{"unknown application", 400, "AADSTS700016: Application with identifier 'abc' was not found in the directory 'Contoso'.",
			report.CodeClientRejected, "700016", "Application (client) ID", true},
		{"a number authtrace does not know", 400, "AADSTS90014: The required field 'scope' is missing.",
			report.CodePageError, "90014", "page's own words", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := report.Hop{N: 3, Status: tt.status, Params: map[string]string{}}
			_, f := ReadPage(map[string]string{"redirect_uri": sent}, h, "text/html", []byte(entraPageHTML(tt.msg)))
			if f == nil {
				t.Fatalf("ReadPage found nothing in %q", tt.msg)
			}
			if f.Code != tt.wantCode || f.Detail["aadsts"] != tt.wantNum || f.Hop != 3 {
				t.Errorf("finding %s aadsts %q hop %d; want %s, %s, 3", f.Code, f.Detail["aadsts"], f.Hop, tt.wantCode, tt.wantNum)
			}
			if !strings.Contains(f.Hint, tt.wantHint) {
				t.Errorf("hint %q does not say %q", f.Hint, tt.wantHint)
			}
			if !strings.Contains(f.Message, "AADSTS"+tt.wantNum) {
				t.Errorf("message %q does not name AADSTS%s", f.Message, tt.wantNum)
			}
		})
	}
	// In the preflight: a known Entra error ends the login there.
	for _, tt := range tests {
		t.Run("preflight "+tt.name, func(t *testing.T) {
			base := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(tt.status)
				w.Write([]byte(entraPageHTML(tt.msg)))
			})
			r := newRunner(Config{AuthorizeURL: base + "/authorize", ClientID: "app"}, nil, "trace")
			r.redirectURI = sent
			if got := r.preflight(t.Context(), base+"/authorize", 2); got.fatal != tt.wantFatal {
				t.Errorf("fatal = %v, want %v", got.fatal, tt.wantFatal)
			}
		})
	}
}

func TestEntraTokenErrors(t *testing.T) {
	tests := []struct {
		name     string
		oerr     OAuthError
		refresh  bool
		wantCode string
		wantNum  string
		wantHint string
	}{
		{"wrong secret", OAuthError{Code: "invalid_client", Status: 401, Description: "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value."},
			false, report.CodeTokenError, "7000215", "Value (not its Secret ID)"},
		{"code redeemed", OAuthError{Code: "invalid_grant", Status: 400, Description: "AADSTS54005: OAuth2 Authorization code was already redeemed, please retry with a new valid code."},
			false, report.CodeTokenError, "54005", "single-use"},
		{"consent at the token endpoint", OAuthError{Code: "invalid_grant", Status: 400, Description: "AADSTS65001: The user or administrator has not consented to use the application."},
			false, report.CodeTokenError, "65001", "Grant admin consent"},
		{"resource not in permissions", OAuthError{Code: "invalid_client", Status: 400, Description: "AADSTS650057: Invalid resource."},
			false, report.CodeTokenError, "650057", "API permissions"},
		{"refresh token expired", OAuthError{Code: "invalid_grant", Status: 400, Description: "AADSTS700082: The refresh token has expired due to inactivity."},
			true, report.CodeRefreshFailed, "700082", "90 days"},
		{"unknown number keeps the error code's hint", OAuthError{Code: "invalid_grant", Status: 400, Description: "AADSTS9002313: Invalid request."},
			false, report.CodeTokenError, "9002313", "authorization code was refused"},
		{"not Entra", OAuthError{Code: "invalid_grant", Status: 400, Description: "grant expired"},
			true, report.CodeRefreshFailed, "", "refresh token expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRunner(Config{ClientSecret: "x"}, nil, "login")
			oerr := tt.oerr
			r.grantFindings(grant{oerr: &oerr}, tt.refresh)
			if len(r.rep.Findings) != 1 {
				t.Fatalf("findings %+v, want one", r.rep.Findings)
			}
			f := r.rep.Findings[0]
			if f.Code != tt.wantCode || f.Detail["aadsts"] != tt.wantNum || !strings.Contains(f.Hint, tt.wantHint) {
				t.Errorf("finding %s aadsts %q hint %q; want %s, %q, a hint saying %q", f.Code, f.Detail["aadsts"], f.Hint, tt.wantCode, tt.wantNum, tt.wantHint)
			}
		})
	}
}

func TestEntraCallbackErrors(t *testing.T) {
	sent := map[string]string{"state": "s", "redirect_uri": DefaultRedirectURI}
	tests := []struct {
		code, desc, wantNum, wantHint string
	}{
		{"invalid_request", "AADSTS50011: The redirect URI does not match.", "50011", DefaultRedirectURI},
		{"invalid_resource", "AADSTS500011: The resource principal named https://orders was not found in the tenant.", "500011", "Application ID URI"},
		{"invalid_client", "AADSTS650057: Invalid resource.", "650057", "API permissions"},
		{"consent_required", "AADSTS65001: The user or administrator has not consented.", "65001", "Grant admin consent"},
		{"consent_required", "", "", "prompt=consent"},
	}
	for _, tt := range tests {
		h := report.Hop{N: 4, Source: report.SourceCallback, Role: report.RoleCallback, Params: map[string]string{"state": "s", "error": tt.code, "error_description": tt.desc}}
		fs := Compare(sent, []report.Hop{h})
		if len(fs) != 1 || fs[0].Code != report.CodeAuthorizeError {
			t.Fatalf("%s: findings %+v, want authorize.error", tt.desc, fs)
		}
		if fs[0].Detail["aadsts"] != tt.wantNum || !strings.Contains(fs[0].Hint, tt.wantHint) {
			t.Errorf("%q: aadsts %q hint %q; want %q and a hint saying %q", tt.desc, fs[0].Detail["aadsts"], fs[0].Hint, tt.wantNum, tt.wantHint)
		}
	}
}

// Entra's sign-in page answers errors with HTTP 200: a number authtrace
// does not know, in the page's text or only in its $Config, is still a
// refusal in Entra's words.
func TestEntraPage200UnknownNumber(t *testing.T) {
	for name, body := range map[string]string{
		"in the text":    `<html><body><div id="errorText">AADSTS53003: Access has been blocked by Conditional Access policies.</div></body></html>`,
		"in the $Config": `<html><head><title>Sign in to your account</title></head><body><script>$Config={"iErrorCode":53003,"strServiceExceptionMessage":"AADSTS53003: Access has been blocked by Conditional Access policies."}</script></body></html>`,
	} {
		_, f := ReadPage(map[string]string{}, report.Hop{N: 2, Status: 200, Params: map[string]string{}}, "text/html", []byte(body))
		if f == nil || f.Code != report.CodePageError || f.Detail["aadsts"] != "53003" || !strings.Contains(f.Hint, "error?code=53003") {
			t.Errorf("%s: %+v", name, f)
		}
	}
	// A sign-in page without an error says nothing.
	if _, f := ReadPage(map[string]string{}, report.Hop{N: 2, Status: 200, Params: map[string]string{}}, "text/html", []byte(`<html><body><script>$Config={"iErrorCode":0}</script>Sign in</body></html>`)); f != nil {
		t.Errorf("a plain sign-in page: %+v", f)
	}
}
