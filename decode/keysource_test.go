package decode

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/authtrace/authtrace/report"
)

// TestKeySource: which keys each token is checked with, and what is said
// when there are none.
func TestKeySource(t *testing.T) {
	k := keys(t)
	var requests atomic.Int32
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Write(k.jwksRaw)
	})
	mux.HandleFunc("GET /idp"+WellKnownOpenID, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		fmt.Fprintf(w, `{"issuer":%q,"jwks_uri":%q}`, srv.URL+"/idp", srv.URL+"/jwks")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.NotFound(w, r)
	})
	srv = httptest.NewServer(mux)
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(file, k.jwksRaw, 0o600); err != nil {
		t.Fatal(err)
	}
	oct := filepath.Join(t.TempDir(), "oct.json")
	if err := os.WriteFile(oct, fmt.Appendf(nil, `{"keys":[{"kty":"oct","kid":"s1","k":%q}]}`, b64.EncodeToString(k.hs)), 0o600); err != nil {
		t.Fatal(err)
	}
	rs := func(iss string) string {
		return signWith(t, jwt.SigningMethodRS256, k.rsa, `{"alg":"RS256","kid":"rsa1"}`, claimsJSON(`"iss":"`+iss+`"`))
	}
	hs := func(secret []byte) string {
		return signWith(t, jwt.SigningMethodHS256, secret, `{"alg":"HS256"}`, `{"iss":"https://idp.example.org"}`)
	}
	client := []byte("the-client-secret")
	cases := []struct {
		name     string
		src      KeySource
		token    string
		kind     string
		source   string // the keys used; "" when none
		code     string // a finding's code; "" for a valid signature
		reason   string // the UnverifiableError's reason, when it cannot verify
		requests int32
	}{
		{name: "HS256 with the secret", src: KeySource{Secret: k.hs}, token: hs(k.hs), source: "secret"},
		{name: "HS256 with another secret", src: KeySource{Secret: []byte("other")}, token: hs(k.hs), source: "secret", code: report.CodeJWTSignatureInvalid},
		{name: "HS256 ID token with the client secret", src: KeySource{Secret: []byte("other"), ClientSecret: client}, token: hs(client), kind: KindID, source: "secret"},
		{name: "the client secret is for ID tokens only", src: KeySource{ClientSecret: client}, token: hs(client), kind: KindAccess, reason: "HS256 is signed with a shared secret, and none was given"},
		{name: "HS256 with an oct key", src: KeySource{JWKS: oct}, token: hs(k.hs), source: oct},
		{name: "HS256 with a JWKS without oct", src: KeySource{JWKS: file}, token: hs(k.hs), reason: "HS256 is signed with a shared secret, and none was given"},
		{name: "RS256 with a JWKS file", src: KeySource{JWKS: file, Secret: k.hs}, token: rs("x"), source: file},
		{name: "RS256 with a JWKS URL", src: KeySource{JWKS: srv.URL + "/jwks"}, token: rs("x"), source: srv.URL + "/jwks", requests: 1},
		{name: "RS256 through iss", src: KeySource{Discover: true}, token: rs(srv.URL + "/idp"), source: srv.URL + "/jwks", requests: 2},
		{name: "RS256 without keys", src: KeySource{}, token: rs(srv.URL + "/idp"), reason: "no keys given"},
		{name: "RS256 without iss", src: KeySource{Discover: true}, token: signWith(t, jwt.SigningMethodRS256, k.rsa, `{"alg":"RS256"}`, `{}`), reason: "the token has no iss to find its keys from"},
		{name: "discovery fails", src: KeySource{Discover: true}, token: rs(srv.URL + "/gone"), reason: "discover JWKS of " + srv.URL + "/gone: GET " + srv.URL + "/gone" + WellKnownOpenID + ": status 404 Not Found; GET " + srv.URL + "/gone" + WellKnownOAuth + ": status 404 Not Found", requests: 2},
		{name: "opaque: no request", src: KeySource{Discover: true}, token: "opaque-token", reason: "the token is opaque"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := Parse(tc.token)
			if err != nil {
				t.Fatal(err)
			}
			src := tc.src
			src.Client = srv.Client()
			before := requests.Load()
			used, fs, err := src.Verify(context.Background(), tok, tc.kind)
			var ue *UnverifiableError
			switch {
			case tc.reason != "":
				if !errors.As(err, &ue) || ue.Reason != tc.reason || !errors.Is(err, ErrNotVerifiable) {
					t.Errorf("Verify error = %v, want an UnverifiableError with reason %q", err, tc.reason)
				}
			case err != nil:
				t.Errorf("Verify error = %v", err)
			case used == nil || used.Source != tc.source:
				t.Errorf("keys used = %+v, want %s", used, tc.source)
			}
			var codes []string
			for _, f := range fs {
				codes = append(codes, f.Code)
			}
			if strings.Join(codes, ",") != tc.code {
				t.Errorf("findings %v, want %q", codes, tc.code)
			}
			if got := requests.Load() - before; got != tc.requests {
				t.Errorf("%d requests, want %d", got, tc.requests)
			}
		})
	}
}

// TestKeySourceOnce: each set is read once and each issuer discovered
// once, failures included; a failed discovery wraps its cause, and a JWKS
// given that cannot be read is its own error, not "cannot verify".
func TestKeySourceOnce(t *testing.T) {
	k := keys(t)
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.URL.Path == "/jwks" {
			w.Write(k.jwksRaw)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	ctx := context.Background()
	rs := func(iss string) *Token {
		tok, _ := Parse(signWith(t, jwt.SigningMethodRS256, k.rsa, `{"alg":"RS256","kid":"rsa1"}`, claimsJSON(`"iss":"`+iss+`"`)))
		return tok
	}

	src := &KeySource{JWKS: srv.URL + "/jwks", Client: srv.Client()}
	for range 3 {
		if _, fs, err := src.Verify(ctx, rs("a"), KindAccess); err != nil || len(fs) != 0 {
			t.Fatalf("Verify = %v, %v", fs, err)
		}
	}
	if n := requests.Swap(0); n != 1 {
		t.Errorf("%d JWKS requests for three tokens, want 1", n)
	}

	src = &KeySource{Discover: true, Client: srv.Client()}
	for range 2 {
		_, _, err := src.Verify(ctx, rs(srv.URL), KindAccess)
		var fe *FetchError
		if !errors.Is(err, ErrNotVerifiable) || !errors.As(err, &fe) || fe.Status != http.StatusNotFound {
			t.Fatalf("Verify after a failed discovery = %v, want ErrNotVerifiable wrapping the FetchError", err)
		}
	}
	if n := requests.Swap(0); n != 2 {
		t.Errorf("%d requests for two tokens of an issuer without metadata, want 2 (both documents, once)", n)
	}

	src = &KeySource{JWKS: srv.URL + "/missing", Client: srv.Client()}
	for range 2 {
		_, _, err := src.Verify(ctx, rs("a"), KindAccess)
		var fe *FetchError
		if errors.Is(err, ErrNotVerifiable) || !errors.As(err, &fe) || err.Error() != "fetch JWKS: GET "+srv.URL+"/missing: status 404 Not Found" {
			t.Fatalf("Verify with a JWKS that is not there = %v, want the fetch's error", err)
		}
	}
	if n := requests.Swap(0); n != 1 {
		t.Errorf("%d requests for a missing JWKS, want 1", n)
	}
}
