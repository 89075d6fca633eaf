package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/internal/golden"
	"github.com/authtrace/authtrace/report"
)

// decodeNow is the clock of the golden tests: 2026-11-29 12:00:00 UTC.
var decodeNow = time.Unix(1795953600, 0).UTC()

const testSecret = "a-shared-secret-of-32-bytes-long!"

var rawURL = base64.RawURLEncoding

// hs256 signs claims (kept in the order written) with testSecret, so the
// tokens of the golden files never change.
func hs256(t testing.TB, header, claims string) string {
	t.Helper()
	s := rawURL.EncodeToString([]byte(header)) + "." + rawURL.EncodeToString([]byte(claims))
	sig, err := jwt.SigningMethodHS256.Sign(s, []byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	return s + "." + rawURL.EncodeToString(sig)
}

func unix(d time.Duration) int64 { return decodeNow.Add(d).Unix() }

func auth0Token(t testing.TB) string {
	return hs256(t, `{"alg":"HS256","typ":"JWT","kid":"k1"}`, fmt.Sprintf(
		`{"iss":"https://tenant.eu.auth0.com/","sub":"auth0|64f1c2","aud":"https://tenant.eu.auth0.com/userinfo","iat":%d,"exp":%d,"scope":"openid profile","azp":"Xk2c9Vq"}`,
		unix(-4*time.Hour), unix(-3*time.Hour-12*time.Minute)))
}

func idToken(t testing.TB) string {
	return hs256(t, `{"alg":"HS256","typ":"JWT"}`, fmt.Sprintf(
		`{"iss":"https://idp.example.org","sub":"248289761001","aud":"client-1","nonce":"n-0S6_WzA2Mj","auth_time":%d,"iat":%d,"exp":%d,"name":"Jane Doe","amr":["pwd","mfa"]}`,
		unix(-2*time.Minute), unix(-time.Minute), unix(59*time.Minute)))
}

func TestDecodeGolden(t *testing.T) {
	cases := []struct {
		name   string
		inputs func(t *testing.T) []input
		opts   decodeOptions
	}{
		{
			name:   "auth0_userinfo_expired",
			inputs: func(t *testing.T) []input { return []input{{raw: auth0Token(t)}} },
			opts:   decodeOptions{aud: "https://api.example.com", iss: "https://tenant.eu.auth0.com/"},
		},
		{
			name:   "id_token_verified",
			inputs: func(t *testing.T) []input { return []input{{raw: idToken(t)}} },
			opts:   decodeOptions{clientID: "client-1", nonce: "n-0S6_WzA2Mj", verify: true, secret: testSecret},
		},
		{
			name:   "id_token_wrong_secret",
			inputs: func(t *testing.T) []input { return []input{{raw: idToken(t)}} },
			opts:   decodeOptions{clientID: "other-client", verify: true, secret: "not the secret"},
		},
		{
			name:   "id_token_no_secret",
			inputs: func(t *testing.T) []input { return []input{{raw: idToken(t)}} },
			opts:   decodeOptions{clientID: "client-1", verify: true},
		},
		{
			name: "opaque",
			inputs: func(t *testing.T) []input {
				return []input{{raw: "Bearer Xk2c9VqA3b7-opaque_token", kind: decode.KindAccess}}
			},
		},
		{
			name: "malformed",
			inputs: func(t *testing.T) []input {
				return []input{{raw: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI*6IkpvaG4gRG9lIn0.abc"}, {raw: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0"}}
			},
		},
		{
			name: "portal_token_and_jwe",
			inputs: func(t *testing.T) []input {
				portal := hs256(t, `{"typ":"JWT","alg":"RS256","x5t":"nOo3ZDrODXEK1jKWhXslHR_KXEg","kid":"nOo3ZDrODXEK1jKWhXslHR_KXEg"}`, fmt.Sprintf(
					`{"aud":"https://management.azure.com/","iss":"https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/","iat":%d,"nbf":%d,"exp":%d,"ver":"1.0","tid":"72f988bf-86f1-41af-91ab-2d7cd011db47"}`,
					unix(-10*time.Minute), unix(-10*time.Minute), unix(80*time.Minute)))
				// An RS256 signature's size (2048-bit key), though no key made it.
				portal = portal[:strings.LastIndexByte(portal, '.')+1] + base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{0x5a}, 256))
				jwe := "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.YWJj.YWJj.YWJj.YWJj"
				return []input{{raw: portal}, {raw: jwe}}
			},
			opts: decodeOptions{aud: "api://contoso-orders"},
		},
	}
	cet := time.FixedZone("CET", 3600)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.opts
			o.kind, o.skew, o.now, o.loc = "auto", decode.DefaultSkew, func() time.Time { return decodeNow }, cet
			results := o.decodeAll(context.Background(), tc.inputs(t))
			var colored bytes.Buffer
			renderText(&colored, results, renderOptions{now: decodeNow, loc: cet, skew: o.skew, exp: o.expect(""), verify: o.verify, width: 100, color: true})
			if !strings.Contains(colored.String(), "\x1b[") {
				t.Errorf("styled rendering has no ANSI sequences:\n%s", colored.String())
			}
			got := ansi.Strip(colored.String())
			golden.Check(t, filepath.Join("testdata", "decode", tc.name+".txt"), got)

			var js bytes.Buffer
			if err := o.writeJSON(&js, results); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "decode", tc.name+".json"), js.String())
		})
	}
}

