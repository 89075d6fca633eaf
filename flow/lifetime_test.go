package flow

import (
	"context"
	"testing"

	"github.com/authtrace/authtrace/report"
)

func TestLifetimeProblem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"3600", ""},
		{" 3599.9 ", ""},
		{"0", ""},
		{"315360000", ""},
		{"315360001", "is more than ten years"},
		{"1795953600", "is more than ten years"}, // an expiry time, not a lifetime
		{"1e400", "is more than ten years"},
		{"-1", "is negative"},
		{"-0.5", "is negative"},
		{"-1e400", "is negative"},
		{"", "is empty"},
		{"soon", "is not a number of seconds"},
		{"NaN", "is not a number of seconds"},
		{"Infinity", "is not a number of seconds"},
		{"3600s", "is not a number of seconds"},
		{`{"a":1}`, "is not a number of seconds"},
	}
	for _, tt := range tests {
		if got := lifetimeProblem(tt.in); got != tt.want {
			t.Errorf("lifetimeProblem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRunOddExpiresIn: a successful exchange whose expires_in is odd gets
// a token.expires_in warning naming the value, and nothing worse.
func TestRunOddExpiresIn(t *testing.T) {
	for _, tt := range []struct{ body, value, problem string }{
		{`{"access_token":"opaque-at","token_type":"Bearer","expires_in":-30,"refresh_token":"r"}`, "-30", "is negative"},
		{`{"access_token":"opaque-at","token_type":"Bearer","expires_in":"an hour","refresh_token":"r"}`, "an hour", "is not a number of seconds"},
		{`{"access_token":"opaque-at","token_type":"Bearer","expires_in":1795953600,"refresh_token":"r"}`, "1795953600", "is more than ten years"},
	} {
		t.Run(tt.value, func(t *testing.T) {
			p := newFakeProvider(t)
			p.tokenBody, p.tokenType = tt.body, "application/json"
			cfg := baseConfig(p)
			cfg.OpenBrowser = walker(t, p)
			rep, err := Run(context.Background(), cfg, nil)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			f, ok := findingFor(rep, report.CodeTokenExpiresIn)
			if !ok || f.Severity != report.SeverityWarn || f.Detail["expires_in"] != tt.value || f.Detail["problem"] != tt.problem {
				t.Errorf("findings %v: want a token.expires_in warning for %q (%s), got %+v", codes(rep), tt.value, tt.problem, f)
			}
		})
	}
}
