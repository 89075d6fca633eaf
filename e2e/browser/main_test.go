package main

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseArgs(t *testing.T) {
	const sh = "/bin/sh" // any file stands in for Chromium here
	tests := []struct {
		name         string
		args         []string
		wantErr      string // substring; "" means no error
		wantCallback string
		wantDeny     bool
		wantTimeout  time.Duration
	}{
		{
			name:         "callback from redirect_uri",
			args:         []string{"-chromium", sh, "http://127.0.0.1:9/auth?redirect_uri=http%3A%2F%2F127.0.0.1%3A5555%2Fcallback&state=x"},
			wantCallback: "http://127.0.0.1:5555",
			wantTimeout:  30 * time.Second,
		},
		{
			name:         "explicit callback, deny, timeout",
			args:         []string{"-chromium", sh, "-deny", "-timeout", "5s", "-callback", "http://localhost:7000/cb", "https://idp.test/authorize"},
			wantCallback: "http://localhost:7000",
			wantDeny:     true,
			wantTimeout:  5 * time.Second,
		},
		{name: "no URL", args: []string{"-chromium", sh}, wantErr: "exactly one URL"},
		{name: "two URLs", args: []string{"-chromium", sh, "http://a.test/", "http://b.test/"}, wantErr: "exactly one URL"},
		{name: "relative URL", args: []string{"-chromium", sh, "/auth?redirect_uri=x"}, wantErr: "not an absolute"},
		{name: "no redirect_uri", args: []string{"-chromium", sh, "http://127.0.0.1:9/auth"}, wantErr: "no redirect_uri"},
		{name: "bad callback", args: []string{"-chromium", sh, "-callback", "cb", "http://127.0.0.1:9/auth"}, wantErr: "not an absolute URL"},
		{name: "no chromium", args: []string{"-chromium", "/nonexistent/chromium", "http://127.0.0.1:9/auth?redirect_uri=http://127.0.0.1:1/cb"}, wantErr: "chromium not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseArgs(tt.args, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("error = %v, want none", err)
			}
			if o.callback != tt.wantCallback || o.deny != tt.wantDeny || o.timeout != tt.wantTimeout {
				t.Errorf("callback, deny, timeout = %q, %t, %s; want %q, %t, %s",
					o.callback, o.deny, o.timeout, tt.wantCallback, tt.wantDeny, tt.wantTimeout)
			}
		})
	}
}

func TestRunUsage(t *testing.T) {
	var stderr strings.Builder
	if got := run([]string{"-chromium", "/bin/sh"}, &stderr); got != 2 {
		t.Errorf("exit = %d, want 2 for a missing URL; stderr %q", got, stderr.String())
	}
	if got := run([]string{"-h"}, io.Discard); got != 0 {
		t.Errorf("exit = %d for -h, want 0", got)
	}
}

// FuzzParseArgs: whatever URL authtrace hands over, the helper answers
// with options or an error, never a panic.
func FuzzParseArgs(f *testing.F) {
	f.Add("http://127.0.0.1:9/auth?redirect_uri=http%3A%2F%2F127.0.0.1%3A5555%2Fcallback")
	f.Add("https://idp.test/authorize?redirect_uri=%ZZ")
	f.Add("http://[::1]:80/?redirect_uri=//x")
	f.Fuzz(func(t *testing.T, u string) {
		o, err := parseArgs([]string{"-chromium", "/bin/sh", "--", u}, io.Discard)
		if errors.Is(err, flag.ErrHelp) {
			t.Fatalf("a URL argument was read as -h: %q", u)
		}
		if err == nil && !strings.Contains(o.callback, "://") {
			t.Fatalf("callback %q from %q is not an origin", o.callback, u)
		}
	})
}
