package decode

import "strings"

// SplitPasted reads pasted lines as tokens, in order: one token per line,
// except that a JWT or JWE wrapped over lines (by fold, a mail client or a
// terminal) is put back together. White space around each line is taken
// off and blank lines are skipped; each token is the text of its lines
// joined, as pasted (Parse takes off quotes and a Bearer prefix).
func SplitPasted(lines []string) []string {
	var kept []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	var out []string
	for _, g := range joinWrapped(kept) {
		out = append(out, strings.Join(g, ""))
	}
	return out
}

// joinWrapped groups lines into tokens: one token per line, except that a
// JWT or JWE wrapped over lines (by fold, a mail client or a terminal) is
// put back together. After a line that starts a JWT come the lines that
// may continue it (base64url and dots, not the start of another token);
// of those, as many are taken as make the token whole: its signature (JWE:
// tag) the size its alg (enc) gives it, or, for an alg of unknown size,
// lines of one width, a wrap's. Last, runs of tokens that do not parse
// alone but do together are joined: that catches a continuation line that
// happened to begin with "eyJ".
func joinWrapped(lines []string) [][]string {
	var groups [][]string
	for i := 0; i < len(lines); {
		n := 1
		if joseText(lines[i]) {
			n = tokenLines(lines[i:])
		}
		groups = append(groups, lines[i:i+n])
		i += n
	}
	var out [][]string
	for i := 0; i < len(groups); {
		j := i
		for j < len(groups) && !usable(strings.Join(groups[j], "")) {
			j++
		}
		if j-i > 1 {
			var run []string
			for _, g := range groups[i:j] {
				run = append(run, g...)
			}
			if usable(strings.Join(run, "")) {
				out = append(out, run)
				i = j
				continue
			}
		}
		out = append(out, groups[i:max(j, i+1)]...)
		i = max(j, i+1)
	}
	return out
}

// maxWrapped and maxWrappedLines bound the text put together from wrapped
// lines: far above any real token (HTTP servers refuse headers over 8 to
// 64 KiB) wrapped at any real width, and low enough that trying each
// count of lines stays cheap.
const (
	maxWrapped      = 64 << 10
	maxWrappedLines = 256
)

// tokenLines says how many of lines, the first of which starts a JWT or
// JWE, it spans.
func tokenLines(lines []string) int {
	// The lines that may continue the token.
	k, size := 1, len(lines[0])
	dots := []int{0, strings.Count(lines[0], ".")} // dots[m]: in the first m lines
	quote := lines[0][:1]
	quoted := strings.Contains("\"'`", quote)
	for ; k < len(lines) && k < maxWrappedLines && size+len(lines[k]) <= maxWrapped; k++ {
		line := lines[k]
		switch {
		case quoted && strings.Trim(line, quote) == "" && !strings.HasSuffix(strings.Join(lines[:k], "")[1:], quote):
			// the closing quote, wrapped onto a line of its own
		case startsToken(line):
			// A break just after the first dot puts the payload's "eyJ"
			// at the start of a line.
			if !strings.HasPrefix(line, "eyJ") || dots[k] != 1 || !strings.HasSuffix(lines[k-1], ".") {
				return bestCount(lines[:k], dots)
			}
		case !segmentText(line):
			return bestCount(lines[:k], dots)
		}
		size += len(line)
		dots = append(dots, dots[k]+strings.Count(line, "."))
	}
	return bestCount(lines[:k], dots)
}

// bestCount says how many of lines, all of which may belong to the token
// the first starts, make the token whole. dots[m] counts the dots in the
// first m lines.
func bestCount(lines []string, dots []int) int {
	k := len(lines)
	// As many as make it whole, preferring more lines. Each count of
	// lines is parsed once.
	toks := make([]*Token, k+1)
	parsed := make([]bool, k+1)
	tokAt := func(m int) *Token {
		if dots[m] != 2 && dots[m] != 4 {
			return nil // not three or five segments: cannot parse as JOSE
		}
		if !parsed[m] {
			toks[m], parsed[m] = parseUsable(lines[:m]), true
		}
		return toks[m]
	}
	for m := k; m >= 1; m-- {
		if tok := tokAt(m); tok != nil && complete(tok) == 1 {
			return m
		}
	}
	for m := k; m >= 1; m-- {
		if tok := tokAt(m); tok != nil && complete(tok) == -1 && (m == 1 || wrapShape(lines[:m])) {
			return m
		}
	}
	for m := 1; m <= k; m++ {
		if tokAt(m) != nil {
			return m
		}
	}
	return k // not a token however joined: show it whole, with its error
}

// parseUsable parses lines joined, or returns nil if that is not a usable
// token.
func parseUsable(lines []string) *Token {
	s := strings.Join(lines, "")
	tok, err := Parse(s)
	if err != nil || tok.Format == FormatOpaque && joseText(s) {
		return nil
	}
	return tok
}