// runDecode runs the whole command as main does.
func runDecode(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"decode"}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// freshToken is valid now (real clock): run() uses time.Now.
func freshToken(t *testing.T, aud string) string {
	now := time.Now().Unix()
	return hs256(t, `{"alg":"HS256"}`, fmt.Sprintf(`{"iss":"https://idp.example.org","aud":%q,"iat":%d,"exp":%d}`, aud, now-60, now+3600))
}

// auth0JWE has the form of Auth0's access token for /userinfo, issued when
// the authorize request names no audience.
var auth0JWE = rawURL.EncodeToString([]byte(`{"alg":"dir","enc":"A256GCM","iss":"https://acme.auth0.com/"}`)) + "..YWJjZGVmZ2hpamts.YWJj.YWJjZGVmZ2hpamtsbW5vcA"

func TestDecodeCommand(t *testing.T) {
	t.Setenv("AUTHTRACE_TOKEN", "")
	t.Setenv("AUTHTRACE_JWT_SECRET", "")
	good := freshToken(t, "https://api.example.com")
	cases := []struct {
		name     string
		stdin    string
		args     []string
		env      map[string]string
		code     int
		contains []string // in stdout, or stderr for exit 2 usage errors
	}{
		{name: "clean", args: []string{good, "--aud", "https://api.example.com"}, code: 0, contains: []string{"✓ no problems found"}},
		{name: "aud mismatch", args: []string{good, "--aud", "https://other.example.com"}, code: 1, contains: []string{"jwt.aud_mismatch"}},
		{name: "from stdin with -", stdin: "\n" + good + "\n\n", args: []string{"-"}, code: 0, contains: []string{"https://api.example.com"}},
		{name: "from stdin without argument", stdin: good, code: 0, contains: []string{"https://idp.example.org"}},
		{name: "several tokens, in order", stdin: good + "\nVx8bTzMz1Tj0B_WeXs-ozG1ueGGV4dSa\n", args: []string{"-"}, code: 0, contains: []string{"token 1/2", "token 2/2: access_token (guessed) · opaque"}},
		{name: "token response", stdin: `{"access_token":"` + good + `","token_type":"Bearer","id_token":"` + good + `"}`, code: 0, contains: []string{"token 1/2: access_token · jwt", "token 2/2: id_token · jwt"}},
		{name: "environment", env: map[string]string{"AUTHTRACE_TOKEN": "Bearer " + good}, code: 0, contains: []string{"https://api.example.com"}},
		{name: "secret from the environment", args: []string{good, "--verify"}, env: map[string]string{"AUTHTRACE_JWT_SECRET": testSecret}, code: 0, contains: []string{"signature  valid (HS256 from secret)"}},
		{name: "wrong secret", args: []string{good, "--secret", "nope"}, code: 1, contains: []string{"jwt.signature_invalid", "INVALID"}},
		{name: "HS256 without secret", args: []string{good, "--verify"}, code: 2, contains: []string{"signature  not verified", "HS256 is signed with a shared secret", "--secret"}},
		{name: "HS256 without secret, not asked to verify", args: []string{good}, code: 0, contains: []string{"present, not checked", "✓ no problems found"}},
		{name: "redacted signature with --verify", args: []string{report.RedactToken(good), "--verify"}, code: 2, contains: []string{"redacted", "--reveal"}},
		{name: "Auth0 JWE access token with an audience", args: []string{auth0JWE, "--aud", "https://api.acme.example", "--kind", "access_token"}, code: 1, contains: []string{"access_token.opaque", "Auth0's token for its /userinfo endpoint", "jwt.encrypted"}},
		{name: "Auth0 JWE access token, kind guessed", args: []string{auth0JWE, "--aud", "https://api.acme.example"}, code: 1, contains: []string{"access_token (guessed) · jwe", "access_token.opaque"}},
		{name: "malformed", args: []string{"eyJhbGciOiJIUzI1NiJ9.eyJ"}, code: 2, contains: []string{"jwt.malformed", "2 segments"}},
		{name: "--expect-aud", args: []string{good, "--expect-aud", "https://other.example.com"}, code: 1, contains: []string{"jwt.aud_mismatch"}},
		{name: "--expect-iss", args: []string{good, "--expect-iss", "https://other.example.org"}, code: 1, contains: []string{"jwt.iss_mismatch"}},
		{name: "--iss, the short name", args: []string{good, "--iss", "https://other.example.org"}, code: 1, contains: []string{"jwt.iss_mismatch"}},
		{name: "both names, one value", args: []string{good, "--aud", "https://api.example.com", "--expect-aud", "https://api.example.com"}, code: 0, contains: []string{"✓ no problems found"}},
		{name: "both names, two values", args: []string{good, "--aud", "a", "--expect-aud", "b"}, code: 2, contains: []string{`--expect-aud "b" and --aud "a" disagree`}},
		{name: "--iss and --expect-iss disagree", args: []string{good, "--iss", "a", "--expect-iss", "b"}, code: 2, contains: []string{"--iss is short for --expect-iss"}},
		{name: "--jwks and --issuer", args: []string{good, "--jwks", "k.json", "--issuer", "https://idp.example.org"}, code: 2, contains: []string{"--jwks and --issuer"}},
		{name: "random text", args: []string{"hello world"}, code: 2, contains: []string{"input · not a token", "looks like text with spaces", "eyJ..."}},
		{name: "a short word", args: []string{"hello"}, code: 2, contains: []string{"looks like a short word (5 characters"}},
		{name: "a URL", args: []string{"https://example.com/callback?code=x"}, code: 2, contains: []string{"looks like a URL"}},
		{name: "a sentence on stdin", stdin: "not a token\n", args: []string{"-"}, code: 2, contains: []string{"looks like text with spaces"}},
		{name: "Google opaque token", args: []string{"ya29.a0AfB_byC9xXkQ2m4Lr7s1vP0nW8zE3yH5tJ6uK-9dA"}, code: 0, contains: []string{"access_token (guessed) · opaque", "access_token.opaque"}},
		{name: "a short opaque value in a token response", stdin: `{"access_token":"abc"}`, code: 0, contains: []string{"access_token · opaque"}},
		{name: "empty stdin", stdin: " \n", args: []string{"-"}, code: 2, contains: []string{"no token on standard input"}},
		{name: "stdin over the cap", stdin: strings.Repeat("a", maxDecodeInput+1), args: []string{"-"}, code: 2, contains: []string{"standard input is over 16 MiB"}},
		{name: "bad kind", args: []string{good, "--kind", "refresh"}, code: 2, contains: []string{"--kind"}},
		{name: "negative skew", args: []string{good, "--skew", "-1s"}, code: 2, contains: []string{"--skew"}},
		{name: "two arguments", args: []string{good, good}, code: 2},
		{name: "missing JWKS file", args: []string{freshRS(t), "--jwks", filepath.Join(t.TempDir(), "none.json")}, code: 2, contains: []string{"--jwks"}},
		{name: "json", args: []string{good, "--json", "--aud", "x"}, code: 1, contains: []string{`"command": "decode"`, `"code": "jwt.aud_mismatch"`, `.<redacted>"`}},
		{name: "json reveal", args: []string{good, "--json", "--reveal"}, code: 0, contains: []string{`"raw": "` + good + `"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, out, errOut := runDecode(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			for _, s := range tc.contains {
				if !strings.Contains(out+errOut, s) {
					t.Errorf("output does not contain %q\nstdout:\n%s\nstderr:\n%s", s, out, errOut)
				}
			}
			if strings.Contains(out, "\x1b[") {
				t.Errorf("ANSI escapes in output that is not a terminal:\n%q", out)
			}
		})
	}
}

var rsaKey = sync1(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// sync1 computes v once, on first use.
func sync1[T any](f func() T) func() T {
	var v T
	var done bool
	return func() T {
		if !done {
			v, done = f(), true
		}
		return v
	}
}

func freshRS(t *testing.T) string {
	t.Helper()
	now := time.Now().Unix()
	s := rawURL.EncodeToString([]byte(`{"alg":"RS256","kid":"r1"}`)) + "." +
		rawURL.EncodeToString(fmt.Appendf(nil, `{"iss":"https://idp.example.org","exp":%d}`, now+3600))
	sig, err := jwt.SigningMethodRS256.Sign(s, rsaKey())
	if err != nil {
		t.Fatal(err)
	}
	return s + "." + rawURL.EncodeToString(sig)
}

func TestDecodeVerifyJWKS(t *testing.T) {
	pub := rsaKey().PublicKey
	jwks, _ := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "kid": "r1", "alg": "RS256", "use": "sig",
		"n": rawURL.EncodeToString(pub.N.Bytes()), "e": rawURL.EncodeToString([]byte{1, 0, 1}),
	}}})
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) { w.Write(jwks) })
	mux.HandleFunc("GET /500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
	mux.HandleFunc("GET /html", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>\x1b[31mnot json</html>")) })
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"issuer":%q,"jwks_uri":%q}`, srv.URL, srv.URL+"/jwks")
	})
	srv = httptest.NewServer(mux)
	defer srv.Close()
	octFile := filepath.Join(t.TempDir(), "oct.json")
	if err := os.WriteFile(octFile, fmt.Appendf(nil, `{"keys":[{"kty":"oct","kid":"s1","k":%q}]}`, rawURL.EncodeToString([]byte(testSecret))), 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(file, jwks, 0o600); err != nil {
		t.Fatal(err)
	}
	tok := freshRS(t)
	h, rest, _ := strings.Cut(tok, ".")
	_, sig, _ := strings.Cut(rest, ".")
	discoverable := func() string {
		now := time.Now().Unix()
		s := h + "." + rawURL.EncodeToString(fmt.Appendf(nil, `{"iss":%q,"exp":%d}`, srv.URL, now+3600))
		sig, err := jwt.SigningMethodRS256.Sign(s, rsaKey())
		if err != nil {
			t.Fatal(err)
		}
		return s + "." + rawURL.EncodeToString(sig)
	}()
	otherKid := func() string {
		s := rawURL.EncodeToString([]byte(`{"alg":"RS256","kid":"gone"}`)) + "." + strings.SplitN(tok, ".", 3)[1]
		sig, _ := jwt.SigningMethodRS256.Sign(s, rsaKey())
		return s + "." + rawURL.EncodeToString(sig)
	}()
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"url", []string{tok, "--jwks", srv.URL + "/jwks"}, 0, "signature  valid (RS256, key r1 from " + srv.URL + "/jwks)"},
		{"file", []string{tok, "--jwks", file}, 0, "valid (RS256, key r1 from " + file + ")"},
		{"discovery", []string{discoverable, "--verify"}, 0, "valid (RS256, key r1 from " + srv.URL + "/jwks)"},
		{"--issuer discovery", []string{tok, "--issuer", srv.URL}, 0, "valid (RS256, key r1 from " + srv.URL + "/jwks)"},
		{"discovery fails", []string{tok, "--verify"}, 2, "the signature could not be checked: cannot fetch https://idp.example.org/.well-known/openid-configuration (discovery of the signing keys)"},
		{"discovery fails, JSON", []string{tok, "--verify", "--json"}, 2, `"signature": "unverifiable"`},
		{"tampered", []string{h + "." + rawURL.EncodeToString([]byte(`{"iss":"x"}`)) + "." + sig, "--jwks", file}, 1, "jwt.signature_invalid"},
		{"kid unknown", []string{otherKid, "--jwks", file}, 1, "jwt.kid_unknown"},
		{"HS256 with an oct JWKS", []string{freshToken(t, "a"), "--jwks", octFile}, 0, "valid (HS256 from " + octFile + ")"},
		{"unreachable JWKS", []string{tok, "--jwks", srv.URL + "/missing"}, 2, "404"},
		{"JWKS answers 500", []string{tok, "--jwks", srv.URL + "/500"}, 2, "cannot fetch the JWKS from " + srv.URL + "/500: status 500 Internal Server Error; check the URL"},
		{"JWKS is not JSON", []string{tok, "--jwks", srv.URL + "/html"}, 2, "read JWKS " + srv.URL + "/html"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runDecode(t, "", tc.args...)
			if code != tc.code || !strings.Contains(out+errOut, tc.want) {
				t.Errorf("exit %d (want %d), output does not contain %q:\n%s%s", code, tc.code, tc.want, out, errOut)
			}
		})
	}
}

