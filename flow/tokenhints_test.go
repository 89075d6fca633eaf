package flow

import (
	"strings"
	"testing"

	"github.com/authtrace/authtrace/report"
)

func TestRefreshMissingFinding(t *testing.T) {
	tests := []struct {
		name      string
		scope     string
		params    map[string]string
		host      string
		wantCause string
		wantSev   report.Severity
		wantHint  []string
	}{
		{"auth0 not requested", "openid profile", nil, "acme.us.auth0.com", refreshCauseNotRequested, report.SeverityError,
			[]string{"Add offline_access to the Scope field", "Allow Offline Access", "Refresh Token"}},
		{"auth0 withheld", "openid offline_access", map[string]string{"audience": "https://api"}, "acme.eu.auth0.com", refreshCauseWithheld, report.SeverityError,
			[]string{"Allow Offline Access", "Grant Types"}},
		{"okta withheld", "openid offline_access", nil, "dev-123.okta.com", refreshCauseWithheld, report.SeverityError,
			[]string{"Refresh Token grant type"}},
		{"okta preview", "openid", nil, "acme.oktapreview.com:443", refreshCauseNotRequested, report.SeverityError,
			[]string{"offline_access", "Refresh Token grant type"}},
		{"google without access_type", "openid email offline_access", nil, "accounts.google.com", refreshCauseNotRequested, report.SeverityError,
			[]string{"access_type=offline&prompt=consent"}},
		{"google without prompt", "openid email", map[string]string{"access_type": "offline"}, "accounts.google.com", refreshCauseWithheld, report.SeverityError,
			[]string{"prompt=consent"}},
		{"entra", "api://abc/access_as_user", nil, "login.microsoftonline.com", refreshCauseNotRequested, report.SeverityError,
			[]string{"offline_access", "api://<app-id>/access_as_user offline_access"}},
		{"oidc-provider without prompt", "openid offline_access", map[string]string{"resource": "https://api"}, "127.0.0.1:3000", refreshCauseWithheld, report.SeverityError,
			[]string{"oidc-provider", "prompt=consent"}},
		{"other with prompt", "openid offline_access", map[string]string{"prompt": "consent"}, "idp.example", refreshCauseWithheld, report.SeverityError,
			[]string{"refresh_token grant"}},
		{"scope from params", "", map[string]string{"scope": "offline_access"}, "idp.example", refreshCauseWithheld, report.SeverityError, nil},
		{"offline_access as a substring does not count", "openid my_offline_access_x", nil, "idp.example", refreshCauseNotRequested, report.SeverityError,
			[]string{"Refresh URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := refreshMissingFinding(tt.scope, tt.params, tt.host)
			if f.Code != report.CodeRefreshTokenMissing || f.Detail["cause"] != tt.wantCause || f.Severity != tt.wantSev {
				t.Errorf("refreshMissingFinding() = %s cause %q severity %s, want %s cause %q severity %s",
					f.Code, f.Detail["cause"], f.Severity, report.CodeRefreshTokenMissing, tt.wantCause, tt.wantSev)
			}
			for _, w := range tt.wantHint {
				if !strings.Contains(f.Hint, w) {
					t.Errorf("Hint = %q, want it to contain %q", f.Hint, w)
				}
			}
			if f.Message == "" || f.Hint == "" || f.Token != "refresh_token" {
				t.Errorf("finding = %+v, want a message, a hint and Token refresh_token", f)
			}
		})
	}
}

func TestTokenErrorHint(t *testing.T) {
	tests := []struct {
		name    string
		err     *OAuthError
		refresh bool
		want    []string
	}{
		{"invalid_client", &OAuthError{Code: "invalid_client", Status: 401}, false, []string{"Client secret", "form body first, then as an HTTP Basic header", "Client Secret (Post)", "client authentication set to post, then to basic"}},
		{"Entra bad secret", &OAuthError{Code: "invalid_client", Description: "AADSTS7000215: Invalid client secret provided."}, false, []string{"Value (not its Secret ID)"}},
		{"invalid_grant exchange", &OAuthError{Code: "invalid_grant"}, false, []string{"already used or expired", "redirect_uri", "code_verifier"}},
		{"invalid_grant PKCE", &OAuthError{Code: "invalid_grant", Description: "PKCE verification failed"}, false, []string{"code_verifier does not match"}},
		{"invalid_grant redirect", &OAuthError{Code: "invalid_grant", Description: "redirect_uri mismatch"}, false, []string{"redirect_uri differs"}},
		{"invalid_grant reused code", &OAuthError{Code: "invalid_grant", Description: "AADSTS54005: OAuth2 Authorization code was already redeemed"}, false, []string{"already used"}},
		{"invalid_grant refresh", &OAuthError{Code: "invalid_grant"}, true, []string{"rotated and already used", "expired", "revoked", "fix connection"}},
		{"invalid_grant refresh reuse", &OAuthError{Code: "invalid_grant", Description: "Unknown or invalid refresh token. (reuse detected)"}, true, []string{"Refresh Token Rotation", "Store the new refresh token"}},
		{"unauthorized_client refresh", &OAuthError{Code: "unauthorized_client"}, true, []string{"Grant Types > Refresh Token", "Grant type > Refresh Token"}},
		{"unauthorized_client exchange", &OAuthError{Code: "unauthorized_client"}, false, []string{"authorization_code grant"}},
		{"invalid_scope", &OAuthError{Code: "invalid_scope"}, false, []string{"Scope field"}},
		{"PKCE required", &OAuthError{Code: "invalid_request", Description: "PKCE required"}, false, []string{"requires PKCE", "sends no PKCE", "Regular Web Application"}},
		{"code_verifier missing (Okta)", &OAuthError{Code: "invalid_request", Description: "PKCE verification failed: code_verifier is required."}, false, []string{"requires PKCE"}},
		{"invalid_request otherwise", &OAuthError{Code: "invalid_request", Description: "grant_type missing"}, false, []string{"Token URL"}},
		{"no code", &OAuthError{Status: 500}, false, []string{"HTTP 500", "Token URL"}},
		{"unknown", &OAuthError{Code: "slow_down"}, false, []string{"error_description"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tokenErrorHint(tt.err, tt.refresh)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("tokenErrorHint(%+v, %v) = %q, want it to contain %q", tt.err, tt.refresh, got, w)
				}
			}
		})
	}
	if got := tokenErrorHint(nil, false); got != "" {
		t.Errorf("tokenErrorHint(nil) = %q, want empty", got)
	}
}

// TestNotJSONHintByStatus: an answer that is not JSON is read by its
// status: a 401 in plain text is a refused client, not a wrong URL.
func TestNotJSONHintByStatus(t *testing.T) {
	for status, want := range map[int]string{401: "authentication was refused", 403: "authentication was refused", 404: "not a token endpoint", 502: "failed on its side", 200: "web page"} {
		if h := notJSONHint(status); !strings.Contains(h, want) {
			t.Errorf("notJSONHint(%d) = %q, want %q in it", status, h, want)
		}
	}
}
