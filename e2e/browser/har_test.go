package main

import (
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/har"
)

func TestTimings(t *testing.T) {
	// Issued at 10.000s, started at 10.002s; a reused connection (no DNS,
	// connect or TLS), sent 1ms in, headers 5ms in, finished at 10.010s.
	rt := &network.ResourceTiming{RequestTime: 10.002, DNSStart: -1, DNSEnd: -1, ConnectStart: -1, ConnectEnd: -1,
		SslStart: -1, SslEnd: -1, SendStart: 1, SendEnd: 1.5, ReceiveHeadersEnd: 5}
	got := timings(10.000, 10.010, rt)
	want := har.Timings{Blocked: 3, DNS: -1, SSL: -1, Connect: -1, Send: 0.5, Wait: 3.5, Receive: 3}
	approx := cmp.Comparer(func(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 })
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("timings (-want +got):\n%s", diff)
	}
	if got := timings(1, 2, nil); got != (har.Timings{}) {
		t.Errorf("timings without the protocol's = %+v, want zero (written as Chrome's unknown)", got)
	}
}

func TestNVs(t *testing.T) {
	got := nvs(network.Headers{"set-cookie": "a=1\nb=2", "Location": "/x", "content-type": "text/html"})
	want := []har.NV{{Name: "content-type", Value: "text/html"}, {Name: "Location", Value: "/x"},
		{Name: "set-cookie", Value: "a=1"}, {Name: "set-cookie", Value: "b=2"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
}
