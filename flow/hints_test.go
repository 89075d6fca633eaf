package flow

import (
	"strings"
	"testing"

	"github.com/authtrace/authtrace/report"
)

func TestProviderOf(t *testing.T) {
	tests := map[string]string{
		"acme.us.auth0.com":             "auth0",
		"https://acme.auth0.com/":       "auth0",
		"notauth0.com":                  "",
		"dev-1.okta.com":                "okta",
		"accounts.google.com":           "google",
		"login.microsoftonline.com:443": "entra",
		"contoso.ciamlogin.com":         "entra",
		"127.0.0.1:3000":                "",
		"":                              "",
	}
	for host, want := range tests {
		if got := providerOf(host); got != want {
			t.Errorf("providerOf(%q) = %q, want %q", host, got, want)
		}
	}
}

// A refused redirect URI's hint names the very URI the provider was given
// and where to register it: authtrace's loopback one next to the
// connector's, never the platform's in its place.
func TestRedirectRejectedHintNamesTheURISent(t *testing.T) {
	loop := "http://127.0.0.1:53682/callback"
	page := "<h2>Callback URL mismatch.</h2><p>The provided redirect_uri is not in the list of allowed callback URLs.</p>"
	tests := []struct {
		name      string
		sent      map[string]string
		hop       report.Hop
		want      []string
		wantNotIn string
	}{
		{
			name: "loopback sent, page on the authorize hop",
			sent: map[string]string{"redirect_uri": loop},
			hop:  report.Hop{N: 2, Status: 400, Params: map[string]string{"redirect_uri": loop}},
			want: []string{loop, "Allowed Callback URLs", "next to the connector's own"},
		},
		{
			name: "loopback sent, page after a redirect without params",
			sent: map[string]string{"redirect_uri": loop},
			hop:  report.Hop{N: 3, Status: 400},
			want: []string{loop, "the loopback redirect URI that was sent"},
		},
		{
			name: "a proxy changed it: register the sent one, fix the proxy",
			sent: map[string]string{"redirect_uri": loop},
			hop:  report.Hop{N: 2, Status: 400, Params: map[string]string{"redirect_uri": loop + "/"}},
			want: []string{"Register " + loop + ",", "given " + loop + "/", "pass redirect_uri through unchanged"},
		},
		{
			name:      "the platform's",
			sent:      map[string]string{"redirect_uri": PowerPlatformRedirectURI + "/abc"},
			hop:       report.Hop{N: 2, Status: 400},
			want:      []string{PowerPlatformRedirectURI + "/abc", "Security tab"},
			wantNotIn: "loopback",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, f := ReadPage(tt.sent, tt.hop, "text/html", []byte(page))
			if f == nil || f.Code != report.CodeRedirectURIRejected {
				t.Fatalf("finding = %+v, want %s", f, report.CodeRedirectURIRejected)
			}
			for _, w := range tt.want {
				if !strings.Contains(f.Hint, w) {
					t.Errorf("hint %q does not have %q", f.Hint, w)
				}
			}
			if tt.wantNotIn != "" && strings.Contains(f.Hint, tt.wantNotIn) {
				t.Errorf("hint %q has %q", f.Hint, tt.wantNotIn)
			}
		})
	}
	// Entra's Web platform takes http:// for localhost only.
	if h := redirectRegisterHint("entra", loop, ""); !strings.Contains(h, "register http://localhost:53682/callback in") {
		t.Errorf("Entra hint for %s does not say to use localhost: %q", loop, h)
	}
	if h := redirectRegisterHint("entra", "http://localhost:53682/callback", ""); strings.Contains(h, "instead") {
		t.Errorf("Entra hint for a localhost URI says to change it: %q", h)
	}
	// The provider's error at the callback names the sent one too.
	h := authorizeErrorHint("invalid_request", "The redirect_uri is not registered", map[string]string{"redirect_uri": loop})
	if !strings.Contains(h, loop) {
		t.Errorf("authorize error hint %q does not name %s", h, loop)
	}
}