// TestDecodeJWKSUnreachable: a --jwks URL nothing answers still shows
// the token's header and claims, with the failure as a
// jwt.signature_unverified finding in words a person reads (no "dial
// tcp"), and exit 2; --issuer discovery that fails likewise.
func TestDecodeJWKSUnreachable(t *testing.T) {
	t.Setenv("AUTHTRACE_TOKEN", "")
	srv := httptest.NewServer(http.NotFoundHandler())
	dead := srv.URL
	srv.Close()
	tok := freshRS(t)
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"--jwks refused", []string{tok, "--jwks", dead + "/jwks"}, []string{
			"cannot fetch the JWKS from " + dead + "/jwks: connection refused; check the URL, or save the provider's JWKS to a file and pass --jwks FILE",
			"jwt.signature_unverified", "header", "alg  RS256", "claims", "iss  https://idp.example.org",
			"authtrace: --jwks: the signature could not be checked", // the flag given, not --verify
		}},
		{"--issuer refused", []string{tok, "--issuer", dead}, []string{
			"cannot fetch " + dead + "/.well-known/openid-configuration (discovery of the signing keys): connection refused", "check the issuer (--issuer)",
			"jwt.signature_unverified", "iss  https://idp.example.org",
			"authtrace: --issuer: the signature could not be checked",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runDecode(t, "", tc.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want 2", code)
			}
			for _, w := range tc.want {
				if !strings.Contains(out+errOut, w) {
					t.Errorf("output does not say %q:\n%s%s", w, out, errOut)
				}
			}
			if strings.Contains(out+errOut, "dial tcp") || strings.Contains(out+errOut, `Get "`) {
				t.Errorf("Go's internals in the message:\n%s%s", out, errOut)
			}
			code, out, _ = runDecode(t, "", append(tc.args, "--json")...)
			var got jsonOutput
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("JSON: %v\n%s", err, out)
			}
			if code != exitUsage || len(got.Tokens) != 1 || len(got.Tokens[0].Claims) == 0 || len(got.Tokens[0].Findings) == 0 || got.Tokens[0].Findings[len(got.Tokens[0].Findings)-1].Code != report.CodeJWTSignatureUnverified {
				t.Errorf("--json: exit %d, tokens %+v: want exit 2, the claims and a jwt.signature_unverified finding", code, got.Tokens)
			}
		})
	}
}

