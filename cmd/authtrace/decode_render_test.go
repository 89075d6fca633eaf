package main

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// sgrSeq matches the colour sequences decode's own styles draw.
var sgrSeq = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// TestDecodeNeverPrintsControls: a token's header and claims are whatever
// its issuer (or whoever pasted it) wrote. An OSC or a bell in a claim must
// show as a picture, never reach the terminal, in the coloured and the
// plain layouts; other text (a name with an accent) stays as written.
func TestDecodeNeverPrintsControls(t *testing.T) {
	t.Setenv("AUTHTRACE_TOKEN", "")
	t.Setenv("AUTHTRACE_JWT_SECRET", "")
	tok := hs256(t, `{"alg":"HS256","kid":"k\u001b]0;PWNED\u0007"}`,
		`{"sub":"\u001b]0;PWNED\u0007x","name":"Zoë","aud":"\u009b2J\u001b[2Aaud"}`)
	for _, tc := range []struct {
		name  string
		color bool
	}{{"coloured", true}, {"plain", false}} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.color {
				t.Setenv("TTY_FORCE", "1")
				t.Setenv("TERM", "xterm-256color")
				t.Setenv("NO_COLOR", "")
			} else {
				t.Setenv("NO_COLOR", "1")
			}
			_, out, _ := runDecode(t, "", tok, "--aud", "y")
			rest := sgrSeq.ReplaceAllString(out, "")
			for _, r := range rest {
				if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) {
					t.Fatalf("control character %U reached the output:\n%q", r, out)
				}
			}
			plain := ansi.Strip(out)
			for _, want := range []string{"␛]0;PWNED␇x", "Zoë", "kid k␛]0;PWNED␇", "jwt.aud_mismatch"} {
				if !strings.Contains(plain, want) {
					t.Errorf("output lacks %q:\n%s", want, plain)
				}
			}
		})
	}
}

// TestDecodeCaretUnderTheByte: the caret under a parse error points at the
// offending character, also after text that is not ASCII.
func TestDecodeCaretUnderTheByte(t *testing.T) {
	t.Setenv("AUTHTRACE_TOKEN", "")
	t.Setenv("NO_COLOR", "1")
	_, out, _ := runDecode(t, "", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.Zoë\x1b*")
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		col := strings.Index(l, "^ offset")
		if col < 0 || i == 0 {
			continue
		}
		above := []rune(lines[i-1])
		at := utf8.RuneCountInString(l[:col])
		if at >= len(above) {
			t.Fatalf("caret at column %d beyond the excerpt %q", at, lines[i-1])
		}
		if got := string(above[at]); got != "ë" && got != "␛" {
			t.Errorf("caret points at %q:\n%s\n%s", got, lines[i-1], l)
		}
		return
	}
	t.Errorf("no caret in the output:\n%s", out)
}
