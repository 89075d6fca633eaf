package main

import (
	"strings"
	"testing"
)

// TestSuggestions: a mistyped command or flag is a usage error that says
// what was probably meant.
func TestSuggestions(t *testing.T) {
	tests := []struct {
		args []string
		want []string // in stderr, in this order
		not  string
	}{
		{[]string{"logn"}, []string{`unknown command "logn"`, "Did you mean this?\n\tlogin\n", "Run 'authtrace --help' for usage."}, ""},
		{[]string{"decod", "x"}, []string{`unknown command "decod"`, "\tdecode\n"}, ""},
		{[]string{"cods"}, []string{"\tcodes\n"}, ""},
		{[]string{"xyzzy"}, []string{`unknown command "xyzzy"`, "Run 'authtrace --help'"}, "Did you mean"},
		{[]string{"login", "--clent-id", "x"}, []string{"unknown flag: --clent-id", "Did you mean this?\n\t--client-id\n", "Run 'authtrace login --help'"}, ""},
		{[]string{"demo", "--fualt", "loop"}, []string{"\t--fault\n"}, ""},
		{[]string{"trace", "--zzzzzzzz"}, []string{"unknown flag: --zzzzzzzz"}, "Did you mean"},
		// What people type for authtrace's own words, where it has them.
		{[]string{"login", "--audience", "x"}, []string{"\t--param audience=VALUE", "\t--expect-aud VALUE"}, ""},
		{[]string{"decode", "--audience", "x"}, []string{"\t--expect-aud VALUE"}, "--param"},
		{[]string{"trace", "--callback", "x"}, []string{"\t--redirect-uri\n"}, ""},
		{[]string{"login", "--redirect", "x"}, []string{"\t--redirect-uri\n"}, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, stderr := runCLI(t, tt.args...)
			if code != exitUsage || out != "" {
				t.Errorf("exit %d, stdout %q; want %d and nothing", code, out, exitUsage)
			}
			rest := stderr
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("stderr lacks %q (in order):\n%s", w, stderr)
				}
				rest = rest[i+len(w):]
			}
			for _, line := range strings.Split(stderr, "\n") {
				if strings.HasPrefix(line, "\t") && strings.Count(stderr, line+"\n") > 1 {
					t.Errorf("suggested twice: %q\n%s", line, stderr)
				}
			}
			if tt.not != "" && strings.Contains(stderr, tt.not) {
				t.Errorf("stderr says %q:\n%s", tt.not, stderr)
			}
		})
	}
}
