package report

import (
	"net/url"
	"slices"
	"strings"
	"unicode"
)

// placeholderWords are what sanitisers put where a value was: support
// portals write "[state redacted]", "<code removed>", "REDACTED",
// "{{filtered}}"; authtrace's own markers say "redacted" too.
var placeholderWords = []string{"redacted", "removed", "filtered", "sanitized", "sanitised", "masked", "omitted", "hidden", "scrubbed"}

// IsPlaceholder reports whether v is a sanitiser's placeholder rather than
// a value: a few words, one of them naming what was done ("[state
// redacted]", "<code removed>", "REDACTED", "%3Credacted%3E"), or a run of
// masking characters ("****", "xxxxxx"). A URL or a sentence is a value,
// whatever words it has ("https://app.example.com/hidden/cb", "the
// request was removed by policy"). A comparison treats a placeholder as
// unknown, never as changed: the value that was there is not in the file.
func IsPlaceholder(v string) bool {
	s := strings.ToLower(strings.TrimSpace(v))
	if u, err := url.QueryUnescape(s); err == nil {
		s = u
	}
	if len(s) >= 3 && strings.Trim(s, "*x•·.") == "" {
		return true
	}
	if len(s) > 48 || strings.Contains(s, "://") || strings.Contains(s, "/") {
		return false
	}
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 || len(words) > 3 {
		return false
	}
	for _, w := range words {
		if slices.Contains(placeholderWords, w) {
			return true
		}
	}
	return false
}
