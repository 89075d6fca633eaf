package e2e

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/demo"
)

const testProvider = "http://127.0.0.1:9/auth"

// follow walks the proxy's redirects in process until they leave the
// proxy, and returns the query the provider would receive and the paths
// visited.
func follow(t testing.TB, p *Proxy, rawQuery string) (url.Values, []string, int) {
	t.Helper()
	h := p.Handler()
	target := "/authorize?" + rawQuery
	var paths []string
	for i := 0; i < 10; i++ {
		req := httptest.NewRequest(http.MethodGet, "http://proxy.test"+target, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		paths = append(paths, req.URL.Path)
		if rec.Code != http.StatusFound {
			return nil, paths, rec.Code
		}
		loc := rec.Header().Get("Location")
		if rest, ok := strings.CutPrefix(loc, testProvider+"?"); ok {
			q, err := url.ParseQuery(rest)
			if err != nil {
				t.Fatalf("provider URL %q: %v", loc, err)
			}
			return q, paths, http.StatusFound
		}
		if !strings.HasPrefix(loc, "/") {
			t.Fatalf("redirect to %q leaves the proxy but not for the provider", loc)
		}
		target = loc
	}
	return nil, paths, http.StatusLoopDetected
}

func TestProxyFaults(t *testing.T) {
	sent := url.Values{
		"client_id":     {"app-post"},
		"response_type": {"code"},
		"redirect_uri":  {"http://127.0.0.1:5555/callback"},
		"state":         {"abc+/=DEF"},
		"audience":      {"https://api.acme.test"},
	}
	healthy := func() url.Values {
		q := url.Values{}
		for k, v := range sent {
			q[k] = append([]string(nil), v...)
		}
		q.Set("organization", "acme")
		q.Set("resource", "https://api.acme.test")
		return q
	}
	tests := []struct {
		fault Fault
		want  func() url.Values
		paths []string
	}{
		{FaultNone, healthy, []string{"/authorize", "/t/acme/authorize"}},
		{FaultStateSuffix, func() url.Values {
			q := healthy()
			q.Set("state", "abc+/=DEF|org=acme")
			return q
		}, []string{"/authorize", "/t/acme/authorize"}},
		{FaultStateBase64, func() url.Values {
			q := healthy()
			q.Set("state", base64.RawURLEncoding.EncodeToString([]byte(`{"state":"abc+/=DEF","tenant":"acme"}`)))
			return q
		}, []string{"/authorize", "/t/acme/authorize"}},
		{FaultRedirectSlash, func() url.Values {
			q := healthy()
			q.Set("redirect_uri", "http://127.0.0.1:5555/callback/")
			return q
		}, []string{"/authorize", "/t/acme/authorize"}},
		{FaultStatePlus, func() url.Values {
			q := healthy()
			q.Set("state", "abc /=DEF")
			return q
		}, []string{"/authorize", "/t/acme/authorize"}},
		{FaultStateEncoded, func() url.Values {
			q := healthy()
			q.Set("state", "abc%2B%2F%3DDEF")
			return q
		}, []string{"/authorize", "/t/acme/authorize"}},
		{FaultDropAudience, func() url.Values {
			q := healthy()
			q.Del("audience")
			q.Del("resource")
			return q
		}, []string{"/authorize", "/t/acme/authorize"}},
	}
	for _, tt := range tests {
		t.Run("fault="+string(tt.fault), func(t *testing.T) {
			got, paths, status := follow(t, &Proxy{AuthorizeURL: testProvider, Fault: tt.fault}, sent.Encode())
			if status != http.StatusFound {
				t.Fatalf("status = %d after %v, want a redirect to the provider", status, paths)
			}
			if diff := cmp.Diff(tt.want(), got); diff != "" {
				t.Errorf("provider query (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.paths, paths); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("loop", func(t *testing.T) {
		_, paths, status := follow(t, &Proxy{AuthorizeURL: testProvider, Fault: FaultLoop}, sent.Encode())
		if status != http.StatusLoopDetected {
			t.Fatalf("status = %d after %v, want a loop", status, paths)
		}
	})
	t.Run("organization from the tenant parameter", func(t *testing.T) {
		q := url.Values{"tenant": {"globex"}, "state": {"s"}}
		got, paths, _ := follow(t, &Proxy{AuthorizeURL: testProvider}, q.Encode())
		if got.Get("organization") != "globex" || got.Has("tenant") {
			t.Errorf("provider query = %v via %v, want organization=globex and no tenant", got, paths)
		}
	})
}

func TestTokenHTML(t *testing.T) {
	srv := httptest.NewServer((&Proxy{AuthorizeURL: testProvider}).Handler())
	defer srv.Close()
	resp, err := http.PostForm(srv.URL+"/token-html", url.Values{"grant_type": {"authorization_code"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/html") {
		t.Errorf("token-html = %d %q, want 200 text/html", resp.StatusCode, ct)
	}
}

// FuzzProxy feeds the proxy any query: it must not panic, must end at the
// provider (or, with the loop fault, loop), and without a fault must pass
// state and redirect_uri through byte for byte, as a correct proxy does.
func FuzzProxy(f *testing.F) {
	f.Add("state=abc&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&audience=x", uint8(0))
	f.Add("organization=a%2Fb&state=%ZZ&state=2", uint8(1))
	f.Add("tenant=..&audience=&resource=r", uint8(3))
	f.Add(";;&&==", uint8(5))
	faults := append([]Fault{FaultNone}, proxyFaults...)
	f.Fuzz(func(t *testing.T, rawQuery string, n uint8) {
		fault := faults[int(n)%len(faults)]
		// A request line with a fragment, spaces or control characters
		// never reaches a handler: the server refuses it first.
		if _, err := url.Parse("http://proxy.test/authorize?" + rawQuery); err != nil || strings.ContainsAny(rawQuery, "# ") {
			t.Skip("not a query an HTTP server hands to its handler")
		}
		got, paths, status := follow(t, &Proxy{AuthorizeURL: testProvider, Fault: fault}, rawQuery)
		in, _ := url.ParseQuery(rawQuery)
		org := in.Get("organization")
		if org == "" {
			org = in.Get("tenant")
		}
		if org != "" && !validOrg.MatchString(org) {
			if status != http.StatusBadRequest {
				t.Fatalf("organization %q: status %d after %v, want 400", org, status, paths)
			}
			return
		}
		if fault == FaultLoop {
			if status != http.StatusLoopDetected {
				t.Fatalf("loop fault ended with %d after %v", status, paths)
			}
			return
		}
		if status != http.StatusFound {
			t.Fatalf("status %d after %v, want the provider", status, paths)
		}
		if fault != FaultNone {
			return
		}
		for _, k := range []string{"state", "redirect_uri", "client_id"} {
			if in.Has(k) && got.Get(k) != in.Get(k) {
				t.Errorf("%s = %q, want %q passed through", k, got.Get(k), in.Get(k))
			}
		}
	})
}

// The proxy's faults are named as authtrace demo names them: a person
// who saw one in the demo finds it under the same name in the suites.
func TestFaultNamesAreTheDemos(t *testing.T) {
	for _, f := range proxyFaults {
		if !slices.ContainsFunc(demo.Faults, func(d demo.Fault) bool { return d.Name == string(f) }) {
			t.Errorf("the e2e proxy's fault %q is not one of authtrace demo's", f)
		}
	}
}
