package decode

import (
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// BenchmarkParseCheck is the per-token cost the flow engine and `authtrace
// decode` pay: Parse and Check of a typical Auth0 access token (RS256,
// eight claims, about 600 bytes). Target: under 20 µs.
func BenchmarkParseCheck(b *testing.B) {
	raw := signWith(b, jwt.SigningMethodRS256, keys(b).rsa, hdrRS256, typicalClaims)
	exp := Expect{Audience: "https://api.example.com", Issuer: "https://tenant.eu.auth0.com/", Kind: KindAccess, Skew: DefaultSkew}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		tok, err := Parse(raw)
		if err != nil {
			b.Fatal(err)
		}
		if fs := Check(tok, exp, testNow); len(fs) != 0 {
			b.Fatalf("findings: %v", fs)
		}
	}
}

// BenchmarkVerifyRS256 is the signature check against a parsed JWKS.
func BenchmarkVerifyRS256(b *testing.B) {
	k := keys(b)
	jwks, err := ParseJWKS(k.jwksRaw, "bench")
	if err != nil {
		b.Fatal(err)
	}
	tok, err := Parse(signWith(b, jwt.SigningMethodRS256, k.rsa, hdrRS256, typicalClaims))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if fs, err := Verify(tok, jwks, KindAccess); err != nil || len(fs) != 0 {
			b.Fatalf("Verify = %v, %v", fs, err)
		}
	}
}
