package flow

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestWordsIn(t *testing.T) {
	flag := func(s Setting) string { return "--" + string(s) }
	tests := []struct {
		in   Words
		name func(Setting) string
		want string
	}{
		{"raise {{timeout}}", nil, "raise the whole run's time limit"},
		{"raise {{timeout}}", flag, "raise --timeout"},
		{"give {{authorize_url}} and {{token_url}} instead", flag, "give --authorize_url and --token_url instead"},
		{`state "{{x}}" and {{ unclosed`, flag, `state "{{x}}" and {{ unclosed`},
		{"{{issuer}}", flag, "--issuer"},
		{"no marks", flag, "no marks"},
	}
	for _, tt := range tests {
		if got := tt.in.In(tt.name); got != tt.want {
			t.Errorf("Words(%q).In = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPhrase(t *testing.T) {
	flag := func(s Setting) string { return "--" + string(s) }
	ce := &ConfigError{Setting: SettingParams, Problem: `"state" is set by authtrace itself`, Use: SettingState}
	if got, want := Phrase(fmt.Errorf("settings: %w", ce), flag), `--params: "state" is set by authtrace itself; use --state instead`; got != want {
		t.Errorf("Phrase(ConfigError) = %q, want %q", got, want)
	}
	if got, want := ce.Error(), `the extra authorize parameters: "state" is set by authtrace itself; use the state setting instead`; got != want {
		t.Errorf("ConfigError.Error = %q, want %q", got, want)
	}
	te := &TimeoutError{Limit: time.Minute, Phase: PhaseWaiting, Browser: true}
	if !errors.Is(te, ErrTimeout) {
		t.Errorf("TimeoutError is not ErrTimeout")
	}
	if got := Phrase(te, flag); got != "no callback arrived in time: waited 1m0s (raise --timeout, or check that the browser reached the redirect URI)" {
		t.Errorf("Phrase(TimeoutError) = %q", got)
	}
	if got := Phrase(errors.New("plain"), flag); got != "plain" {
		t.Errorf("Phrase(plain) = %q", got)
	}
}

func TestDefaultRedirectURIHasDefaultPort(t *testing.T) {
	lb, err := parseRedirectURI(DefaultRedirectURI, 0)
	if err != nil || lb.port != DefaultPort {
		t.Errorf("DefaultRedirectURI %s: port %d, %v; want DefaultPort %d", DefaultRedirectURI, lb.port, err, DefaultPort)
	}
}