// TestDecodeVerifyImpossible: asked to verify and unable to (keys not to
// be had, no secret for HS*), decode says why and what to give, never "no
// problems found", and exits 2, in text and in JSON; the failure's text is
// on one line. Without --verify the same tokens pass.
func TestDecodeVerifyImpossible(t *testing.T) {
	t.Setenv("AUTHTRACE_TOKEN", "")
	t.Setenv("AUTHTRACE_JWT_SECRET", "")
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	now := time.Now().Unix()
	rs := func(iss string) string {
		s := rawURL.EncodeToString([]byte(`{"alg":"RS256","kid":"r1"}`)) + "." + rawURL.EncodeToString(fmt.Appendf(nil, `{"iss":%q,"exp":%d}`, iss, now+3600))
		sig, err := jwt.SigningMethodRS256.Sign(s, rsaKey())
		if err != nil {
			t.Fatal(err)
		}
		return s + "." + rawURL.EncodeToString(sig)
	}
	noIss := func() string {
		s := rawURL.EncodeToString([]byte(`{"alg":"RS256","kid":"r1"}`)) + "." + rawURL.EncodeToString(fmt.Appendf(nil, `{"exp":%d}`, now+3600))
		sig, _ := jwt.SigningMethodRS256.Sign(s, rsaKey())
		return s + "." + rawURL.EncodeToString(sig)
	}()
	cases := []struct {
		name, tok string
		want      []string
	}{
		{"discovery 404", rs(srv.URL + "/"), []string{"cannot fetch " + srv.URL + "/.well-known/openid-configuration (discovery of the signing keys): status 404 Not Found", "--jwks"}},
		{"no iss", noIss, []string{"no iss", "--jwks"}},
		{"HS256 without a secret", freshToken(t, "a"), []string{"shared secret", "--secret"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runDecode(t, "", tc.tok, "--verify")
			if code != exitUsage {
				t.Errorf("exit %d, want 2", code)
			}
			if strings.Contains(out, "no problems found") {
				t.Errorf("says no problems found:\n%s", out)
			}
			for _, w := range tc.want {
				// stdout wraps the message to the width: read it unwrapped.
				if !strings.Contains(strings.Join(strings.Fields(out), " "), w) || !strings.Contains(errOut, w) {
					t.Errorf("stdout and stderr must both say %q:\nstdout:\n%s\nstderr:\n%s", w, out, errOut)
				}
			}
			if strings.Contains(out+errOut, "␊") || strings.Count(errOut, "\n") != 1 {
				t.Errorf("a failure's text is split or shows ␊:\nstdout:\n%s\nstderr:\n%s", out, errOut)
			}

			code, out, _ = runDecode(t, "", tc.tok, "--verify", "--json")
			var got jsonOutput
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("JSON: %v\n%s", err, out)
			}
			if code != exitUsage || len(got.Tokens) != 1 || got.Tokens[0].Signature != sigUnverifiable || !strings.Contains(got.Tokens[0].VerifyError, tc.want[len(tc.want)-1]) {
				t.Errorf("--json: exit %d, tokens %+v: want exit 2, signature unverifiable and verify_error saying what to give", code, got.Tokens)
			}

			if code, out, _ := runDecode(t, "", tc.tok); code != exitOK || !strings.Contains(out, "no problems found") {
				t.Errorf("without --verify: exit %d, want 0:\n%s", code, out)
			}
		})
	}
}

