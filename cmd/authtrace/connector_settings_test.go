package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/report"
)

// tenantConnector writes an oauth2generic connector whose templates name
// the provider's host with the connection parameter {customHost}.
func tenantConnector(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	props := `{"properties": {"connectionParameters": {
  "token:customHost": {"type": "string"},
  "token": {"type": "oauthSetting", "oAuthSettings": {
    "identityProvider": "oauth2generic", "clientId": "conn-client",
    "scopes": ["read offline_access"], "redirectMode": "GlobalPerConnector",
    "redirectUrl": "https://global.consent.azure-apim.net/redirect/acme-5fapi-0a1b2c3d4e5f6a7b",
    "customParameters": {
      "authorizationUrlTemplate": {"value": "http://{customHost}/authorize"},
      "authorizationUrlQueryStringTemplate": {"value": "?response_type=code&client_id={ClientId}&redirect_uri={RedirectUrl}&scope={Scopes}&state={State}"},
      "tokenUrlTemplate": {"value": "http://{customHost}/token"},
      "tokenBodyTemplate": {"value": "grant_type=authorization_code&code={Code}&client_id={ClientId}&client_secret={ClientSecret}&redirect_uri={RedirectUrl}"},
      "refreshUrlTemplate": {"value": "http://{customHost}/token"},
      "refreshBodyTemplate": {"value": "grant_type=refresh_token&refresh_token={RefreshToken}"}
    }}}}}}`
	if err := os.WriteFile(filepath.Join(dir, "apiProperties.json"), []byte(props), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// refusingProvider is a provider that refuses one redirect URI with an
// oidc-provider-shaped error page and sends every other to its login page.
func refusingProvider(t *testing.T, refused string) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("redirect_uri") == refused {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte("<html><body><h1>oops! something went wrong</h1><pre>error: invalid_redirect_uri\nerror_description: redirect_uri did not match any of the client's registered redirect_uris</pre></body></html>"))
			return
		}
		w.Write([]byte("<html><form>login</form></html>"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

var platformState = regexp.MustCompile(`^[0-9a-f-]{36}_[a-z]+-\d{3}_azure-apim\.net$`)

func TestTraceConnectorTwoChains(t *testing.T) {
	const platform = "https://global.consent.azure-apim.net/redirect/acme-5fapi-0a1b2c3d4e5f6a7b"
	srv := refusingProvider(t, platform)
	host := strings.TrimPrefix(srv.URL, "http://")
	code, out, stderr := runCLI(t, "trace", "--json", "--connector", tenantConnector(t), "--conn-param", "customHost="+host)
	if code != exitFindings {
		t.Fatalf("exit %d, want 1 (the platform's redirect URI is refused); stderr:\n%s", code, stderr)
	}
	rep := oneReport(t, out)
	if len(rep.Chains) != 2 || rep.Chains[0].RedirectURI != platform || rep.Chains[1].RedirectURI != "http://127.0.0.1:53682/callback" {
		t.Fatalf("chains %+v: want the connector's redirect URL, then the default loopback one", rep.Chains)
	}
	if v := rep.Chain(report.ChainPlatform).Answer().RedirectURI.Verdict; v != report.VerdictProblem {
		t.Errorf("platform chain verdict %s, want problem", v)
	}
	if v := rep.Chain(report.ChainLoopback).Answer().RedirectURI.Verdict; v != report.VerdictOK {
		t.Errorf("loopback chain verdict %s, want ok", v)
	}
	if rep.Profile.As != "power-platform" || rep.Profile.ClientID != "conn-client" || !strings.HasSuffix(rep.Profile.Connector, "apiProperties.json") {
		t.Errorf("profile as %q, client %q, connector %q; want the connector's settings as Power Platform", rep.Profile.As, rep.Profile.ClientID, rep.Profile.Connector)
	}
	for _, ch := range rep.Chains {
		if !platformState.MatchString(ch.State) {
			t.Errorf("chain %s state %q is not the platform's shape", ch.Name, ch.State)
		}
	}
	if strings.Contains(rep.Hops[0].URL, "code_challenge") {
		t.Errorf("sent %s: the platform sends no PKCE", rep.Hops[0].URL)
	}
}

// TestConnectorFlagsOnTop: flags given for the connector's own settings
// replace them; --param adds to the query the templates build.
func TestConnectorFlagsOnTop(t *testing.T) {
	srv := refusingProvider(t, "")
	host := strings.TrimPrefix(srv.URL, "http://")
	code, out, stderr := runCLI(t, "trace", "--json", "--connector", tenantConnector(t), "--conn-param", "customHost="+host,
		"--client-id", "other", "--scope", "openid", "--param", "prompt=consent", "--redirect-uri", "https://global.consent.azure-apim.net/redirect")
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	rep := oneReport(t, out)
	p := rep.Hops[0].Params
	if p["client_id"] != "other" || p["scope"] != "openid" || p["prompt"] != "consent" || p["redirect_uri"] != "https://global.consent.azure-apim.net/redirect" {
		t.Errorf("sent params %v: want client_id other, scope openid, prompt consent and the --redirect-uri given", p)
	}
}

func TestConnectorEnvParam(t *testing.T) {
	srv := refusingProvider(t, "")
	t.Setenv("AUTHTRACE_CONN_CUSTOMHOST", strings.TrimPrefix(srv.URL, "http://"))
	code, out, stderr := runCLI(t, "trace", "--json", "--connector", tenantConnector(t))
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	if rep := oneReport(t, out); !strings.HasPrefix(rep.Hops[0].URL, srv.URL+"/authorize?") {
		t.Errorf("sent %s, want the host from AUTHTRACE_CONN_CUSTOMHOST", rep.Hops[0].URL)
	}
}

func TestAsPowerPlatform(t *testing.T) {
	srv := refusingProvider(t, "")
	code, out, stderr := runCLI(t, "trace", "--json", "--as", "power-platform", "--authorize-url", srv.URL+"/authorize", "--client-id", "c", "--scope", "openid")
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	rep := oneReport(t, out)
	if rep.Profile.As != "power-platform" || !platformState.MatchString(rep.Profile.State) {
		t.Errorf("profile as %q state %q: want power-platform and its state shape", rep.Profile.As, rep.Profile.State)
	}
	if u := rep.Hops[0].URL; strings.Contains(u, "code_challenge") || strings.Contains(u, "nonce=") {
		t.Errorf("sent %s: the platform sends neither PKCE nor a nonce", u)
	}
}

func TestConnectorUsageErrors(t *testing.T) {
	conn := tenantConnector(t)
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "apiProperties.json"), []byte("{\n  \"properties\": {\n    \"connectionParameters\": {,\n"), 0o644)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"trace", "--connector", conn}, "--conn-param customHost=VALUE or AUTHTRACE_CONN_CUSTOMHOST"},
		{[]string{"trace", "--connector", conn, "--conn-param", "customHost"}, "want NAME=VALUE"},
		{[]string{"trace", "--connector", conn, "--authorize-url", "https://x.example/a"}, "--authorize-url and --connector contradict"},
		{[]string{"login", "--connector", conn, "--token-url", "https://x.example/t"}, "--token-url and --connector contradict"},
		{[]string{"trace", "--connector", conn, "--as", "okta"}, "--as okta and --connector contradict"},
		{[]string{"trace", "--connector", conn, "--conn-set", "nope", "--conn-param", "customHost=h"}, "--conn-set nope"},
		{[]string{"trace", "--connector", bad}, "apiProperties.json:3:30: not valid JSON"},
		{[]string{"trace", "--connector", t.TempDir()}, "apiProperties.json"},
		{[]string{"trace", "--authorize-url", "https://x.example/a", "--client-id", "c", "--as", "okta"}, "--as \"okta\": authtrace emulates power-platform"},
		{[]string{"trace", "--authorize-url", "https://x.example/a", "--client-id", "c", "--as", "power-platform", "--pkce"}, "--pkce and --as power-platform contradict"},
		{[]string{"trace", "--authorize-url", "https://x.example/a", "--client-id", "c", "--conn-param", "a=b"}, "give --connector PATH too"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) { wantUsage(t, tt.args, tt.want) })
	}
}

