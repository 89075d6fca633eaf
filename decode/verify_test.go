package decode

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/authtrace/authtrace/report"
)

// jwksServer serves the test JWKS and a discovery document pointing at it.
func jwksServer(t *testing.T) *httptest.Server {
	t.Helper()
	k := keys(t)
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(k.jwksRaw)
	})
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"issuer":"` + srv.URL + `","jwks_uri":"` + srv.URL + `/jwks"}`))
	})
	mux.HandleFunc("GET /big/jwks", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"keys":[],"pad":"`))
		w.Write([]byte(strings.Repeat("x", 2<<20)))
		w.Write([]byte(`"}`))
	})
	mux.HandleFunc("GET /slow/jwks", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestVerify(t *testing.T) {
	k := keys(t)
	srv := jwksServer(t)
	ctx := context.Background()
	jwks, err := FetchJWKS(ctx, srv.Client(), srv.URL+"/jwks")
	if err != nil {
		t.Fatalf("FetchJWKS: %v", err)
	}
	if want := []string{"rsa1", "rsa-ps", "ec1", "ed1"}; strings.Join(jwks.Kids, ",") != strings.Join(want, ",") {
		t.Errorf("Kids = %v, want %v", jwks.Kids, want)
	}
	if len(jwks.Skipped) != 1 || !strings.Contains(jwks.Skipped[0], "key 4") {
		t.Errorf("Skipped = %v, want the XYZ key", jwks.Skipped)
	}
	secret := SecretKey(k.hs)
	claims := claimsJSON(`"iss":"https://idp.example.org"`, `"aud":"api"`, `"exp":`+at(time.Hour))
	rs := signWith(t, jwt.SigningMethodRS256, k.rsa, `{"alg":"RS256","kid":"rsa1"}`, claims)
	tampered := func(tok string) string {
		h, rest, _ := strings.Cut(tok, ".")
		_, sig, _ := strings.Cut(rest, ".")
		return h + "." + b64.EncodeToString([]byte(strings.Replace(claims, `"api"`, `"apj"`, 1))) + "." + sig
	}
	cases := []struct {
		name  string
		token string
		keys  *Keys
		code  string // "" for a valid signature
		err   error  // ErrNotVerifiable when it cannot try
	}{
		{name: "RS256", token: rs, keys: jwks},
		{name: "PS256 with a key without alg", token: signWith(t, jwt.SigningMethodPS256, k.rsa, `{"alg":"PS256","kid":"rsa-ps"}`, claims), keys: jwks},
		{name: "ES256", token: signWith(t, jwt.SigningMethodES256, k.ec, `{"alg":"ES256","kid":"ec1"}`, claims), keys: jwks},
		{name: "EdDSA", token: signWith(t, jwt.SigningMethodEdDSA, k.ed, `{"alg":"EdDSA","kid":"ed1"}`, claims), keys: jwks},
		{name: "ES256 without kid", token: signWith(t, jwt.SigningMethodES256, k.ec, `{"alg":"ES256"}`, claims), keys: jwks},
		{name: "HS256", token: signWith(t, jwt.SigningMethodHS256, k.hs, `{"alg":"HS256"}`, claims), keys: secret},
		{name: "HS256 wrong secret", token: signWith(t, jwt.SigningMethodHS256, []byte("another secret"), `{"alg":"HS256"}`, claims), keys: secret, code: report.CodeJWTSignatureInvalid},
		{name: "RS256 tampered", token: tampered(rs), keys: jwks, code: report.CodeJWTSignatureInvalid},
		{name: "RS256 by another key", token: signWith(t, jwt.SigningMethodRS256, k.rsa2, `{"alg":"RS256","kid":"rsa1"}`, claims), keys: jwks, code: report.CodeJWTSignatureInvalid},
		{name: "kid unknown", token: signWith(t, jwt.SigningMethodRS256, k.rsa2, `{"alg":"RS256","kid":"rotated"}`, claims), keys: jwks, code: report.CodeJWTKidUnknown},
		{name: "no kid, no key for alg", token: signWith(t, jwt.SigningMethodRS512, k.rsa2, `{"alg":"RS512"}`, claims), keys: secret, err: ErrNotVerifiable},
		{name: "alg confusion: HS256 with JWKS", token: signWith(t, jwt.SigningMethodHS256, k.hs, `{"alg":"HS256","kid":"rsa1"}`, claims), keys: jwks, code: report.CodeJWTSignatureInvalid},
		{name: "kid's key has another alg", token: signWith(t, jwt.SigningMethodES256, k.ec, `{"alg":"ES256","kid":"rsa1"}`, claims), keys: jwks, code: report.CodeJWTSignatureInvalid},
		{name: "empty signature", token: unsigned(`{"alg":"RS256","kid":"rsa1"}`, claims) + ".", keys: jwks, code: report.CodeJWTSignatureInvalid},
		{name: "alg none", token: unsigned(`{"alg":"none"}`, claims) + ".", keys: jwks, err: ErrNotVerifiable},
		{name: "HS256 without secret", token: signWith(t, jwt.SigningMethodHS256, k.hs, `{"alg":"HS256"}`, claims), keys: jwks, err: ErrNotVerifiable},
		{name: "opaque", token: "opaque-token", keys: jwks, err: ErrNotVerifiable},
		{name: "redacted", token: unsigned(`{"alg":"RS256"}`, claims) + "." + report.Redacted, keys: jwks, err: ErrNotVerifiable},
		{name: "nil keys", token: rs, err: ErrNotVerifiable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := Parse(tc.token)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, err := Verify(tok, tc.keys, KindAccess)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Verify error = %v, want %v", err, tc.err)
			}
			var codes []string
			for _, f := range got {
				codes = append(codes, f.Code)
				if f.Token != KindAccess || f.Hint == "" || f.Severity != report.SeverityError {
					t.Errorf("finding %+v: want token access_token, a hint, severity error", f)
				}
			}
			want := ""
			if tc.code != "" {
				want = tc.code
			}
			if strings.Join(codes, ",") != want {
				t.Errorf("findings %v (%+v), want %q", codes, got, want)
			}
		})
	}
}

