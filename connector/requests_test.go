package connector

import (
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

func load(t *testing.T, dir string) *Connector {
	t.Helper()
	c, err := Load(filepath.Join("testdata", dir))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const per = "https://global.consent.azure-apim.net/redirect/contoso-20tasks-5fapi-0a1b2c3d4e5f6a7b"

var fill = Fill{
	ClientSecret: "sec ret", RedirectURL: per, State: "g_unitedstates-002_azure-apim.net",
	Code: "c/1", RefreshToken: "r+1", Params: map[string]string{"customHost": "acme.example.com"},
}

func TestRequests(t *testing.T) {
	ru := url.QueryEscape(per)
	tests := []struct {
		dir  string
		fill Fill
		want Requests
	}{
		{"generic-tenant", fill, Requests{
			Authorize: "https://acme.example.com/authorize?response_type=code&client_id=generic-client&redirect_uri=" + ru + "&scope=read+offline_access&state=g_unitedstates-002_azure-apim.net",
			Token: flow.TokenRequest{URL: "https://acme.example.com/oauth/token",
				Body: "grant_type=authorization_code&code=c%2F1&client_id=generic-client&client_secret=sec+ret&redirect_uri=" + ru},
			Refresh: flow.TokenRequest{URL: "https://acme.example.com/oauth/token",
				Body: "grant_type=refresh_token&refresh_token=r%2B1&client_id=generic-client&client_secret=sec+ret"},
		}},
		{"generic-defaults", fill, Requests{
			Authorize: "https://acme.example.com/authorize?client_id=generic-client&response_type=code&redirect_uri=" + ru + "&scope=read+offline_access&state=g_unitedstates-002_azure-apim.net",
			Token: flow.TokenRequest{URL: "https://acme.example.com/oauth/token",
				Body: "code=c%2F1&grant_type=authorization_code&redirect_uri=" + ru + "&client_id=generic-client&client_secret=sec+ret"},
			Refresh: flow.TokenRequest{URL: "https://acme.example.com/oauth/token",
				Body: "refresh_token=r%2B1&grant_type=refresh_token&redirect_uri=" + ru},
		}},
		{"generic-tenant", Fill{RedirectURL: per}, Requests{
			Authorize: "https://%7BcustomHost%7D/authorize?response_type=code&client_id=generic-client&redirect_uri=" + ru + "&scope=read+offline_access&state=",
			Token:     flow.TokenRequest{URL: "https://%7BcustomHost%7D/oauth/token", Body: "grant_type=authorization_code&code=&client_id=generic-client&client_secret=&redirect_uri=" + ru},
			Refresh:   flow.TokenRequest{URL: "https://%7BcustomHost%7D/oauth/token", Body: "grant_type=refresh_token&refresh_token=&client_id=generic-client&client_secret="},
			Missing:   []string{"token:customHost"},
		}},
		{"oauth2-clean", fill, Requests{
			Authorize: "https://login.contoso.example/oauth/authorize?client_id=contoso-client-1&response_type=code&redirect_uri=" + ru + "&scope=openid+offline_access&state=g_unitedstates-002_azure-apim.net",
			Token: flow.TokenRequest{URL: "https://login.contoso.example/oauth/token",
				Form: url.Values{"grant_type": {"authorization_code"}, "code": {"c/1"}, "redirect_uri": {per}}},
			Refresh: flow.TokenRequest{URL: "https://login.contoso.example/oauth/token",
				Form: url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"r+1"}, "redirect_uri": {per}}},
		}},
		{"aad-defaults", fill, Requests{
			Authorize: "https://login.microsoftonline.com/common/oauth2/authorize?client_id=8f1f7c3a-1111-2222-3333-444455556666&response_type=code&redirect_uri=" + ru + "&resource=https%3A%2F%2Fgraph.microsoft.com&state=g_unitedstates-002_azure-apim.net",
			Token: flow.TokenRequest{URL: "https://login.microsoftonline.com/common/oauth2/token",
				Form: url.Values{"grant_type": {"authorization_code"}, "code": {"c/1"}, "redirect_uri": {per}, "resource": {"https://graph.microsoft.com"}}},
			Refresh: flow.TokenRequest{URL: "https://login.microsoftonline.com/common/oauth2/token",
				Form: url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"r+1"}, "resource": {"https://graph.microsoft.com"}}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			c := load(t, tt.dir)
			got, err := c.OAuth[0].Requests(c, tt.fill)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRequestsRefused(t *testing.T) {
	tests := []struct{ dir, want string }{
		{"provider-aadcertificate", "certificate"},
		{"provider-facebook", "named providers"},
		{"invalid-aad-no-resource", "customParameters.resourceUri"},
		{"invalid-oauth2-no-urls", "customParameters.authorizationUrl, customParameters.tokenUrl, clientId"},
		{"invalid-url", "not an http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			c := load(t, tt.dir)
			_, err := c.OAuth[0].Requests(c, fill)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error saying %q", err, tt.want)
			}
		})
	}
	// A parameter that makes the host invalid is caught once filled.
	c := load(t, "generic-tenant")
	if _, err := c.OAuth[0].Requests(c, Fill{Params: map[string]string{"customHost": ""}}); err == nil || !strings.Contains(err.Error(), "no host") {
		t.Errorf("empty host: got %v, want an error saying no host", err)
	}
}

func TestConfig(t *testing.T) {
	c := load(t, "generic-tenant")
	o := c.OAuth[0]
	_, err := o.Config(c, nil)
	var me *MissingParamsError
	if !errors.As(err, &me) || !cmp.Equal(me.Names, []string{"token:customHost"}) {
		t.Fatalf("Config without params: got %v, want the missing token:customHost", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "--conn-param customHost=VALUE") || !strings.Contains(msg, "AUTHTRACE_CONN_CUSTOMHOST") {
		t.Errorf("message %q: want it to say how to give the parameter", msg)
	}
	cfg, err := o.Config(c, map[string]string{"CustomHost": "acme.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{cfg.AuthorizeURL, cfg.TokenURL, cfg.RefreshURL, cfg.ClientID, cfg.Scope, cfg.RedirectURI, cfg.As, cfg.Connector, cfg.ClientAuth}
	want := []string{"https://acme.example.com/authorize", "https://acme.example.com/oauth/token", "https://acme.example.com/oauth/token",
		"generic-client", "read offline_access", per, flow.AsPowerPlatform, c.File, flow.ClientAuthAuto}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	if !cfg.NoPKCE {
		t.Error("NoPKCE: the platform sends no PKCE")
	}
	authz, err := cfg.AuthorizeRequest("http://127.0.0.1:53682/callback", "st_unitedstates-002_azure-apim.net")
	if err != nil {
		t.Fatal(err)
	}
	q, _ := url.Parse(authz)
	if got := q.Query(); got.Get("redirect_uri") != "http://127.0.0.1:53682/callback" || got.Get("state") != "st_unitedstates-002_azure-apim.net" || got.Has("code_challenge") {
		t.Errorf("authorize request %s: want the loopback redirect, the state, and no PKCE", authz)
	}
	tok, err := cfg.TokenRequest(flow.TokenFill{Grant: "authorization_code", Code: "abc", RedirectURI: "http://127.0.0.1:53682/callback", ClientSecret: "s3"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "grant_type=authorization_code&code=abc&client_id=generic-client&client_secret=s3&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2Fcallback"; tok.Body != want {
		t.Errorf("token body %q, want %q", tok.Body, want)
	}
	ref, err := cfg.TokenRequest(flow.TokenFill{Grant: "refresh_token", RefreshToken: "rt", ClientID: "cli", ClientSecret: "s3"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "grant_type=refresh_token&refresh_token=rt&client_id=cli&client_secret=s3"; ref.Body != want {
		t.Errorf("refresh body %q, want %q", ref.Body, want)
	}

	a := load(t, "aad")
	cfg, err = a.OAuth[0].Config(a, map[string]string{"TenantId": "contoso.onmicrosoft.com"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ExpectAud != "api://contoso-api" || cfg.AuthorizeURL != "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/authorize" {
		t.Errorf("aad config: aud %q authorize %q", cfg.ExpectAud, cfg.AuthorizeURL)
	}
	if len(cfg.Findings) != 0 {
		t.Errorf("aad config findings: %v, want none", cfg.Findings)
	}
}

// TestRequestsParamInURL: a connection parameter cannot move the
// request elsewhere: cut off the query with #, put a user name before
// another host with @, or carry a path into the host.
func TestRequestsParamInURL(t *testing.T) {
	c := &Connector{Params: []Param{{Name: "token:host"}, {Name: "base"}}}
	generic := func(authorize string) *OAuth {
		return &OAuth{Path: "p", Provider: ProviderOAuth2Generic, ClientID: "c", Custom: map[string]string{
			"authorizationurltemplate": authorize, "tokenurltemplate": "https://t.example/token"}}
	}
	tests := []struct {
		name, tmpl, value string
		wantURL           string // the authorize URL up to the query, when it builds
		wantErr           string
	}{
		{"a host", "https://{host}/authorize", "acme.example.com", "https://acme.example.com/authorize", ""},
		{"a host and port", "https://{host}/authorize", "acme.example.com:8443", "https://acme.example.com:8443/authorize", ""},
		{"# cannot drop the query", "https://{host}/authorize", "evil.example#", "", "no plain host"},
		{"@ cannot move the host", "https://{host}/authorize", "a@evil.example", "", "no plain host"},
		{"/ cannot end the host", "https://{host}/authorize", "evil.example/x", "", "no plain host"},
		{"a part of the host", "https://login.{host}/authorize", "eu", "https://login.eu/authorize", ""},
		{"a whole base URL", "{base}/authorize", "https://eu.example.com/v2", "https://eu.example.com/v2/authorize", ""},
		{"a whole base URL cannot carry a user", "{base}/authorize", "https://a@evil.example", "", "no plain host"},
		{"a whole base URL cannot cut off the query", "{base}/authorize", "https://eu.example.com/v2#", "https://eu.example.com/v2%23/authorize", ""},
		{"a path segment may hold anything", "https://x.example/{host}/authorize", "a/b#c@d", "https://x.example/a%2Fb%23c%40d/authorize", ""},
		{"a fragment written in the template", "https://{host}/authorize#x", "acme.example.com", "", "fragment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := generic(tt.tmpl)
			r, err := o.Requests(c, Fill{Params: map[string]string{"host": tt.value, "base": tt.value}})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got %v (authorize %q), want an error saying %q", err, r.Authorize, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, _, _ := strings.Cut(r.Authorize, "?"); got != tt.wantURL {
				t.Errorf("authorize URL %q, want %q", got, tt.wantURL)
			}
		})
	}
}

// TestRequestsAADResourceParam: resourceUri's placeholders are filled
// like every template's, in the authorize URL, both forms and the
// audience the token is checked against.
func TestRequestsAADResourceParam(t *testing.T) {
	c := &Connector{Params: []Param{{Name: "token:ApiHost"}}}
	o := &OAuth{Path: "p", Provider: ProviderAAD, ClientID: "c", Custom: map[string]string{"resourceuri": "api://{ApiHost}/x y"}}
	fill := Fill{RedirectURL: per, State: "s", Params: map[string]string{"ApiHost": "contoso.example"}}
	r, err := o.Requests(c, fill)
	if err != nil {
		t.Fatal(err)
	}
	want := "api://contoso.example/x y"
	u, _ := url.Parse(r.Authorize)
	got := []string{u.Query().Get("resource"), r.Token.Form.Get("resource"), r.Refresh.Form.Get("resource")}
	if diff := cmp.Diff([]string{want, want, want}, got); diff != "" {
		t.Errorf("resource in authorize, token, refresh (-want +got):\n%s", diff)
	}
	if !strings.Contains(r.Authorize, "resource=api%3A%2F%2Fcontoso.example%2Fx+y&") {
		t.Errorf("authorize URL %s: want the resource escaped once", r.Authorize)
	}
	cfg, err := o.Config(c, fill.Params)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ExpectAud != want {
		t.Errorf("ExpectAud %q, want %q", cfg.ExpectAud, want)
	}
	if _, err := o.Config(c, nil); err == nil {
		t.Error("Config without ApiHost: want the missing parameter named")
	}
}

// TestConfigFindingsOfItsSetting: a run reports the findings of the
// oauthSetting it uses, not those of the connector's other ones.
func TestConfigFindingsOfItsSetting(t *testing.T) {
	c := load(t, "parameter-sets") // entra (the second) is on the global redirect URL
	var got [][]string
	for _, o := range c.OAuth {
		cfg, err := o.Config(c, map[string]string{"TenantId": "contoso.onmicrosoft.com"})
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, f := range cfg.Findings {
			codes = append(codes, f.Code+" "+f.Detail["set"])
		}
		got = append(got, codes)
	}
	want := [][]string{nil, {report.CodeConnectorRedirectGlobal + " entra"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings per setting (-want +got):\n%s", diff)
	}
}

func TestResolveParams(t *testing.T) {
	c := load(t, "generic-tenant") // needs token:customHost
	env := func(vars map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	}
	tests := []struct {
		name        string
		given       map[string]string
		env         func(string) (string, bool)
		want        map[string]string
		wantMissing []string
	}{
		{"given, in another casing and without token:", map[string]string{"CUSTOMHOST": "a.example"}, env(map[string]string{"AUTHTRACE_CONN_CUSTOMHOST": "env.example"}),
			map[string]string{"CUSTOMHOST": "a.example"}, nil},
		{"from the environment", map[string]string{"other": "x"}, env(map[string]string{"AUTHTRACE_CONN_CUSTOMHOST": "env.example"}),
			map[string]string{"other": "x", "token:customHost": "env.example"}, nil},
		{"missing", nil, env(nil), map[string]string{}, []string{"token:customHost"}},
		{"no environment", nil, nil, map[string]string{}, []string{"token:customHost"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, o := range []*OAuth{c.OAuth[0], nil} {
				got, missing := ResolveParams(c, o, tt.given, tt.env)
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("params (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.wantMissing, missing); diff != "" {
					t.Errorf("missing (-want +got):\n%s", diff)
				}
			}
		})
	}
	given := map[string]string{"a": "1"}
	ResolveParams(c, nil, given, env(map[string]string{"AUTHTRACE_CONN_CUSTOMHOST": "x"}))
	if len(given) != 1 {
		t.Errorf("ResolveParams changed the map it was given: %v", given)
	}
}
