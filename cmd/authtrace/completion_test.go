package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/demo"
)

// complete asks the completion that the shell scripts ask for, through
// cobra's hidden __complete command, and returns the offered values.
func complete(t *testing.T, args ...string) []string {
	t.Helper()
	code, out, stderr := runCLI(t, append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %v: exit %d; stderr:\n%s", args, code, stderr)
	}
	var values []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(l, ":") { // the directive
			continue
		}
		v, _, _ := strings.Cut(l, "\t")
		values = append(values, v)
	}
	return values
}

func TestFlagCompletion(t *testing.T) {
	var faults []string
	for _, f := range demo.Faults {
		faults = append(faults, f.Name)
	}
	auth := []string{"post", "basic", "auto"}
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"demo", "--fault", ""}, faults},
		{[]string{"login", "--client-auth", ""}, auth},
		{[]string{"--client-auth", ""}, auth}, // bare authtrace is login
		{[]string{"decode", "--kind", ""}, []string{"access_token", "id_token", "auto"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			if got := complete(t, tt.args...); !slices.Equal(got, tt.want) {
				t.Errorf("completions %q, want %q", got, tt.want)
			}
		})
	}
}