// TestDecodeVerifySeveral: one token that cannot be verified among
// several makes the run exit 2; the others are still shown verified.
func TestDecodeVerifySeveral(t *testing.T) {
	t.Setenv("AUTHTRACE_TOKEN", "")
	t.Setenv("AUTHTRACE_JWT_SECRET", "")
	good := freshToken(t, "a")
	code, out, errOut := runDecode(t, good+"\n"+report.RedactToken(good)+"\n", "-", "--secret", testSecret)
	if code != exitUsage || !strings.Contains(out, "signature  valid") || !strings.Contains(errOut, "token 2/2") {
		t.Errorf("exit %d, want 2 with token 1 valid and token 2 named:\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

// TestDecodeColor runs the command as on a terminal (TTY_FORCE) and
// checks that colour comes and goes with NO_COLOR.
func TestDecodeColor(t *testing.T) {
	t.Setenv("AUTHTRACE_TOKEN", "")
	tok := freshToken(t, "x")
	cases := []struct {
		name      string
		noColor   string
		wantColor bool
	}{
		{"terminal", "", true},
		{"NO_COLOR=1", "1", false},
		{"NO_COLOR=yes", "yes", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TTY_FORCE", "1")
			t.Setenv("TERM", "xterm-256color")
			t.Setenv("NO_COLOR", tc.noColor)
			_, out, _ := runDecode(t, "", tok, "--aud", "y")
			// SGR foreground colours: 31 red, 36 cyan and so on.
			hasColor := strings.Contains(out, "\x1b[31") || strings.Contains(out, "\x1b[36") || strings.Contains(out, ";31m") || strings.Contains(out, ";36m")
			if hasColor != tc.wantColor {
				t.Errorf("colour in output = %v, want %v:\n%q", hasColor, tc.wantColor, out)
			}
			if got := ansi.Strip(out); !strings.Contains(got, "jwt.aud_mismatch") {
				t.Errorf("stripped output lacks the finding:\n%s", got)
			}
		})
	}
}

func TestSplitInputs(t *testing.T) {
	cases := []struct {
		in   string
		want []input
		err  bool
	}{
		{"a\n\n b \r\nc", []input{{raw: "a"}, {raw: "b"}, {raw: "c"}}, false},
		{`{"access_token":"x","refresh_token":"r","id_token":"y"}`, []input{{raw: "x", kind: "access_token"}, {raw: "y", kind: "id_token"}}, false},
		{`{"error":"invalid_grant"}`, nil, true},
		{`{not json`, []input{{raw: "{not json"}}, false},
		{"", nil, true},
		{"eyJ\x00\x01", nil, true},
		{"tok\xff\xfe", nil, true},
	}
	for _, tc := range cases {
		got, err := splitInputs([]byte(tc.in))
		if (err != nil) != tc.err {
			t.Errorf("splitInputs(%q) error = %v, want error %v", tc.in, err, tc.err)
		}
		if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(input{})); diff != "" {
			t.Errorf("splitInputs(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

// fold wraps s at width bytes, as fold -w does.
func fold(s string, width int) string {
	var b strings.Builder
	for len(s) > width {
		b.WriteString(s[:width] + "\n")
		s = s[width:]
	}
	return b.String() + s + "\n"
}

func TestDecodeWrappedStdin(t *testing.T) {
	t.Setenv("AUTHTRACE_TOKEN", "")
	tok := freshRS(t)
	code, out, errOut := runDecode(t, fold(tok, 76), "-")
	if code != 0 || strings.Contains(out, "token 1/") || !strings.Contains(out, "https://idp.example.org") {
		t.Errorf("fold -w 76 | authtrace decode -: exit %d, want 0 and one token:\n%s%s", code, out, errOut)
	}
}

func TestWrap(t *testing.T) {
	got := wrap("fix: one two three four five six seven eight nine ten eleven twelve", 30)
	want := []string{"fix: one two three four five", "six seven eight nine ten", "eleven twelve"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("wrap (-want +got):\n%s", diff)
	}
	_ = report.Redacted
}

func FuzzSplitInputs(f *testing.F) {
	f.Add([]byte("a\nb\r\n\nc"))
	f.Add([]byte(`{"access_token":"x","id_token":"y"}`))
	f.Add([]byte(`{"access_token":1}`))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := splitInputs(data)
		if err == nil && len(in) == 0 {
			t.Fatalf("splitInputs(%q) = no tokens and no error", data)
		}
		for _, i := range in {
			if strings.TrimSpace(i.raw) == "" {
				t.Fatalf("splitInputs(%q) gave an empty token", data)
			}
		}
	})
}
