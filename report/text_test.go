package report

import "testing"

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, ünïcode", "plain text, ünïcode"},
		{"\x1b]0;PWNED\x07\x1b[31mred", "␛]0;PWNED␇␛[31mred"},
		{"tab\there\nline", "tab␉here␊line"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"c1 \u009b", "c1 \uFFFD"},
	}
	for _, tt := range tests {
		if got := Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzPrintable(f *testing.F) {
	f.Add("\x1b[2J")
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range Printable(s) {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
				t.Fatalf("Printable(%q) keeps control %U", s, r)
			}
		}
	})
}
