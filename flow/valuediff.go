package flow

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Reading two values character by character: percent-escapes, case,
// common prefix and suffix, positions. The state and redirect_uri
// classifications both describe a difference with these.

// decodesTo reports whether decoding some of enc's percent-escapes (and,
// with plus, turning '+' into a space) gives dec, and returns the byte
// offset in enc of the first one decoded. Two greedy walks, one preferring
// to decode an escape and one preferring to read it literally, cover whole
// and partial decoding as they happen in practice without backtracking.
func decodesTo(enc, dec string, plus bool) (first int, ok bool) {
	if first, ok := decodeWalk(enc, dec, plus, true); ok {
		return first, true
	}
	return decodeWalk(enc, dec, plus, false)
}

func decodeWalk(enc, dec string, plus, decodeFirst bool) (first int, ok bool) {
	first = -1
	i, j := 0, 0
	for i < len(enc) && j < len(dec) {
		if enc[i] == '%' && i+2 < len(enc) && hexDigit(enc[i+1]) && hexDigit(enc[i+2]) &&
			hexValue(enc[i+1])<<4|hexValue(enc[i+2]) == dec[j] && (decodeFirst || enc[i] != dec[j]) {
			if first < 0 {
				first = i
			}
			i += 3
			j++
			continue
		}
		if plus && enc[i] == '+' && dec[j] == ' ' {
			if first < 0 {
				first = i
			}
			i++
			j++
			continue
		}
		if enc[i] != dec[j] {
			return -1, false
		}
		i++
		j++
	}
	if i != len(enc) || j != len(dec) || first < 0 {
		return -1, false
	}
	return first, true
}

func hexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexValue(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}

// escapeAt returns the escape at byte offset i of s: "%XX" or "+".
func escapeAt(s string, i int) string {
	if i >= 0 && i+3 <= len(s) && s[i] == '%' {
		return s[i : i+3]
	}
	if i >= 0 && i < len(s) {
		return s[i : i+1]
	}
	return ""
}

func unescapeSeq(seq string) string {
	if len(seq) == 3 && seq[0] == '%' {
		return string([]byte{hexValue(seq[1])<<4 | hexValue(seq[2])})
	}
	if seq == "+" {
		return " "
	}
	return seq
}

// runePos returns the 1-based character position of byte offset i in s.
func runePos(s string, i int) int {
	if i > len(s) {
		i = len(s)
	}
	return utf8.RuneCountInString(s[:i]) + 1
}

// quoteCut quotes s, cut to max bytes on a character boundary.
func quoteCut(s string, max int) string {
	if len(s) <= max {
		return fmt.Sprintf("%q", s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q...", s[:cut])
}

// caseChanged reports whether got is sent with letters in another case.
func caseChanged(sent, got string) (string, bool) {
	if !strings.EqualFold(sent, got) {
		return "", false
	}
	rs, rg := []rune(sent), []rune(got)
	if len(rs) != len(rg) {
		return "", false
	}
	first, n := -1, 0
	for i := range rs {
		if rs[i] != rg[i] {
			if first < 0 {
				first = i
			}
			n++
		}
	}
	if first < 0 {
		// Different invalid bytes read as the same replacement rune.
		return "", false
	}
	d := fmt.Sprintf("%q became %q at character %d", string(rs[first]), string(rg[first]), first+1)
	if esc := escapeAround(rs, first); esc != "" {
		d += fmt.Sprintf(", inside the percent-escape %q (which encodes the same character: something re-encoded the value)", esc)
	}
	switch {
	case got == strings.ToLower(sent):
		d += fmt.Sprintf("; the whole value was lower-cased (%d characters changed)", n)
	case got == strings.ToUpper(sent):
		d += fmt.Sprintf("; the whole value was upper-cased (%d characters changed)", n)
	case n > 1:
		d += fmt.Sprintf(" (%d characters changed case)", n)
	}
	return d, true
}

// escapeAround returns the percent-escape ("%2f") that character i of rs is
// a hex digit of, or "".
func escapeAround(rs []rune, i int) string {
	for start := max(0, i-2); start < i; start++ {
		if rs[start] == '%' && start+2 < len(rs) && rs[start+1] < 128 && rs[start+2] < 128 &&
			hexDigit(byte(rs[start+1])) && hexDigit(byte(rs[start+2])) {
			return string(rs[start : start+3])
		}
	}
	return ""
}

// commonPrefix returns the length in bytes of the longest common prefix of
// a and b that ends on a character boundary of both.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	for n > 0 && (n < len(a) && !utf8.RuneStart(a[n]) || n < len(b) && !utf8.RuneStart(b[n])) {
		n--
	}
	return n
}

func commonSuffix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	for n > 0 && (!utf8.RuneStart(a[len(a)-n]) || !utf8.RuneStart(b[len(b)-n])) {
		n--
	}
	return n
}