func TestProfileWithConnector(t *testing.T) {
	profileHome(t)
	srv := refusingProvider(t, "")
	conn := tenantConnector(t)
	mustRun(t, 0, "profile", "save", "acme", "--connector", conn, "--conn-param", "customHost="+strings.TrimPrefix(srv.URL, "http://"),
		"--conn-param", "extra=1", "--redirect-uri", "http://localhost:53682/callback")
	// One --conn-param given keeps the profile's others (by name); login's
	// loopback --redirect-uri is trace's loopback chain.
	out, _ := mustRun(t, 0, "trace", "-p", "acme", "--json", "--conn-param", "extra=2")
	if rep := oneReport(t, out); rep.Profile.Name != "acme" || rep.Profile.ClientID != "conn-client" {
		t.Errorf("profile name %q client %q: want the saved connector's settings under acme", rep.Profile.Name, rep.Profile.ClientID)
	} else if len(rep.Chains) != 2 || rep.Chains[1].RedirectURI != "http://localhost:53682/callback" || !strings.HasPrefix(rep.Chains[0].RedirectURI, "https://global.consent") {
		t.Errorf("chains %+v: want the connector's own, then the saved loopback --redirect-uri", rep.Chains)
	}
	wantUsage(t, []string{"profile", "save", "clash", "--connector", conn, "--authorize-url", "https://x.example/a"}, "contradict")
	wantUsage(t, []string{"profile", "save", "orphan", "--conn-param", "a=b", "--client-id", "c"}, "give --connector PATH too")
	wantUsage(t, []string{"profile", "save", "broken", "--connector", t.TempDir()}, "apiProperties.json")
}

func TestConnectorUnknownParamNamed(t *testing.T) {
	srv := refusingProvider(t, "")
	_, _, stderr := runCLI(t, "trace", "--json", "--connector", tenantConnector(t), "--conn-param", "customHost="+strings.TrimPrefix(srv.URL, "http://"), "--conn-param", "custmHost=x")
	if !strings.Contains(stderr, "--conn-param custmHost:") || !strings.Contains(stderr, "did you mean customHost?") {
		t.Errorf("stderr does not name the misspelt parameter with its nearest:\n%s", stderr)
	}
	if strings.Contains(stderr, "--conn-param customHost:") {
		t.Errorf("stderr names a parameter the connector has:\n%s", stderr)
	}
}
