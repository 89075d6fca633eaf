package decode

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

func TestParseMetadata(t *testing.T) {
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
		_, err := ParseMetadata([]byte(tt.body), AuthorizationEndpoint, TokenEndpoint)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("ParseMetadata(%s): %v", tt.body, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParseMetadata(%s) = %v, want an error about %s", tt.body, err, tt.wantErr)
		}
	}
}

// FuzzParseMetadata: whatever a provider serves, either an error or
// endpoints authtrace can use.
func FuzzParseMetadata(f *testing.F) {
	f.Add([]byte(`{"authorization_endpoint":"https://idp/a","token_endpoint":"https://idp/t","jwks_uri":"k"}`))
	f.Add([]byte(`{"token_endpoint":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := ParseMetadata(body, AuthorizationEndpoint, TokenEndpoint)
		if err != nil {
			return
		}
		for _, u := range []string{d.AuthorizationEndpoint, d.TokenEndpoint} {
			if !usableURL(u) {
				t.Fatalf("accepted unusable endpoint %q", u)
			}
		}
		if d.JWKSURI != "" && !usableURL(d.JWKSURI) {
			t.Fatalf("kept unusable jwks_uri %q", d.JWKSURI)
		}
	})
}

func usableURL(raw string) bool {
	_, err := ParseHTTPURL(raw)
	return err == nil
}

// TestFetchMetadata: one document, its failures typed and naming it; the
// RFC 8414 document when there is no OpenID Connect one.
func TestFetchMetadata(t *testing.T) {
	var gotUA string
	mux := http.NewServeMux()
	var srv *httptest.Server
	serve := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			gotUA = r.Header.Get("User-Agent")
			fmt.Fprint(w, strings.ReplaceAll(body, "SRV", srv.URL))
		}
	}
	mux.HandleFunc("GET /oidc"+WellKnownOpenID, serve(`{"issuer":"SRV/oidc","authorization_endpoint":"SRV/a","token_endpoint":"SRV/t","jwks_uri":"SRV/k"}`))
	mux.HandleFunc("GET /oauth"+WellKnownOAuth, serve(`{"issuer":"SRV/oauth","jwks_uri":"SRV/oauth-keys"}`))
	mux.HandleFunc("GET /badkeys"+WellKnownOpenID, serve(`{"jwks_uri":"keys.json"}`))
	srv = httptest.NewServer(mux)
	defer srv.Close()
	ctx := context.Background()

	m, err := FetchMetadata(ctx, srv.Client(), srv.URL+"/oidc"+WellKnownOpenID, AuthorizationEndpoint, TokenEndpoint)
	if want := (Metadata{Issuer: srv.URL + "/oidc", AuthorizationEndpoint: srv.URL + "/a", TokenEndpoint: srv.URL + "/t", JWKSURI: srv.URL + "/k"}); err != nil || !reflect.DeepEqual(m, want) {
		t.Errorf("FetchMetadata = %+v, %v; want %+v", m, err, want)
	}
	if gotUA != UserAgent {
		t.Errorf("User-Agent %q, want %q", gotUA, UserAgent)
	}
	var fe *FetchError
	if _, err := FetchMetadata(ctx, srv.Client(), srv.URL+"/none"+WellKnownOpenID); !errors.As(err, &fe) || fe.Status != http.StatusNotFound || fe.URL != srv.URL+"/none"+WellKnownOpenID {
		t.Errorf("FetchMetadata of a missing document: %v, want a FetchError with status 404 and its URL", err)
	}
	var me *MetadataError
	var ue *URLError
	if _, err := FetchMetadata(ctx, srv.Client(), srv.URL+"/oauth"+WellKnownOAuth, TokenEndpoint); !errors.As(err, &me) || me.Member != TokenEndpoint || me.Err != nil || err.Error() != srv.URL+"/oauth"+WellKnownOAuth+" lacks token_endpoint" {
		t.Errorf("FetchMetadata without a needed member: %v, want a MetadataError naming the document and the member", err)
	}
	if _, err := FetchMetadata(ctx, srv.Client(), srv.URL+"/badkeys"+WellKnownOpenID, JWKSURI); !errors.As(err, &me) || me.Member != JWKSURI || !errors.As(err, &ue) || ue.Problem != URLNoScheme {
		t.Errorf("FetchMetadata with a relative jwks_uri: %v, want a MetadataError wrapping the URLError", err)
	}

	if got, err := DiscoverJWKS(ctx, srv.Client(), srv.URL+"/oauth"); err != nil || got != srv.URL+"/oauth-keys" {
		t.Errorf("DiscoverJWKS of an RFC 8414 server = %q, %v; want its jwks_uri", got, err)
	}
	if _, err := DiscoverJWKS(ctx, srv.Client(), srv.URL+"/badkeys"); err == nil || !strings.Contains(err.Error(), `has an unusable jwks_uri: "keys.json" has no scheme`) {
		t.Errorf("DiscoverJWKS with a relative jwks_uri: %v, want it named", err)
	}
}
