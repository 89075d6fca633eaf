package flow

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/report"
)

// TestDiscoveryBounds: a discovery document over the size cap says it is
// too large, not that it is not JSON; a jwks_uri that is not an http(s)
// URL is a finding, not silently dropped.
func TestDiscoveryBounds(t *testing.T) {
	var srv *httptest.Server
	mux := http.NewServeMux()
	mux.HandleFunc("/big/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"issuer":%q,"pad":"%s"}`, srv.URL+"/big", strings.Repeat("x", 2<<20))
	})
	mux.HandleFunc("/filekeys/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"issuer":"%[1]s/filekeys","authorization_endpoint":"%[1]s/authorize","token_endpoint":"%[1]s/token","jwks_uri":"file:///etc/keys.json"}`, srv.URL)
	})
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html>sign in</html>") })
	srv = httptest.NewServer(mux)
	defer srv.Close()

	_, err := Trace(context.Background(), Config{Issuer: srv.URL + "/big", ClientID: "app"}, nil)
	if err == nil || !strings.Contains(err.Error(), "is larger than 1 MiB") || strings.Contains(err.Error(), "JSON") {
		t.Errorf("Trace with a 2 MiB discovery document: %v, want it called too large", err)
	}

	rep, err := Trace(context.Background(), Config{Issuer: srv.URL + "/filekeys", ClientID: "app"}, nil)
	if err != nil {
		t.Fatalf("Trace: %v", err)
	}
	f, ok := findingFor(rep, report.CodeDiscoveryUnusable)
	if !ok || f.Severity != report.SeverityWarn || f.Detail["member"] != "jwks_uri" || !strings.Contains(f.Message, "signatures are not checked") {
		t.Errorf("findings %v: want a discovery.unusable warning for the jwks_uri, got %+v", codes(rep), f)
	}
}
