package flow

import "testing"

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
