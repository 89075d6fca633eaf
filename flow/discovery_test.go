package flow

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestDiscoverWords: the login's discovery reads
// issuer/.well-known/openid-configuration only, and says what went wrong
// in DiscoveryError's words: the document's URL and what it answered, or,
// when nothing answered, the host alone.
func TestDiscoverWords(t *testing.T) {
	var gotUA string
	mux := http.NewServeMux()
	var srv *httptest.Server
	doc := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			gotUA = r.Header.Get("User-Agent")
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, strings.ReplaceAll(body, "SRV", srv.URL))
		}
	}
	mux.HandleFunc("GET /ok/.well-known/openid-configuration", doc(`{"issuer":"SRV/ok","authorization_endpoint":"SRV/a","token_endpoint":"SRV/t","jwks_uri":"SRV/k"}`))
	mux.HandleFunc("GET /badjwks/.well-known/openid-configuration", doc(`{"issuer":"SRV/ok","authorization_endpoint":"SRV/a","token_endpoint":"SRV/t","jwks_uri":"keys.json"}`))
	mux.HandleFunc("GET /html/.well-known/openid-configuration", doc(`<html>`))
	mux.HandleFunc("GET /notoken/.well-known/openid-configuration", doc(`{"authorization_endpoint":"SRV/a"}`))
	mux.HandleFunc("GET /relative/.well-known/openid-configuration", doc(`{"authorization_endpoint":"/a","token_endpoint":"SRV/t"}`))
	// An RFC 8414 server only: the login does not look there.
	mux.HandleFunc("GET /oauth/.well-known/oauth-authorization-server", doc(`{"issuer":"SRV/oauth","authorization_endpoint":"SRV/a","token_endpoint":"SRV/t"}`))
	mux.HandleFunc("GET /slow/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	srv = httptest.NewServer(mux)
	defer srv.Close()
	client := &http.Client{Timeout: 2 * time.Second}

	d, err := discover(context.Background(), client, srv.URL+"/ok/")
	if err != nil || d.Issuer != srv.URL+"/ok" || d.AuthorizationEndpoint != srv.URL+"/a" || d.TokenEndpoint != srv.URL+"/t" || d.JWKSURI != srv.URL+"/k" {
		t.Fatalf("discover = %+v, %v", d, err)
	}
	if gotUA != userAgent {
		t.Errorf("User-Agent %q, want %q", gotUA, userAgent)
	}
	if d, err := discover(context.Background(), client, srv.URL+"/badjwks"); err != nil || d.JWKSURI != "" {
		t.Errorf("an unusable jwks_uri: %+v, %v; want it dropped and the login to go on", d, err)
	}

	instead := "give the authorize URL and the token URL instead"
	wk := "/.well-known/openid-configuration"
	tests := []struct {
		name, issuer, want string
		status             int
	}{
		{"404", srv.URL + "/nowhere", "OIDC discovery: " + srv.URL + "/nowhere" + wk + " answered HTTP 404; check the issuer (it is the issuer URL without /.well-known/..., e.g. https://TENANT.auth0.com/), or " + instead, 404},
		{"only RFC 8414 metadata", srv.URL + "/oauth", "OIDC discovery: " + srv.URL + "/oauth" + wk + " answered HTTP 404; check the issuer", 404},
		{"HTML", srv.URL + "/html", "OIDC discovery: " + srv.URL + "/html" + wk + " is not JSON provider metadata: invalid character '<' looking for beginning of value; " + instead, 0},
		{"no token endpoint", srv.URL + "/notoken", "OIDC discovery: " + srv.URL + "/notoken" + wk + " lacks token_endpoint; " + instead, 0},
		{"relative endpoint", srv.URL + "/relative", "OIDC discovery: " + srv.URL + "/relative" + wk + ` has an unusable authorization_endpoint: "/a" has no scheme; give the whole URL, starting with https:// (or http:// for a server on this machine), for example https://example.auth0.com/authorize; ` + instead, 0},
		{"slow", srv.URL + "/slow", "OIDC discovery: " + strings.TrimPrefix(srv.URL, "http://") + " did not answer within 200ms (raise the request timeout if it is only slow); " + instead, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := client
			if tt.name == "slow" {
				c = &http.Client{Timeout: 200 * time.Millisecond}
			}
			_, err := discover(context.Background(), c, tt.issuer)
			var de *DiscoveryError
			if !errors.As(err, &de) {
				t.Fatalf("discover(%s) = %v, want a DiscoveryError", tt.issuer, err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) || de.Status != tt.status {
				t.Errorf("discover(%s) = %v (status %d), want %q (status %d)", tt.issuer, err, de.Status, tt.want, tt.status)
			}
		})
	}

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	_, err = discover(context.Background(), client, closed.URL+"/?tenant=secret")
	var de *DiscoveryError
	var opErr *net.OpError
	host := strings.TrimPrefix(closed.URL, "http://")
	if !errors.As(err, &de) || !strings.HasPrefix(err.Error(), "OIDC discovery: cannot connect to "+host+": ") || strings.Contains(err.Error(), "secret") || !errors.As(err, &opErr) {
		t.Errorf("discover of a closed port = %v, want the host named (not the URL) and the dial error wrapped", err)
	}

	var ce *ConfigError
	if _, err := discover(context.Background(), client, "idp.example.com"); !errors.As(err, &ce) || ce.Setting != SettingIssuer {
		t.Errorf("discover of an issuer without scheme = %v, want a ConfigError for the issuer", err)
	}
}
