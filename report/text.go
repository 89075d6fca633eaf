package report

import (
	"strings"
	"unicode/utf8"
)

// Printable makes text from a provider, a page or a token safe to print on
// a terminal or in Markdown: control characters (ESC above all, which would
// let a hostile server drive the terminal) become their visible Unicode
// pictures (␛, ␉); C1 controls, the bidirectional overrides and isolates
// (U+202A to U+202E, U+2066 to U+2069, which make text read other than it
// is) and invalid UTF-8 become U+FFFD. Clean text comes back as it was,
// without copying.
func Printable(s string) string {
	clean := utf8.ValidString(s)
	for _, r := range s {
		if r < 0x20 || r == 0x7f || unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r < 0x20:
			return 0x2400 + r
		case r == 0x7f:
			return 0x2421
		case unsafeRune(r):
			return utf8.RuneError
		}
		return r
	}, s)
}

// ContentTypeOr is a Content-Type for a message: the header's value, or
// "no content type" when there was none.
func ContentTypeOr(ct string) string {
	if ct == "" {
		return "no content type"
	}
	return ct
}

// Untick drops the backticks of the Markdown code spans the engine's
// messages and hints carry ("no `audience`"): on a screen or in plain text they are
// noise. Text with an odd number of them is left as it is.
func Untick(s string) string {
	if n := strings.Count(s, "`"); n == 0 || n%2 != 0 {
		return s
	}
	return strings.ReplaceAll(s, "`", "")
}
