package flow

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestTraceRunTimeout: when the whole run's time limit runs out while a
// hop is still answering, the hop and the error say it was that limit,
// not the request's, and Trace returns the timeout like Run.
func TestTraceRunTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	cfg := Config{AuthorizeURL: srv.URL + "/authorize", ClientID: "app", Timeout: 300 * time.Millisecond, RequestTimeout: 30 * time.Second}
	rep, err := Trace(context.Background(), cfg, nil)
	var te *TimeoutError
	if !errors.As(err, &te) || !errors.Is(err, ErrTimeout) || te.Phase != PhasePreflight {
		t.Fatalf("Trace error = %v, want a TimeoutError during preflight", err)
	}
	flag := func(s Setting) string { return "--" + string(s) }
	if msg := Phrase(err, flag); !strings.Contains(msg, "time limit of 300ms ran out while following the authorize chain (raise --timeout") {
		t.Errorf("message %q should say the whole run's limit ran out", msg)
	}
	last := rep.Hops[len(rep.Hops)-1]
	if !strings.Contains(last.Error, "when the whole run's time limit of 300ms ran out") || strings.Contains(last.Error, "request timeout") {
		t.Errorf("hop error %q should blame the whole run's limit, not the request's", last.Error)
	}
}

// TestRunTimeoutWithoutBrowser: with no browser opened, the timeout does
// not tell the person to check the browser.
func TestRunTimeoutWithoutBrowser(t *testing.T) {
	p := newFakeProvider(t)
	cfg := baseConfig(p)
	cfg.Timeout = 500 * time.Millisecond
	cfg.OpenBrowser = nil
	_, err := Run(context.Background(), cfg, nil)
	var te *TimeoutError
	if !errors.As(err, &te) || te.Phase != PhaseWaiting || te.Browser {
		t.Fatalf("Run error = %#v, want a TimeoutError waiting, without a browser", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "no browser was opened") || strings.Contains(msg, "check that the browser") {
		t.Errorf("message %q blames a browser that was never opened", msg)
	}
}

// TestDiscoveryRunTimeout: discovery cut short by the whole run's limit
// says that limit ran out, not the request's.
func TestDiscoveryRunTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	_, err := Trace(context.Background(), Config{Issuer: srv.URL, ClientID: "app", Timeout: 300 * time.Millisecond, RequestTimeout: 30 * time.Second}, nil)
	var te *TimeoutError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "ran out while discovering the endpoints") {
		t.Errorf("Trace = %v, want the run's TimeoutError during discovery", err)
	}
}
