package flow

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/report"
)

// jwksFixture serves a JWK Set with one RSA key (kid r1) at /jwks, and
// 404 elsewhere; it counts the JWKS requests.
type jwksFixture struct {
	srv     *httptest.Server
	key     *rsa.PrivateKey
	fetches atomic.Int32
}

func newJWKSFixture(t *testing.T) *jwksFixture {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.RawURLEncoding
	set, _ := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "kid": "r1", "alg": "RS256", "use": "sig",
		"n": b64.EncodeToString(key.PublicKey.N.Bytes()), "e": b64.EncodeToString([]byte{1, 0, 1}),
	}}})
	f := &jwksFixture{key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		f.fetches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write(set)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *jwksFixture) sign(t *testing.T, key *rsa.PrivateKey, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = "r1"
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCheckTokensKeys: the engine checks signatures with the JWKS it was
// given (fetched once for all tokens), and an HS* ID token with the
// client secret; keys it cannot have are logged once and a token it
// cannot verify passes silently.
func TestCheckTokensKeys(t *testing.T) {
	fx := newJWKSFixture(t)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	claims := func(aud string) jwt.MapClaims {
		return jwt.MapClaims{"iss": "https://fake.example/", "aud": aud, "sub": "ada", "nonce": "n-1", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	}
	hs := func(key string) string {
		s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims("app")).SignedString([]byte(key))
		return s
	}
	rsAccess := fx.sign(t, fx.key, claims("https://api.fake.example"))
	rsID := fx.sign(t, fx.key, claims("app"))
	tests := []struct {
		name        string
		jwks        string
		secret      string
		resp        tokenResponse
		wantCodes   []string
		wantTokens  []string // the Token of each finding
		wantLogs    []string // log texts, each matched by prefix
		wantFetches int32
		wantVerify  []string // each token's verification, as the Tokens view shows it
	}{
		{name: "RS256 tokens verified with one fetch", jwks: fx.srv.URL + "/jwks", resp: tokenResponse{AccessToken: rsAccess, IDToken: rsID}, wantFetches: 1,
			wantVerify: []string{"verified (RS256, kid r1, JWKS " + fx.srv.URL + "/jwks)", "verified (RS256, kid r1, JWKS " + fx.srv.URL + "/jwks)"}},
		{name: "signed by another key", jwks: fx.srv.URL + "/jwks", resp: tokenResponse{AccessToken: fx.sign(t, other, claims("https://api.fake.example"))},
			wantCodes: []string{report.CodeJWTSignatureInvalid}, wantTokens: []string{"access_token"}, wantFetches: 1,
			wantVerify: []string{"failed: the RS256 signature does not verify with the key from " + fx.srv.URL + "/jwks"}},
		{name: "no JWKS: not checked", resp: tokenResponse{AccessToken: fx.sign(t, other, claims("https://api.fake.example"))},
			wantVerify: []string{"not checked: no JWKS: the provider's keys are known only through issuer discovery"}},
		{name: "JWKS not found: logged once", jwks: fx.srv.URL + "/gone", resp: tokenResponse{AccessToken: rsAccess, IDToken: rsID},
			wantLogs:   []string{"signatures not checked: fetch JWKS: GET " + fx.srv.URL + "/gone: status 404 Not Found"},
			wantVerify: []string{"not checked: cannot fetch the JWKS: status 404 Not Found", "not checked: cannot fetch the JWKS: status 404 Not Found"}},
		{name: "HS256 ID token with the client secret", secret: "s3cret", resp: tokenResponse{IDToken: hs("s3cret")},
			wantVerify: []string{"verified (HS256, client secret)"}},
		{name: "HS256 ID token with another secret", secret: "s3cret", jwks: fx.srv.URL + "/jwks", resp: tokenResponse{IDToken: hs("other")},
			wantCodes: []string{report.CodeJWTSignatureInvalid}, wantTokens: []string{"id_token"}},
		{name: "HS256 access token and a JWKS without its key", secret: "s3cret", jwks: fx.srv.URL + "/jwks", resp: tokenResponse{AccessToken: hs("s3cret")}, wantFetches: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fx.fetches.Load()
			var logs []string
			r := newRunner(Config{ClientID: "app", ClientSecret: tt.secret, JWKSURL: tt.jwks, HTTPClient: fx.srv.Client()}, func(e Event) {
				if e.Kind == EventLog {
					logs = append(logs, e.Text)
				}
			}, "login")
			r.rep.Profile.Nonce = "n-1"
			r.checkTokens(context.Background(), tt.resp)
			var gotCodes, gotTokens []string
			for _, f := range r.rep.Findings {
				if strings.HasPrefix(f.Code, "jwt.signature") || f.Code == report.CodeJWTKidUnknown {
					gotCodes, gotTokens = append(gotCodes, f.Code), append(gotTokens, f.Token)
				}
			}
			if strings.Join(gotCodes, ",") != strings.Join(tt.wantCodes, ",") || strings.Join(gotTokens, ",") != strings.Join(tt.wantTokens, ",") {
				t.Errorf("signature findings %v on %v, want %v on %v\n%s", gotCodes, gotTokens, tt.wantCodes, tt.wantTokens, describe(r.rep))
			}
			if len(logs) != len(tt.wantLogs) {
				t.Fatalf("logs %q, want %q", logs, tt.wantLogs)
			}
			for i, want := range tt.wantLogs {
				if !strings.HasPrefix(logs[i], want) {
					t.Errorf("log %q, want %q", logs[i], want)
				}
			}
			var gotVerify []string
			for _, tok := range r.rep.Tokens {
				if tok.Verification != nil {
					gotVerify = append(gotVerify, tok.Verification.Line())
				}
			}
			if tt.wantVerify != nil {
				if diff := cmp.Diff(tt.wantVerify, gotVerify); diff != "" {
					t.Errorf("verifications (-want +got):\n%s", diff)
				}
			}
			if got := fx.fetches.Load() - before; got != tt.wantFetches {
				t.Errorf("%d JWKS fetches, want %d", got, tt.wantFetches)
			}
		})
	}
}

// TestInLoginExpiredOnArrival: a token this login was just given that is
// past its lifetime points at a clock, not at a missed refresh; one that
// ran out moments ago keeps decode's words.
func TestInLoginExpiredOnArrival(t *testing.T) {
	expired := func(exp, now, life string) report.Finding {
		return report.Finding{Code: report.CodeJWTExpired, Message: "expired", Hint: "Get a new token",
			Detail: map[string]string{"exp": exp, "now": now, "lifetime": life}}
	}
	f := inLogin(expired("2026-12-03T14:00:00Z", "2026-12-03T16:00:00Z", "1h0m0s"))
	if !strings.Contains(f.Message, "arrived already expired") || !strings.Contains(f.Hint, "by about 3h") || !strings.Contains(f.Hint, "Sync the clocks") {
		t.Errorf("expired on arrival: %q / %q", f.Message, f.Hint)
	}
	for _, f := range []report.Finding{
		expired("2026-12-03T15:59:30Z", "2026-12-03T16:00:00Z", "1h0m0s"),
		expired("2026-12-03T14:00:00Z", "2026-12-03T16:00:00Z", ""),
	} {
		if got := inLogin(f); got.Hint != "Get a new token" {
			t.Errorf("%v: hint rewritten to %q", f.Detail, got.Hint)
		}
	}
}
