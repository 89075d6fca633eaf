package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/internal/tmuxtest"
)

// terminalRun runs "decode -" as on a terminal, reading from r, and
// returns its stdout and stderr (with the error it ends with) once it
// ends.
func terminalRun(r io.Reader) <-chan [2]string {
	done := make(chan [2]string, 1)
	go func() {
		o := &decodeOptions{now: time.Now, loc: time.UTC, kind: "auto", skew: decode.DefaultSkew, isTTY: func(io.Reader) bool { return true }}
		var out, errOut bytes.Buffer
		cmd := &cobra.Command{}
		cmd.SetIn(r)
		cmd.SetOut(&out)
		cmd.SetErr(&errOut)
		if err := o.run(cmd, []string{"-"}); err != nil {
			errOut.WriteString(err.Error()) // as run prints it
		}
		done <- [2]string{out.String(), errOut.String()}
	}()
	return done
}

// TestDecodeTerminal: "decode -" at a terminal says what it waits for and
// decodes a whole token at Enter, without waiting for the end of input
// (Ctrl-D); a JWT wrapped over lines waits for its last line.
func TestDecodeTerminal(t *testing.T) {
	t.Setenv("AUTHTRACE_TOKEN", "")
	tok := freshToken(t, "https://api.example.com")
	wait := func(t *testing.T, done <-chan [2]string) [2]string {
		t.Helper()
		select {
		case got := <-done:
			return got
		case <-time.After(5 * time.Second):
			t.Fatal("still reading after the token's last line: it waits for Ctrl-D")
		}
		return [2]string{}
	}
	t.Run("one line", func(t *testing.T) {
		pr, pw := io.Pipe()
		defer pw.Close() // never closed before the answer: no EOF
		done := terminalRun(pr)
		io.WriteString(pw, tok+"\n") //nolint:errcheck // a pipe
		got := wait(t, done)
		if !strings.Contains(got[1], "Paste a token (JWT or opaque) and press Enter") {
			t.Errorf("stderr does not say what it waits for:\n%s", got[1])
		}
		if !strings.Contains(got[0], "aud  https://api.example.com") {
			t.Errorf("stdout does not show the token:\n%s", got[0])
		}
	})
	t.Run("wrapped", func(t *testing.T) {
		pr, pw := io.Pipe()
		defer pw.Close()
		done := terminalRun(pr)
		lines := strings.SplitAfter(strings.TrimSuffix(fold(tok, 40), "\n"), "\n")
		for _, l := range lines[:len(lines)-1] {
			io.WriteString(pw, l) //nolint:errcheck // a pipe
		}
		select {
		case got := <-done:
			t.Fatalf("decoded before the last line came:\n%s%s", got[0], got[1])
		case <-time.After(100 * time.Millisecond):
		}
		io.WriteString(pw, lines[len(lines)-1]+"\n") //nolint:errcheck // a pipe
		got := wait(t, done)
		if !strings.Contains(got[0], "✓ no problems found") {
			t.Errorf("the wrapped token, put back together:\n%s%s", got[0], got[1])
		}
		// Each Enter that did not end it said so, rather than nothing.
		if n := strings.Count(got[1], "not a whole token yet"); n != len(lines)-1 {
			t.Errorf("said %d times that the token is not whole yet, want %d:\n%s", n, len(lines)-1, got[1])
		}
	})
	// Typed or pasted, the input never ends (no Ctrl-D): the answer
	// comes at Enter.
	for _, tc := range []struct{ name, typed, want string }{
		{"an empty line ends a broken token", "eyJhbGciOiJIUzI1NiJ9.eyJ\n\n", "jwt.malformed"},
		{"text", "not a token\n", "looks like text with spaces"},
		{"token response", "{\n  \"access_token\": \"" + tok + "\",\n  \"token_type\": \"Bearer\"\n}\n", "access_token · jwt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			defer pw.Close()
			done := terminalRun(pr)
			io.WriteString(pw, tc.typed) //nolint:errcheck // a pipe
			if got := wait(t, done); !strings.Contains(got[0], tc.want) {
				t.Errorf("output does not say %q:\n%s%s", tc.want, got[0], got[1])
			}
		})
	}
	for _, tc := range []struct{ name, in, want string }{
		{"Ctrl-D at once", "", "no token entered"},
		{"Ctrl-D after a token", tok, "aud  https://api.example.com"},
		{"binary", "\x00\x01\n", "binary"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := wait(t, terminalRun(strings.NewReader(tc.in)))
			if !strings.Contains(got[0]+got[1], tc.want) {
				t.Errorf("output does not say %q:\n%s%s", tc.want, got[0], got[1])
			}
		})
	}
}

// TestDecodePasteLongTokenInTerminal: a JWT longer than a terminal's line
// limit (4095 bytes on Linux), pasted at `decode -` in a real terminal,
// is decoded whole at the Enter.
func TestDecodePasteLongTokenInTerminal(t *testing.T) {
	bin := tmuxtest.Build(t)
	groups := make([]string, 200)
	for i := range groups {
		groups[i] = fmt.Sprintf("a1b2c3d4-0000-4000-8000-%012d", i)
	}
	claims, _ := json.Marshal(map[string]any{"aud": "api://long", "iss": "https://login.example/", "groups": groups, "exp": 4102444800})
	tok := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + base64.RawURLEncoding.EncodeToString(claims) + "." + base64.RawURLEncoding.EncodeToString([]byte("a signature of 32 bytes, exactly"))
	if len(tok) < 5000 {
		t.Fatalf("token of %d bytes is not over the line limit", len(tok))
	}
	s := tmuxtest.Start(t, t.TempDir(), 120, 40, fmt.Sprintf("%q decode -", bin))
	s.WaitFor("Paste a token")
	s.Keys("-l", tok)
	s.Keys("Enter")
	if got := s.Status(); got != "0" {
		t.Errorf("exit status %s, want 0; screen:\n%s", got, s.Screen())
	}
	// The claims are wrapped on screen: compare without the breaks.
	screen := s.Screen()
	joined := strings.Join(strings.Fields(screen), "")
	if !strings.Contains(joined, "a1b2c3d4-0000-4000-8000-000000000199\"]") || !strings.Contains(screen, "https://login.example/") || strings.Contains(screen, "malformed") {
		t.Errorf("the long token was not decoded whole:\n%s", screen)
	}
}

func TestRawLineReader(t *testing.T) {
	long := strings.Repeat("x", 9000)
	tests := []struct {
		in      string
		want    []string
		wantErr error
	}{
		{"abc\r", []string{"abc\n"}, nil},
		{long + "\r", []string{long + "\n"}, nil},
		{"ab\x7fc\rsecond\n", []string{"ac\n", "second\n"}, nil},
		{"\x1b[200~pasted\x1b[201~\r", []string{"pasted\n"}, nil},
		{"ab\x1bOAc\x1b[Dd\r", []string{"abcd\n"}, nil}, // arrows, SS3 and CSI
		{"\x04", nil, io.EOF},
		{"par\x03", nil, errInterrupted},
	}
	for _, tt := range tests {
		var echo bytes.Buffer
		lr := &rawLineReader{r: strings.NewReader(tt.in), echo: &echo}
		var got []string
		var err error
		for {
			var line string
			line, err = lr.next()
			if err != nil {
				break
			}
			got = append(got, line)
		}
		if !slices.Equal(got, tt.want) || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
			t.Errorf("%.20q: lines %.40q, err %v; want %.40q, %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
