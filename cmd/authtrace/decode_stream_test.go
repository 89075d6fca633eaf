package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestDecodeBoundsTokens: past maxTokens on standard input, the rest is
// skipped and counted, so memory and time stay small however many lines
// are piped in; what is shown is the first maxTokens, in order.
func TestDecodeBoundsTokens(t *testing.T) {
	t.Setenv("AUTHTRACE_TOKEN", "")
	var b strings.Builder
	const extra = 4000 // past the lines kept, too
	for i := range maxTokens + extra {
		fmt.Fprintf(&b, "Xk2c9VqA3b7-opaque-%06d\n\n", i)
	}
	code, out, errOut := runDecode(t, b.String(), "-", "--json")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	var got jsonOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Tokens) != maxTokens {
		t.Fatalf("%d tokens decoded, want %d", len(got.Tokens), maxTokens)
	}
	want := fmt.Sprintf("holds more than %d tokens: the first %d are shown, the rest skipped (%d more lines)", maxTokens, maxTokens, extra)
	if !strings.Contains(errOut, want) {
		t.Errorf("stderr %q does not say %q", errOut, want)
	}
	// Under the bound nothing is said.
	_, _, errOut = runDecode(t, "Xk2c9VqA3b7-opaque-001\nXk2c9VqA3b7-opaque-002\n", "-")
	if strings.Contains(errOut, "skipped") {
		t.Errorf("two tokens: %s", errOut)
	}
}
