package flow

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// chainServer redirects /hop/1 -> /hop/2 ... and answers a page at /hop/n.
func chainServer(tb testing.TB, n int) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
		if i >= n {
			fmt.Fprint(w, "<html><form><input name=login></form></html>")
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d?%s", i+1, r.URL.RawQuery), http.StatusFound)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// BenchmarkTrace6Hops is the in-process half of the preflight target; the
// whole-process comparison with curl is bench/trace.sh.
func BenchmarkTrace6Hops(b *testing.B) {
	srv := chainServer(b, 6)
	cfg := Config{AuthorizeURL: srv.URL + "/hop/1", ClientID: "app", RedirectURI: "http://127.0.0.1:53682/callback"}
	for b.Loop() {
		rep, err := Trace(context.Background(), cfg, nil)
		if err != nil || len(rep.Hops) != 7 {
			b.Fatalf("Trace: %v, %d hops", err, len(rep.Hops))
		}
	}
}

func TestTraceChain(t *testing.T) {
	srv := chainServer(t, 6)
	cfg := Config{AuthorizeURL: srv.URL + "/hop/1", ClientID: "app", RedirectURI: "https://global.consent.azure-apim.net/redirect", State: "s"}
	rep, err := Trace(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Hops) != 7 {
		t.Fatalf("%d hops, want the sent one and 6 followed", len(rep.Hops))
	}
	for _, h := range rep.Hops[1:6] {
		if h.Status != http.StatusFound || h.Params["state"] != "s" {
			t.Errorf("hop %d: status %d state %q, want 302 with state s", h.N, h.Status, h.Params["state"])
		}
	}
	if last := rep.Hops[6]; last.Status != http.StatusOK || last.Role != "authorize" && last.Role != "provider" {
		t.Errorf("last hop %+v, want the 200 page", last)
	}
	if len(rep.Findings) != 0 {
		t.Errorf("findings %v on a clean chain", codes(rep))
	}
}