func TestVerifyKidUnknownDetail(t *testing.T) {
	k := keys(t)
	jwks, err := ParseJWKS(k.jwksRaw, "test.json")
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := Parse(signWith(t, jwt.SigningMethodRS256, k.rsa, `{"alg":"RS256","kid":"gone"}`, `{"iss":"https://a.example"}`))
	got, err := Verify(tok, jwks, "")
	if err != nil || len(got) != 1 {
		t.Fatalf("Verify = %+v, %v; want one finding", got, err)
	}
	if got[0].Detail["kid"] != "gone" || got[0].Detail["known"] != "rsa1, rsa-ps, ec1, ed1" || got[0].Detail["keys"] != "test.json" {
		t.Errorf("detail = %v, want kid gone, the known kids and the source", got[0].Detail)
	}
	if !strings.Contains(got[0].Hint, "https://a.example") {
		t.Errorf("hint %q does not name the token's issuer", got[0].Hint)
	}
}

func TestDiscoverAndFetch(t *testing.T) {
	srv := jwksServer(t)
	ctx := context.Background()
	got, err := DiscoverJWKS(ctx, srv.Client(), srv.URL+"/")
	if err != nil || got != srv.URL+"/jwks" {
		t.Fatalf("DiscoverJWKS = %q, %v; want %s/jwks", got, err, srv.URL)
	}
	if _, err := DiscoverJWKS(ctx, srv.Client(), srv.URL+"/nowhere"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("DiscoverJWKS of a missing document: %v, want a 404 error", err)
	} else if msg := err.Error(); strings.ContainsAny(msg, "\r\n") || !strings.Contains(msg, "openid-configuration") || !strings.Contains(msg, "oauth-authorization-server") {
		// Both attempts are named, on one line: the message goes into a
		// one-line note and through report.Printable.
		t.Errorf("DiscoverJWKS error %q: want both documents named, on one line", msg)
	}
	unreachable := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errNoHost })}
	if _, err := DiscoverJWKS(ctx, unreachable, "https://acme.auth0.com/"); !errors.Is(err, errNoHost) || strings.ContainsAny(err.Error(), "\r\n") {
		t.Errorf("DiscoverJWKS of an unreachable host: %q, want errors.Is the transport's error and one line", err)
	}
	if _, err := DiscoverJWKS(ctx, nil, "tenant.auth0.com"); err == nil {
		t.Errorf("DiscoverJWKS of a non-URL issuer: nil error")
	}
	if _, err := FetchJWKS(ctx, srv.Client(), srv.URL+"/big/jwks"); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("FetchJWKS of a 2 MiB body: %v, want the size cap", err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := FetchJWKS(short, srv.Client(), srv.URL+"/slow/jwks"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("FetchJWKS past the deadline: %v, want context.DeadlineExceeded", err)
	}
	if _, err := FetchJWKS(ctx, srv.Client(), srv.URL+"/.well-known/openid-configuration"); err == nil {
		t.Errorf("FetchJWKS of a document without keys: nil error")
	}
}

