package report

import "strings"

// placeholderWords are what sanitisers put where a value was: support
// portals write "[state redacted]", "<code removed>", "REDACTED",
// "{{filtered}}"; authtrace's own markers say "redacted" too.
var placeholderWords = []string{"redacted", "removed", "filtered", "sanitized", "sanitised", "masked", "omitted", "hidden", "scrubbed"}

// IsPlaceholder reports whether v is a sanitiser's placeholder rather than
// a value: a short text naming what was taken out ("[state redacted]",
// "<redacted>", "REDACTED"), or a run of masking characters ("****",
// "xxxxxx"). A comparison treats such a value as unknown, never as changed:
// the value that was there is not in the file.
func IsPlaceholder(v string) bool {
	s := strings.ToLower(strings.TrimSpace(v))
	if len(s) >= 3 && strings.Trim(s, "*x•·.") == "" {
		return true
	}
	if len(s) > 48 {
		return false // a real value with a word in it (a long opaque state)
	}
	inner := strings.Trim(s, "[]<>{}()%_-:# ")
	for _, w := range placeholderWords {
		if strings.Contains(inner, w) {
			return true
		}
	}
	return false
}
