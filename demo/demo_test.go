package demo

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authtrace/authtrace/flow"
)

// TestUnknownFault: another name lists the faults, with the one probably
// meant first when the name is a near miss.
func TestUnknownFault(t *testing.T) {
	for name, meant := range map[string]string{"typo": "", "state-sufix": "state-suffix", "STATE_SUFFIX": "state-suffix", "statesuffix": "state-suffix", "nonee": "none"} {
		_, err := Start(name)
		if err == nil {
			t.Fatalf("Start(%q) succeeded", name)
		}
		if !strings.Contains(err.Error(), "state-base64, redirect-slash") {
			t.Errorf("Start(%q): %v; want the faults listed", name, err)
		}
		if did := strings.Contains(err.Error(), "did you mean"); did != (meant != "") || meant != "" && !strings.Contains(err.Error(), "did you mean "+meant+"?") {
			t.Errorf("Start(%q): %v; want a suggestion of %q", name, err, meant)
		}
	}
}

// TestStartAtIssuesOnItsClock: tokens carry the clock's time, so a login
// recorded against the demo gives the same tokens every time.
func TestStartAtIssuesOnItsClock(t *testing.T) {
	at := time.Date(2026, 11, 29, 14, 59, 45, 0, time.UTC)
	s, err := StartAt("none", func() time.Time { return at })
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cfg := s.Config()
	cfg.OpenBrowser = s.Browse
	cfg.Now = func() time.Time { return at.Add(time.Second) }
	rep, err := flow.Run(context.Background(), cfg, nil)
	if err != nil || len(rep.Tokens) == 0 {
		t.Fatalf("Run: %v, %d tokens", err, len(rep.Tokens))
	}
	// The library stamps iat, nbf, the ID token's exp and auth_time on the
	// real clock moved by the client's clock skew; the access token's exp
	// is the storage's.
	want := map[string]int64{"iat": at.Unix(), "nbf": at.Unix(), "exp": at.Add(time.Hour).Unix(), "auth_time": at.Unix()}
	for _, tok := range rep.Tokens {
		if tok.Format != "jwt" {
			continue
		}
		var claims map[string]any
		if err := json.Unmarshal(tok.Claims, &claims); err != nil {
			t.Fatal(err)
		}
		for name, w := range want {
			if v, ok := claims[name].(float64); ok && int64(v) != w {
				t.Errorf("%s %s = %d, want %d", tok.Kind, name, int64(v), w)
			}
		}
		if _, ok := claims["iat"]; !ok {
			t.Errorf("%s has no iat", tok.Kind)
		}
	}
}

// TestEveryFaultShowsSomething: a fault is there to show a problem, and
// the healthy demo shows none; each expected finding names a code.
func TestEveryFaultShowsSomething(t *testing.T) {
	for _, f := range Faults {
		if shows := len(f.Errors) + len(f.Warnings); (f.Name == "none") != (shows == 0) {
			t.Errorf("fault %s shows %d findings", f.Name, shows)
		}
		for _, c := range append(slices.Clone(f.Errors), f.Warnings...) {
			if code, _, _ := strings.Cut(c, " "); !strings.Contains(code, ".") {
				t.Errorf("fault %s: %q is not a finding code", f.Name, c)
			}
		}
	}
}