func TestReadJWKSFile(t *testing.T) {
	k := keys(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "jwks.json")
	if err := os.WriteFile(path, k.jwksRaw, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJWKSFile(path)
	if err != nil || got.Source != path || len(got.Kids) != 4 {
		t.Fatalf("ReadJWKSFile = %+v, %v", got, err)
	}
	if _, err := ReadJWKSFile(filepath.Join(dir, "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want os.ErrNotExist", err)
	}
	if _, err := ParseJWKS([]byte(`{"keys":`), "x"); err == nil {
		t.Errorf("ParseJWKS of bad JSON: nil error")
	}
}

func FuzzParseJWKS(f *testing.F) {
	f.Add([]byte(`{"keys":[{"kty":"RSA","kid":"a","n":"AQAB","e":"AQAB"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"","y":""},{"kty":"oct","k":"c2VjcmV0"},{"kty":"OKP","crv":"Ed25519","x":"AAAA"}]}`))
	f.Add([]byte(`{"keys":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParseJWKS(data, "fuzz")
		if err != nil {
			return
		}
		// Whatever the set held, verifying a token with it must not panic.
		tok, _ := Parse(unsigned(`{"alg":"RS256","kid":"a"}`, `{}`) + ".c2ln")
		Verify(tok, k, "")
		tok, _ = Parse(unsigned(`{"alg":"HS256"}`, `{}`) + ".c2ln")
		Verify(tok, k, "")
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

var errNoHost = errors.New("lookup acme.auth0.com: no such host")

// TestVerifyNoKeyForAlg: a token without kid, and a set whose keys all
// name another alg: jwt.kid_unknown, saying so, with the library's reason.
func TestVerifyNoKeyForAlg(t *testing.T) {
	k := keys(t)
	b64n := b64.EncodeToString(k.rsa.PublicKey.N.Bytes())
	set, err := ParseJWKS([]byte(`{"keys":[{"kty":"RSA","kid":"rsa1","alg":"RS256","n":"`+b64n+`","e":"AQAB"}]}`), "rs256.json")
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := Parse(signWith(t, jwt.SigningMethodES256, k.ec, `{"alg":"ES256"}`, `{"iss":"https://a.example"}`))
	got, err := Verify(tok, set, KindAccess)
	if err != nil || len(got) != 1 {
		t.Fatalf("Verify = %+v, %v; want one finding", got, err)
	}
	f := got[0]
	if f.Code != report.CodeJWTKidUnknown || f.Message != "the token has no kid and rs256.json holds no key for ES256" || f.Detail["known"] != "rsa1" || !strings.Contains(f.Detail["reason"], "empty verification key set") {
		t.Errorf("finding %+v: want jwt.kid_unknown for a set without an ES256 key", f)
	}
}

// TestUnverifiableError: the reason has a type of its own, and the error
// is still ErrNotVerifiable.
func TestUnverifiableError(t *testing.T) {
	tok, _ := Parse("opaque-token")
	_, err := Verify(tok, SecretKey([]byte("s")), KindAccess)
	var ue *UnverifiableError
	if !errors.As(err, &ue) || ue.Reason != "the token is opaque" || !errors.Is(err, ErrNotVerifiable) || err.Error() != "signature cannot be verified: the token is opaque" {
		t.Errorf("Verify of an opaque token: %v (%+v), want an UnverifiableError with the reason, errors.Is ErrNotVerifiable", err, ue)
	}
	cause := errors.New("no such host")
	if err := (&UnverifiableError{Reason: "x", Err: cause}); !errors.Is(err, cause) || !errors.Is(err, ErrNotVerifiable) {
		t.Errorf("UnverifiableError does not wrap its cause")
	}
}

// TestReadJWKSFileNotRegular: a directory or a device is refused at once,
// never opened and read (a named pipe would block both).
func TestReadJWKSFileNotRegular(t *testing.T) {
	for _, path := range []string{t.TempDir(), os.DevNull} {
		_, err := ReadJWKSFile(path)
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("ReadJWKSFile(%s) = %v, want ErrNotRegular", path, err)
		}
	}
}
