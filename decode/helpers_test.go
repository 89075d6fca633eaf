package decode

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// testNow is the clock of every test: 2026-11-29 12:00:00 UTC.
const testNowUnix = 1795953600

var b64 = base64.RawURLEncoding

// unsigned builds header.payload. from JSON texts kept as given (so tests
// control key order and odd values).
func unsigned(header, claims string) string {
	return b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(claims))
}

// signWith signs header.claims with method and key.
func signWith(t testing.TB, method jwt.SigningMethod, key any, header, claims string) string {
	t.Helper()
	s := unsigned(header, claims)
	sig, err := method.Sign(s, key)
	if err != nil {
		t.Fatalf("sign %s: %v", method.Alg(), err)
	}
	return s + "." + b64.EncodeToString(sig)
}

// testKeys are generated once per test binary: RSA generation is slow
// under -race.
type testKeys struct {
	rsa     *rsa.PrivateKey
	rsa2    *rsa.PrivateKey // not in the JWKS: signs tokens that must fail
	ec      *ecdsa.PrivateKey
	ed      ed25519.PrivateKey
	hs      []byte
	jwksRaw []byte
}

var (
	keysOnce sync.Once
	keysVal  *testKeys
)

func keys(t testing.TB) *testKeys {
	t.Helper()
	keysOnce.Do(func() {
		k := &testKeys{hs: []byte("a-shared-secret-of-32-bytes-long!")}
		var err error
		if k.rsa, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if k.rsa2, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if k.ec, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
		if _, k.ed, err = ed25519.GenerateKey(rand.Reader); err != nil {
			panic(err)
		}
		n := k.rsa.PublicKey.N.Bytes()
		e := []byte{1, 0, 1}
		point, err := k.ec.PublicKey.Bytes() // 0x04 || X || Y
		if err != nil {
			panic(err)
		}
		ecx, ecy := point[1:33], point[33:65]
		set := map[string]any{"keys": []map[string]string{
			{"kty": "RSA", "kid": "rsa1", "use": "sig", "alg": "RS256", "n": b64.EncodeToString(n), "e": b64.EncodeToString(e)},
			{"kty": "RSA", "kid": "rsa-ps", "use": "sig", "n": b64.EncodeToString(n), "e": b64.EncodeToString(e)},
			{"kty": "EC", "kid": "ec1", "use": "sig", "alg": "ES256", "crv": "P-256", "x": b64.EncodeToString(ecx), "y": b64.EncodeToString(ecy)},
			{"kty": "OKP", "kid": "ed1", "use": "sig", "alg": "EdDSA", "crv": "Ed25519", "x": b64.EncodeToString(k.ed.Public().(ed25519.PublicKey))},
			// A key type nobody knows: skipped, not fatal.
			{"kty": "XYZ", "kid": "odd"},
		}}
		if k.jwksRaw, err = json.Marshal(set); err != nil {
			panic(err)
		}
		keysVal = k
	})
	return keysVal
}

// claimsJSON joins members into an object, in the order given.
func claimsJSON(members ...string) string {
	return "{" + strings.Join(members, ",") + "}"
}
