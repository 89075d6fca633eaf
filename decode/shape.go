package decode

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// Shape is what text a person pasted looks like, before it is read as a
// token.
type Shape string

const (
	// ShapeJOSE starts like a JWT or JWE ("eyJ..."): Parse reads it and
	// says what, if anything, is wrong with it.
	ShapeJOSE Shape = "jose"
	// ShapeOpaque looks like an opaque token: at least MinOpaque token
	// characters (RFC 6750's b64token), random-looking.
	ShapeOpaque Shape = "opaque"
	// ShapeText is no token at all: words, a URL, JSON, a short word.
	ShapeText Shape = "text"
)

// MinOpaque is the shortest opaque token Classify accepts. Real ones are
// longer: Auth0's are 32 characters, Google's (ya29.) well over 100, a
// GitHub token 40, a UUID 36.
const MinOpaque = 20

// ErrNotToken says pasted text is no token at all (Classify's ShapeText).
var ErrNotToken = fmt.Errorf("not a token")

// Classify says what raw, as pasted, is: the start of a JWT or JWE, a
// plausible opaque token, or text that is no token, and then what it
// looks like ("text with spaces", "a URL", ...), for a person. It takes
// off what Clean does first (quotes, "Bearer "). It is a pure function.
func Classify(raw string) (shape Shape, looks string) {
	s := Clean(raw)
	switch {
	case s == "":
		return ShapeText, "empty"
	case looksJOSE(s):
		return ShapeJOSE, "a JWT"
	case s[0] == '{' || s[0] == '[':
		return ShapeText, "JSON, not a token (give the access_token or id_token value in it)"
	case strings.Contains(s, "://") || hasPrefixFold(s, "http:") || hasPrefixFold(s, "https:"):
		return ShapeText, "a URL"
	case strings.ContainsAny(s, " \t\r\n"):
		return ShapeText, "text with spaces (words or a sentence)"
	case strings.Contains(s, "@") && strings.Contains(s[strings.Index(s, "@"):], "."):
		return ShapeText, "an email address"
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !tokenChar(r) {
			what := describeByte(s[i:])
			if r > 0x20 && r < 0x7f {
				what = fmt.Sprintf("%q", string(r))
			}
			return ShapeText, fmt.Sprintf("text with a character no token has (%s at offset %d)", what, i)
		}
		i += size
	}
	switch {
	case len(s) < MinOpaque:
		return ShapeText, fmt.Sprintf("a short word (%d characters; a token has %d or more)", len(s), MinOpaque)
	case !random(s):
		return ShapeText, "a word or a name, not a random-looking token"
	}
	return ShapeOpaque, "an opaque token"
}

// TokenForm says what a token looks like, for messages about text that
// is none.
const TokenForm = "a token is a JWT (eyJ..., three base64url segments joined by dots) or an opaque string of 20 or more random letters, digits and -._~+/ (such as Auth0's 32-character tokens or Google's ya29. ones)"

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// tokenChar reports whether r may appear in an opaque token: RFC 6750's
// b64token characters and "=" padding, and "|" (some providers join an
// app id and a secret with it).
func tokenChar(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~+/=|", r)
}

// random reports whether s, of token characters only, looks generated
// rather than written: at least two of lower case, upper case and digits,
// at least 3 bits of entropy per character, and not words run together
// (CamelCase or snake_case with no digit).
func random(s string) bool {
	var lower, upper, digit bool
	counts := map[rune]int{}
	for _, r := range s {
		counts[r]++
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		}
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit} {
		if b {
			classes++
		}
	}
	if classes < 2 {
		return false
	}
	bits := 0.0
	for _, n := range counts {
		p := float64(n) / float64(len(s))
		bits -= p * math.Log2(p)
	}
	if bits < 3 {
		return false
	}
	return digit || !words(s)
}

// words reports whether s is letters in words run together: each run of
// letters a capital and small letters, or two or more small letters
// ("ThisIsMyClientName", "my_app_name").
func words(s string) bool {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') }) {
		for len(w) > 0 {
			i := 0
			if w[0] >= 'A' && w[0] <= 'Z' {
				i = 1
			}
			j := i
			for j < len(w) && w[j] >= 'a' && w[j] <= 'z' {
				j++
			}
			if j-i < 2-i {
				return false // a lone capital, or one small letter
			}
			w = w[j:]
		}
	}
	return true
}

// ParsePasted is Parse for text a person pasted: text that Classify finds
// is no token at all is a *ParseError of kind ErrNotToken saying what it
// looks like, instead of an opaque token.
func ParsePasted(raw string) (*Token, error) {
	if shape, looks := Classify(raw); shape == ShapeText && strings.TrimSpace(raw) != "" {
		return nil, &ParseError{Segment: "token", Offset: -1, Kind: ErrNotToken,
			Reason: "not a token: it looks like " + looks}
	}
	return Parse(raw)
}
