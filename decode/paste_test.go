package decode

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
)

// hs256 signs header.claims (kept as written) with the test secret.
func hs256(t testing.TB, header, claims string) string {
	return signWith(t, jwt.SigningMethodHS256, keys(t).hs, header, claims)
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

// TestSplitPasted: a token wrapped over lines (fold, a mail client, a
// terminal) is one token, at every width, while several tokens one per
// line stay several.
func TestSplitPasted(t *testing.T) {
	hs := hs256(t, `{"alg":"HS256"}`, claimsJSON(`"iss":"https://idp.example.org"`, `"aud":"https://api.example.com"`, `"iat":`+at(-time.Minute), `"exp":`+at(time.Hour)))
	rs := signWith(t, jwt.SigningMethodRS256, keys(t).rsa, `{"alg":"RS256","kid":"r1"}`, claimsJSON(`"iss":"https://idp.example.org"`, `"exp":`+at(time.Hour)))
	es := func() string {
		s := b64.EncodeToString([]byte(`{"alg":"ES256","kid":"e1"}`)) + "." + b64.EncodeToString([]byte(`{"iss":"https://idp.example.org","aud":"a"}`))
		return s + "." + b64.EncodeToString(bytes.Repeat([]byte{7}, 64))
	}()
	nested := hs256(t, `{"alg":"HS256"}`, `{"cnf":{"jkt":"x"},"a":{"b":{"c":{"d":"e"}}},"aud":"x"}`)
	tokens := map[string]string{"HS256": hs, "RS256": rs, "ES256": es, "nested objects": nested, "JWE": auth0JWE, "unknown alg": hs256(t, `{"alg":"XX1"}`, `{"aud":"some audience"}`)}
	for name, tok := range tokens {
		last := len(tok)
		if name == "unknown alg" {
			// Its signature's size is unknown: only a break before the
			// signature shows the width of the wrap.
			last = strings.LastIndex(tok, ".")
		}
		for width := 4; width < last; width++ {
			ins := []string{fold(tok, width), fold(`"`+tok+`"`, width)}
			if width >= 10 { // "Bearer eyJ" on the first line
				ins = append(ins, fold("Bearer "+tok, width))
			}
			for _, in := range ins {
				got := SplitPasted(strings.Split(in, "\n"))
				if len(got) != 1 || Clean(got[0]) != tok {
					t.Fatalf("%s folded at %d: got %d tokens %q, want the token whole\ninput:\n%s", name, width, len(got), got, in)
				}
			}
		}
	}
	several := []struct {
		name string
		in   string
		want []string
	}{
		{"JWT then opaque", hs + "\nopaque-token\n", []string{hs, "opaque-token"}},
		{"RS256 then opaque", rs + "\nXk2c9VqA3b7\n", []string{rs, "Xk2c9VqA3b7"}},
		{"two JWTs", hs + "\n" + rs + "\n", []string{hs, rs}},
		{"two wrapped JWTs", fold(hs, 76) + fold(rs, 76), []string{hs, rs}},
		{"wrapped JWT then opaque", fold(rs, 64) + "short-opaque\n", []string{rs, "short-opaque"}},
		{"wrapped ES256 then Bearer", fold(es, 50) + "Bearer " + hs + "\n", []string{es, hs}},
		{"opaque tokens", "a\nb\n", []string{"a", "b"}},
	}
	for _, tc := range several {
		var raws []string
		for _, g := range SplitPasted(strings.Split(tc.in, "\n")) {
			raws = append(raws, Clean(g))
		}
		if diff := cmp.Diff(tc.want, raws); diff != "" {
			t.Errorf("%s: tokens (-want +got):\n%s", tc.name, diff)
		}
	}
}

// FuzzSplitPasted: whatever is pasted, the tokens are its non-blank lines,
// trimmed, in order and each used once, and none is empty.
func FuzzSplitPasted(f *testing.F) {
	f.Add("a\n\n b \r\nc")
	f.Add(fold(auth0JWE, 7) + "opaque\n")
	f.Add(fold(`"`+unsigned(hdrRS256, typicalClaims)+`.c2ln"`, 20))
	f.Add("eyJ\neyJ.\neyJ.x\n\"\n'")
	f.Add("Bearer eyJhbGciOiJIUzI1NiJ9.\neyJzdWIiOiIxIn0.\nc2ln")
	f.Fuzz(func(t *testing.T, text string) {
		lines := strings.Split(text, "\n")
		var kept []string
		for _, l := range lines {
			if l = strings.TrimSpace(l); l != "" {
				kept = append(kept, l)
			}
		}
		got := SplitPasted(lines)
		if len(got) > len(kept) || (len(kept) > 0) != (len(got) > 0) {
			t.Fatalf("SplitPasted(%q) = %d tokens from %d lines", text, len(got), len(kept))
		}
		for _, tok := range got {
			if tok == "" {
				t.Fatalf("SplitPasted(%q) gave an empty token", text)
			}
		}
		if strings.Join(got, "") != strings.Join(kept, "") {
			t.Fatalf("SplitPasted(%q) = %q: lost or reordered text", text, got)
		}
	})
}

// TestPasteComplete: at a terminal, reading stops at the Enter that ends
// a whole token, and not before, at every width a paste may wrap it.
func TestPasteComplete(t *testing.T) {
	hs := hs256(t, `{"alg":"HS256"}`, claimsJSON(`"iss":"https://idp.example.org"`, `"exp":`+at(time.Hour)))
	rs := signWith(t, jwt.SigningMethodRS256, keys(t).rsa, `{"alg":"RS256","kid":"r1"}`, claimsJSON(`"iss":"https://idp.example.org"`, `"exp":`+at(time.Hour)))
	for name, tok := range map[string]string{"HS256": hs, "RS256": rs, "JWE": auth0JWE} {
		for width := 16; width <= len(tok); width++ {
			lines := strings.Split(strings.TrimSuffix(fold(tok, width), "\n"), "\n")
			for n := 1; n <= len(lines); n++ {
				want := n == len(lines)
				switch {
				case name == "RS256" && n > 1 && len(lines[n-1]) == width:
					want = false // may go on: an empty line ends it
				case name == "RS256" && n == 1 && len(lines) == 2:
					// One line alone, cut at a plausible RSA size (128,
					// 192, 256 bytes), cannot be told from a whole token.
					continue
				}
				if got := PasteComplete(lines[:n]); got != want {
					t.Fatalf("%s folded at %d, after line %d of %d: PasteComplete = %v, want %v", name, width, n, len(lines), got, want)
				}
			}
		}
	}
	for _, tc := range []struct {
		lines []string
		want  bool
	}{
		{[]string{hs}, true},
		{[]string{"  " + hs + "  "}, true},
		{[]string{"Bearer " + hs}, true},
		{[]string{"Vx8bTzMz1Tj0B_WeXs-ozG1ueGGV4dSa"}, true}, // opaque
		{[]string{"hello world"}, true},                      // text: whole on its line, refused later
		{[]string{"", "  "}, false},                          // nothing yet
		{[]string{"eyJhbGciOiJIUzI1NiJ9"}, false},            // a header alone
		{[]string{hs[:strings.LastIndex(hs, ".")+1]}, false}, // HS256 without its signature
		{[]string{`"` + hs}, false},                          // the closing quote to come
		{[]string{`"` + hs, `"`}, true},
	} {
		if got := PasteComplete(tc.lines); got != tc.want {
			t.Errorf("PasteComplete(%q) = %v, want %v", tc.lines, got, tc.want)
		}
	}
}