// usable reports whether s is a token by itself: it parses, and is not
// the start of a JWT left open by a quote.
func usable(s string) bool {
	return parseUsable([]string{s}) != nil
}

// wrapShape reports whether lines look wrapped at one width: two or more
// of the same length, then one no longer.
func wrapShape(lines []string) bool {
	if len(lines) < 3 {
		return false
	}
	w := len(lines[0])
	for _, l := range lines[1 : len(lines)-1] {
		if len(l) != w {
			return false
		}
	}
	return len(lines[len(lines)-1]) <= w
}

// segmentText reports whether line can be part of a token: base64url,
// dots, padding, perhaps closing a quote.
func segmentText(line string) bool {
	line = strings.TrimRight(line, "\"'`")
	if line == "" {
		return false
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '=') {
			return false
		}
	}
	return true
}

// startsToken reports whether line begins a token of its own.
func startsToken(line string) bool {
	if strings.HasPrefix(line, "eyJ") || strings.ContainsAny(line[:1], "\"'`") {
		return true
	}
	lower := strings.ToLower(line)
	return strings.HasPrefix(lower, "bearer ") || strings.HasPrefix(lower, "bearer\t") || strings.HasPrefix(lower, "authorization:")
}

// joseText reports whether s, as pasted, begins a JWT or JWE: Clean takes
// off matched quotes and a Bearer prefix, and an opening quote whose end
// is on a later line is taken off here.
func joseText(s string) bool {
	c := strings.TrimLeft(Clean(s), "\"'` ")
	if len(c) > 6 && strings.EqualFold(c[:6], "bearer") {
		c = strings.TrimSpace(c[6:])
	}
	return strings.HasPrefix(c, "eyJ") || strings.HasPrefix(c, "ey") && len(c) < 3
}

// Sizes in bytes of a signature by alg and of a JWE tag by enc.
var (
	sigSizes = map[string]int{
		"HS256": 32, "HS384": 48, "HS512": 64,
		"ES256": 64, "ES384": 96, "ES512": 132, "EdDSA": 64, "Ed25519": 64,
	}
	tagSizes = map[string]int{
		"A128GCM": 16, "A192GCM": 16, "A256GCM": 16,
		"A128CBC-HS256": 16, "A192CBC-HS384": 24, "A256CBC-HS512": 32,
	}
)

// complete says whether tok's last segment has the size its alg (JWE: enc)
// gives it: 1 yes, 0 shorter (cut by a line break), 2 longer, -1 cannot
// tell.
func complete(tok *Token) int {
	segs := strings.Split(tok.Raw, ".")
	n := len(strings.TrimRight(segs[len(segs)-1], "=")) * 6 / 8
	want, known := sigSizes[tok.Alg], false
	switch {
	case tok.Format == FormatJWE:
		want, known = tagSizes[tok.Enc]
	case want > 0:
		known = true
	case rsaAlg(tok.Alg):
		// RSA: the modulus size, 1024 to 8192 bits in steps of 512.
		switch {
		case n > 1024:
			return 2
		case n >= 128 && n%64 == 0:
			return 1
		}
		return 0
	}
	switch {
	case n == 0 && tok.Format == FormatJWT && !tok.SignatureRedacted && tok.Alg != "" && !strings.EqualFold(tok.Alg, "none"):
		return 0 // signed, says its alg, and no signature yet
	case !known:
		return -1
	case n < want:
		return 0
	case n > want:
		return 2
	}
	return 1
}

// PasteComplete reports whether lines, as read so far from a person
// pasting at a terminal, hold whole tokens, so that reading can stop at
// this Enter: each token SplitPasted makes of them is no JWT (an opaque
// token or other text, whole on its line), or a JWT or JWE that parses,
// its last segment no shorter than its alg (enc) gives it. A JWT still
// missing a segment, or whose signature is cut short by a line break (the
// rest of which reads as a token of its own until it comes), wants more
// lines. So does an RSA-signed JWT wrapped at a width its end falls on:
// an empty line ends it.
func PasteComplete(lines []string) bool {
	var kept []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	if len(kept) == 0 {
		return false
	}
	for _, g := range joinWrapped(kept) {
		s := strings.Join(g, "")
		if !joseText(s) {
			continue
		}
		tok := parseUsable([]string{s})
		if tok == nil || complete(tok) == 0 {
			return false
		}
		if rsaAlg(tok.Alg) && len(g) > 1 && len(g[len(g)-1]) == len(g[0]) {
			// An RSA signature's size is one of several: cut at a
			// line of full width, it may be one of them and go on.
			return false
		}
	}
	return true
}

func rsaAlg(alg string) bool {
	return len(alg) == 5 && (strings.HasPrefix(alg, "RS") || strings.HasPrefix(alg, "PS"))
}
