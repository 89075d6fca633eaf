package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"

	"github.com/authtrace/authtrace/report"
)

// protectedAPI is an API on 127.0.0.1 that validates bearer tokens as a
// real one does: signed with a key of the provider's JWKS, issued by the
// provider, for audience aud, not expired. It answers 200, or 401 with an
// RFC 6750 challenge saying why.
func protectedAPI(t *testing.T, p *provider, aud string) *httptest.Server {
	t.Helper()
	resp, err := http.Get(p.URL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	err = json.NewDecoder(resp.Body).Decode(&meta)
	resp.Body.Close()
	if err != nil || meta.JWKSURI == "" {
		t.Fatalf("discovery: %v %+v", err, meta)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	kf, err := keyfunc.NewDefaultCtx(ctx, []string{meta.JWKSURI})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, ok := bearerOf(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		tok, err := jwt.Parse(raw, kf.Keyfunc, jwt.WithAudience(aud), jwt.WithIssuer(meta.Issuer), jwt.WithExpirationRequired())
		if err != nil {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="api", error="invalid_token", error_description=%q`, err.Error()))
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		sub, _ := tok.Claims.GetSubject()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"sub": sub})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func bearerOf(r *http.Request) (string, bool) {
	const prefix = "Bearer "
	h := r.Header.Get("Authorization")
	if len(h) <= len(prefix) || h[:len(prefix)] != prefix {
		return "", false
	}
	return h[len(prefix):], true
}

// TestCallAPI logs in to the real provider with --call to an API that
// validates its tokens: accepted with the audience the API checks, before
// and after the refresh; refused, with the audience named as the cause,
// when the API wants another.
func TestCallAPI(t *testing.T) {
	p := theProvider(t)
	authtrace := authtraceBin(t)
	browser := browserBin(t)
	ours := protectedAPI(t, p, api)
	other := protectedAPI(t, p, "https://other.acme.test")
	for _, sc := range []scenario{
		{
			name:      "the API accepts the token for its audience",
			scope:     "openid offline_access api:read",
			params:    []string{"prompt=consent", "resource=" + api},
			args:      []string{"--call", ours.URL + "/me", "--call-after-refresh"},
			wantCodes: []string{report.CodeAPIAccepted},
			wantExit:  0,
			check: func(t *testing.T, rep report.Report) {
				if len(rep.Calls) != 2 || rep.Calls[0].Response == nil || rep.Calls[0].Response.Status != 200 || rep.Calls[1].Token != "refresh" {
					t.Errorf("calls %+v, want the login's and the refreshed token accepted", rep.Calls)
				}
			},
		},
		{
			name:      "the API wants another audience",
			scope:     "openid offline_access api:read",
			params:    []string{"prompt=consent", "resource=" + api},
			args:      []string{"--call", other.URL + "/me"},
			wantCodes: []string{report.CodeAPIRejected},
			wantExit:  1,
			check: func(t *testing.T, rep report.Report) {
				wantDetail(t, rep, report.CodeAPIRejected, "cause", "audience")
				wantDetail(t, rep, report.CodeAPIRejected, "error", "invalid_token")
			},
		},
		{
			name:      "an opaque token, no resource asked for",
			scope:     "openid offline_access",
			params:    []string{"prompt=consent"},
			args:      []string{"--call", ours.URL + "/me"},
			wantCodes: []string{report.CodeAccessTokenOpaque, report.CodeAPIRejected},
			wantExit:  1,
			check: func(t *testing.T, rep report.Report) {
				wantDetail(t, rep, report.CodeAPIRejected, "cause", "opaque")
			},
		},
	} {
		t.Run(sc.name, func(t *testing.T) {
			checkScenario(t, sc, runScenario(t, p, authtrace, browser, sc))
		})
	}
}
