package flow

import (
	"strings"
	"testing"
)

func TestParseDiscovery(t *testing.T) {
	tests := []struct {
		body, wantErr string
	}{
		{`{"issuer":"https://idp","authorization_endpoint":"https://idp/a","token_endpoint":"https://idp/t","jwks_uri":"https://idp/k"}`, ""},
		{`<html>`, "not JSON"},
		{`{"authorization_endpoint":"https://idp/a"}`, "token_endpoint"},
		{`{"authorization_endpoint":"/a","token_endpoint":"https://idp/t"}`, "authorization_endpoint"},
		{`{"authorization_endpoint":"javascript:x","token_endpoint":"https://idp/t"}`, "authorization_endpoint"},
	}
	for _, tt := range tests {
		_, err := parseDiscovery([]byte(tt.body))
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("parseDiscovery(%s): %v", tt.body, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("parseDiscovery(%s) = %v, want an error about %s", tt.body, err, tt.wantErr)
		}
	}
}

// FuzzParseDiscovery: whatever a provider serves, either an error or
// endpoints authtrace can use.
func FuzzParseDiscovery(f *testing.F) {
	f.Add([]byte(`{"authorization_endpoint":"https://idp/a","token_endpoint":"https://idp/t","jwks_uri":"k"}`))
	f.Add([]byte(`{"token_endpoint":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := parseDiscovery(body)
		if err != nil {
			return
		}
		for _, u := range []string{d.AuthorizationEndpoint, d.TokenEndpoint} {
			if CheckURL("x", u) != nil {
				t.Fatalf("accepted unusable endpoint %q", u)
			}
		}
		if d.JWKSURI != "" && CheckURL("x", d.JWKSURI) != nil {
			t.Fatalf("kept unusable jwks_uri %q", d.JWKSURI)
		}
	})
}
