package report

import "testing"

func TestIsPlaceholder(t *testing.T) {
	for v, want := range map[string]bool{
		"[state redacted]":    true,
		"[code redacted]":     true,
		"<redacted>":          true,
		"REDACTED":            true,
		"{{filtered}}":        true,
		"****":                true,
		"xxxxxxxx":            true,
		"%3Credacted%3E":      true,
		"abc123":              false,
		"":                    false,
		"xx":                  false,
		"eyJhbGciOi.redacted": true,
		"s1-hidden-from-nobody-but-a-very-long-real-state-value-0123456789": false,
		"https://app.example.com/cb":                                        false,
	} {
		if got := IsPlaceholder(v); got != want {
			t.Errorf("IsPlaceholder(%q) = %v, want %v", v, got, want)
		}
	}
}
