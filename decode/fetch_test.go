package decode

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadCapped(t *testing.T) {
	cases := []struct {
		in            string
		max           int64
		want          string
		wantTruncated bool
	}{
		{"", 4, "", false},
		{"abcd", 4, "abcd", false},
		{"abcde", 4, "abcd", true},
		{strings.Repeat("x", 100), 10, strings.Repeat("x", 10), true},
	}
	for _, tc := range cases {
		got, truncated, err := ReadCapped(strings.NewReader(tc.in), tc.max)
		if err != nil || string(got) != tc.want || truncated != tc.wantTruncated {
			t.Errorf("ReadCapped(%q, %d) = %q, %v, %v; want %q, %v", tc.in, tc.max, got, truncated, err, tc.want, tc.wantTruncated)
		}
	}
	boom := errors.New("connection reset")
	if _, _, err := ReadCapped(iotest.ErrReader(boom), 4); !errors.Is(err, boom) {
		t.Errorf("ReadCapped of a failing reader: %v, want its error", err)
	}
}

// TestFetchReason: a JWKS or metadata GET that failed is worded without
// Go's internals ("Get \"...\": dial tcp ...: connect:").
func TestFetchReason(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	dead := srv.URL
	srv.Close()
	ctx := context.Background()
	_, err := getJSON(ctx, nil, dead+"/jwks")
	var fe *FetchError
	if !errors.As(err, &fe) {
		t.Fatalf("refused: %v, want a *FetchError", err)
	}
	if fe.Reason() != "connection refused" {
		t.Errorf("refused: Reason of %v = %q, want connection refused", err, fe.Reason())
	}
	live := httptest.NewServer(http.NotFoundHandler())
	defer live.Close()
	_, err = getJSON(ctx, live.Client(), live.URL+"/jwks")
	if !errors.As(err, &fe) || fe.Reason() != "status 404 Not Found" {
		t.Errorf("404: %v, want a *FetchError whose Reason is the status", err)
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&url.Error{Op: "Get", URL: "https://x.invalid/", Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}}}, "cannot resolve host x.invalid: no such host"},
		{&url.Error{Op: "Get", URL: "https://x/", Err: context.DeadlineExceeded}, "no answer in time"},
		{&url.Error{Op: "Get", URL: "https://x/", Err: http.ErrSchemeMismatch}, "the server answered plain HTTP to an https URL"},
		{&url.Error{Op: "Get", URL: "https://x/", Err: errors.New("odd")}, "odd"},
	} {
		if got := NetReason(tc.err); got != tc.want {
			t.Errorf("NetReason(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
