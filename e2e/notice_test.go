package e2e

import (
	"strings"
	"testing"
)

// TestEnvNotice: the skip line names every missing piece and how to
// install it, says "failing" under CI, and is empty when nothing is missing.
func TestEnvNotice(t *testing.T) {
	tests := []struct {
		name    string
		missing []string
		ci      bool
		want    []string
	}{
		{"nothing missing", nil, false, nil},
		{"nothing missing under CI", nil, true, nil},
		{"chromium", []string{"chromium (not at /usr/bin/chromium)"}, false, []string{"e2e: end-to-end tests skipped: missing chromium (not at /usr/bin/chromium); install with: sudo bash e2e/setup.sh"}},
		{"all", []string{"node (not on PATH)", "chromium (x)", "oidc-provider (y)"}, false, []string{"skipped", "node (not on PATH), chromium (x), oidc-provider (y)", "bash e2e/setup.sh"}},
		{"under CI", []string{"node (not on PATH)"}, true, []string{"failing under CI", "node", "bash e2e/setup.sh"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := envNotice(tt.missing, tt.ci)
			if (got == "") != (len(tt.want) == 0) || strings.Contains(got, "\n") {
				t.Fatalf("envNotice = %q; want one line, empty only when nothing is missing", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("envNotice = %q, lacks %q", got, w)
				}
			}
		})
	}
}
