package editdist

import "testing"

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"loop", "", 4},
		{"", "loop", 4},
		{"state-suffix", "state-suffix", 0},
		{"state-sufix", "state-suffix", 1},
		{"client-id", "clientid", 1},
		{"nonee", "none", 1},
		{"kitten", "sitting", 3},
		{"fault", "fualt", 2},
	} {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
