package flow

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/report"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatalf("url.Parse(%q): %v", s, err)
	}
	return u
}

func TestHopParams(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want map[string]string
	}{
		{
			name: "authorize request",
			url:  "https://acme.auth0.com/authorize?response_type=code&client_id=abc&redirect_uri=https%3A%2F%2Fglobal.consent.azure-apim.net%2Fredirect&scope=openid%20offline_access&state=" + url.QueryEscape(platformState) + "&audience=https%3A%2F%2Fapi.acme.com&code_challenge=xyz&nonce=n",
			want: map[string]string{
				"response_type": "code", "client_id": "abc", "redirect_uri": ppRedirect1,
				"scope": "openid offline_access", "state": platformState, "audience": "https://api.acme.com",
			},
		},
		{
			name: "empty value kept",
			url:  "https://idp.example/authorize?client_id=abc&response_type=code&prompt=&organization=org_1",
			want: map[string]string{"client_id": "abc", "response_type": "code", "prompt": "", "organization": "org_1"},
		},
		{
			name: "first of repeated values",
			url:  "https://idp.example/authorize?state=one&state=two",
			want: map[string]string{"state": "one"},
		},
		{
			name: "callback with error",
			url:  "http://127.0.0.1:8080/callback?error=access_denied&error_description=Service%20not%20found%3A%20https%3A%2F%2Fapi&state=s1",
			want: map[string]string{"error": "access_denied", "error_description": "Service not found: https://api", "state": "s1"},
		},
		{
			name: "fragment response mode",
			url:  "http://127.0.0.1:8080/callback#code=c1&state=s%2B1",
			want: map[string]string{"code": "c1", "state": "s+1"},
		},
		{
			name: "query wins over fragment",
			url:  "http://127.0.0.1:8080/callback?state=q#state=f&code=c",
			want: map[string]string{"state": "q", "code": "c"},
		},
		{
			name: "spa route fragment ignored",
			url:  "https://app.example/#/login",
			want: map[string]string{},
		},
		{
			name: "bad escape keeps the rest",
			url:  "https://idp.example/authorize?client_id=abc&x=%zz&state=s",
			want: map[string]string{"client_id": "abc", "state": "s"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &url.URL{}
			if !strings.Contains(tt.url, "%zz") {
				u = mustURL(t, tt.url)
			} else {
				// url.Parse rejects a bad escape; build the URL by hand, as
				// a HAR import would.
				base, q, _ := strings.Cut(tt.url, "?")
				u = mustURL(t, base)
				u.RawQuery = q
			}
			got := HopParams(u)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("HopParams(%q) mismatch (-want +got):\n%s", tt.url, diff)
			}
		})
	}
}

func TestHopRole(t *testing.T) {
	const redirect = "http://127.0.0.1:8080/callback"
	tests := []struct {
		name     string
		url      string
		status   int
		redirect string
		want     report.Role
	}{
		{"callback with code", "http://127.0.0.1:8080/callback?code=c&state=s", 0, redirect, report.RoleCallback},
		{"callback host case", "http://127.0.0.1:8080/callback", 200, "HTTP://127.0.0.1:8080/callback", report.RoleCallback},
		{"callback default port written", "https://global.consent.azure-apim.net:443/redirect?code=c", 302, ppRedirect1, report.RoleCallback},
		{"localhost is not 127.0.0.1", "http://localhost:8080/callback?code=c", 0, redirect, report.RoleProvider},
		{"::1 is not 127.0.0.1", "http://[::1]:8080/callback?code=c", 0, redirect, report.RoleProvider},
		{"other port", "http://127.0.0.1:8081/callback?code=c", 0, redirect, report.RoleProvider},
		{"trailing slash is another path", "http://127.0.0.1:8080/callback/?code=c", 0, redirect, report.RoleProvider},
		{"authorize", "https://acme.auth0.com/authorize?client_id=a&response_type=code", 302, redirect, report.RoleAuthorize},
		{"authorize answering 400 stays authorize", "http://127.0.0.1:3000/auth?client_id=a&response_type=code", 400, redirect, report.RoleAuthorize},
		{"error page", "https://acme.auth0.com/login?state=x", 400, redirect, report.RoleErrorPage},
		{"server error", "https://idp.example/oops", 503, redirect, report.RoleErrorPage},
		{"login page", "https://acme.auth0.com/u/login?state=hKFo2", 200, redirect, report.RoleProvider},
		{"interaction redirect", "http://127.0.0.1:3000/interaction/abc", 303, redirect, report.RoleProvider},
		{"client_id alone is not authorize", "https://idp.example/login?client_id=a", 200, redirect, report.RoleProvider},
		{"no redirect uri configured", "http://127.0.0.1:8080/callback?code=c", 0, "", report.RoleProvider},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := HopRole(mustURL(t, tt.url), tt.status, tt.redirect)
			if got != tt.want {
				t.Errorf("HopRole(%q, %d, %q) = %q, want %q", tt.url, tt.status, tt.redirect, got, tt.want)
			}
		})
	}
	if got := HopRole(nil, 200, redirect); got != report.RoleOther {
		t.Errorf("HopRole(nil) = %q, want %q", got, report.RoleOther)
	}
}

func FuzzHopParams(f *testing.F) {
	f.Add("https://idp.example/authorize?client_id=a&response_type=code&state=s%2B1&prompt=")
	f.Add("http://127.0.0.1:8080/callback#code=c&state=s")
	f.Add("http://127.0.0.1:8080/callback?code=c&code=d;x=%zz")
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		params := HopParams(u)
		for k := range params {
			found := false
			for _, n := range hopParamNames {
				found = found || n == k
			}
			if !found {
				t.Fatalf("HopParams(%q) has %q, not one of the names that matter", raw, k)
			}
		}
		_ = HopRole(u, 400, raw)
		if HopRole(u, 200, raw) != report.RoleCallback && u.IsAbs() && u.Host != "" && u.Opaque == "" {
			t.Fatalf("HopRole(%q) with itself as the redirect URI is not callback", raw)
		}
	})
}
