package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/report"
)

// The connector replays: a custom connector definition, written the way
// the platform's files are, is replayed against oidc-provider as Power
// Platform would send it, with the loopback redirect URI swapped in.

// ppState is the shape of the platform's state.
var ppState = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}_[a-z]+-[0-9]{3}_azure-apim\.net$`)

// endpoints reads the provider's discovery document.
func endpoints(t *testing.T, p *provider) (authorize, token *url.URL) {
	t.Helper()
	resp, err := http.Get(p.URL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	defer resp.Body.Close()
	var d struct {
		Authorization string `json:"authorization_endpoint"`
		Token         string `json:"token_endpoint"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		t.Fatalf("discovery: %v", err)
	}
	authorize, err1 := url.Parse(d.Authorization)
	token, err2 := url.Parse(d.Token)
	if err := errors.Join(err1, err2); err != nil {
		t.Fatalf("discovery endpoints: %v", err)
	}
	return authorize, token
}

// writeConnector writes apiProperties.json into a folder of its own.
func writeConnector(t *testing.T, props string) string {
	t.Helper()
	dir := t.TempDir()
	// A BOM, as files saved by some Windows editors have.
	if err := os.WriteFile(filepath.Join(dir, "apiProperties.json"), append([]byte("\ufeff"), props...), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// genericConnector is an oauth2generic connector whose templates name the
// provider's host through a connection parameter, {providerHost}, as
// tenant-specific connectors do.
func genericConnector(t *testing.T, p *provider, client string) string {
	authorize, token := endpoints(t, p)
	return writeConnector(t, fmt.Sprintf(`{
  "properties": {
    "connectionParameters": {
      "providerHost": {"type": "string", "uiDefinition": {"displayName": "Provider host"}},
      "token": {
        "type": "oauthSetting",
        "oAuthSettings": {
          "identityProvider": "oauth2generic",
          "clientId": %q,
          "scopes": ["openid offline_access"],
          "redirectMode": "GlobalPerConnector",
          "redirectUrl": "https://global.consent.azure-apim.net/redirect/acme-20e2e-5fconnector-1a2b3c4d5e6f7a8b",
          "properties": {"IsFirstParty": "False"},
          "customParameters": {
            "AuthorizationUrlTemplate": {"value": "http://{providerHost}%s"},
            "authorizationUrlQueryStringTemplate": {"value": "?response_type=code&client_id={ClientId}&redirect_uri={RedirectUrl}&scope={Scopes}&state={State}&prompt=consent&resource=%s"},
            "tokenUrlTemplate": {"value": "http://{providerHost}%s"},
            "tokenBodyTemplate": {"value": "grant_type=authorization_code&code={Code}&client_id={ClientId}&client_secret={ClientSecret}&redirect_uri={RedirectUrl}"},
            "refreshUrlTemplate": {"value": "http://{providerHost}%s"},
            "refreshBodyTemplate": {"value": "grant_type=refresh_token&refresh_token={RefreshToken}&client_id={ClientId}&client_secret={ClientSecret}"},
            "scopeListDelimiter": {"value": " "}
          }
        }
      }
    }
  }
}`, client, authorize.Path, url.QueryEscape(api), token.Path, token.Path))
}

// oauth2Connector is a plain oauth2 connector: the platform builds the
// requests itself, the secret in the body first, then as Basic.
func oauth2Connector(t *testing.T, p *provider, client string) string {
	authorize, token := endpoints(t, p)
	return writeConnector(t, fmt.Sprintf(`{
  "properties": {
    "connectionParameters": {
      "token": {
        "type": "oauthSetting",
        "oAuthSettings": {
          "identityProvider": "oauth2",
          "clientId": %q,
          "scopes": ["openid", "offline_access"],
          "redirectMode": "Global",
          "customParameters": {
            "authorizationUrl": {"value": %q},
            "tokenUrl": {"value": %q},
            "refreshUrl": {"value": %q}
          }
        }
      }
    }
  }
}`, client, authorize.String(), token.String(), token.String()))
}

// runConnector runs authtrace with args and the browser helper, and reads
// its --events output.
func runConnector(t *testing.T, command, secret string, args ...string) result {
	t.Helper()
	authtrace, browser := authtraceBin(t), browserBin(t)
	args = append([]string{command, "--events", "--timeout", "60s"}, args...)
	if command == "login" {
		args = append(args, "--redirect-uri", callbackURL(), "--client-secret", secret,
			"--open-with", browser+" -timeout 40s")
	}
	return execAuthtrace(t, authtrace, command, secret, args)
}

func TestConnectorLogin(t *testing.T) {
	p := theProvider(t)
	host := strings.TrimPrefix(p.URL, "http://")
	res := runConnector(t, "login", secrets["app-post"], "--connector", genericConnector(t, p, "app-post"), "--conn-param", "providerHost="+host)
	rep := res.rep
	// The provider has the loopback URI registered, not the platform's:
	// the platform chain, traced first, says so; the login goes on.
	if res.exit != 1 || rep.Error != "" {
		t.Fatalf("exit %d, report error %q; want 1, for the platform's redirect URL only\nfindings:\n%s", res.exit, rep.Error, describeFindings(rep))
	}
	for _, f := range rep.Findings {
		if f.Severity == report.SeverityError && (f.Code != report.CodeRedirectURIRejected || rep.Hops[f.Hop-1].Chain != report.ChainPlatform) {
			t.Errorf("error %s at hop %d: want only the platform chain's redirect_uri.rejected\n%s", f.Code, f.Hop, describeFindings(rep))
		}
	}
	if len(rep.Chains) != 2 || rep.Chains[1].RedirectURI != callbackURL() {
		t.Errorf("chains %+v: want the platform's, then the login's loopback one", rep.Chains)
	}
	if rep.Profile.As != "power-platform" || !strings.HasSuffix(rep.Profile.Connector, "apiProperties.json") {
		t.Errorf("profile as %q, connector %q; want power-platform and the connector's apiProperties.json", rep.Profile.As, rep.Profile.Connector)
	}
	if !ppState.MatchString(rep.Profile.State) {
		t.Errorf("state %q is not the platform's shape <GUID>_<region>_azure-apim.net", rep.Profile.State)
	}
	sent := rep.Hops[len(rep.Chain(report.ChainPlatform).Hops)]
	if sent.Source != report.SourceSent || strings.Contains(sent.URL, "code_challenge") || strings.Contains(sent.URL, "nonce=") {
		t.Errorf("sent hop %s: want the platform's request, without PKCE or nonce", sent.URL)
	}
	if got := sent.Params["redirect_uri"]; got != callbackURL() {
		t.Errorf("sent redirect_uri %q, want the loopback %q swapped in for the platform's", got, callbackURL())
	}
	ex := rep.Exchange
	if ex == nil || ex.Response == nil || ex.Response.Status != 200 {
		t.Fatalf("exchange %+v: want the template's body accepted", ex)
	}
	if len(ex.Attempts) != 0 || ex.Request.Headers["Authorization"] != "" {
		t.Errorf("exchange: %d earlier attempts, Authorization %q; want the template's body alone, sent once", len(ex.Attempts), ex.Request.Headers["Authorization"])
	}
	if ex.Request.Form["client_secret"] == "" || ex.Request.Form["grant_type"] != "authorization_code" {
		t.Errorf("exchange form %v: want the template's fields (client_secret redacted, grant_type)", ex.Request.Form)
	}
	if rep.Refresh == nil || rep.Refresh.Response == nil || rep.Refresh.Response.Status != 200 {
		t.Errorf("refresh %+v: want the refresh template accepted", rep.Refresh)
	}
	aud := false
	for _, tok := range rep.Tokens {
		if tok.Kind == "access_token" && strings.Contains(string(tok.Claims), api) {
			aud = true
		}
	}
	if !aud {
		t.Errorf("no access token for %s among %d tokens: resource= from the query template was not sent", api, len(rep.Tokens))
	}
}

func TestConnectorOAuth2BodyThenBasic(t *testing.T) {
	p := theProvider(t)
	res := runConnector(t, "login", secrets["app-basic"], "--connector", oauth2Connector(t, p, "app-basic"))
	rep := res.rep
	if rep.Error != "" || rep.Exchange == nil {
		t.Fatalf("report error %q, exchange %v; want the login to complete", rep.Error, rep.Exchange)
	}
	if len(rep.Exchange.Attempts) != 1 || rep.Exchange.Attempts[0].Request.ClientAuth != "post" || rep.Exchange.Request.ClientAuth != "basic" {
		t.Errorf("exchange attempts %d, counted one %q: want the body first (refused by app-basic), then Basic", len(rep.Exchange.Attempts), rep.Exchange.Request.ClientAuth)
	}
	wantCode(t, rep, report.CodeTokenClientAuth)
	// Global redirect mode: connector check's warning, reported by the run.
	wantCode(t, rep, report.CodeConnectorRedirectGlobal)
}

func TestConnectorTraceTwoChains(t *testing.T) {
	p := theProvider(t)
	host := strings.TrimPrefix(p.URL, "http://")
	res := runConnector(t, "trace", "", "--connector", genericConnector(t, p, "app-post"), "--conn-param", "providerHost="+host, "--loopback-redirect-uri", callbackURL())
	rep := res.rep
	if len(rep.Chains) != 2 || rep.Chains[0].Name != report.ChainPlatform || rep.Chains[1].Name != report.ChainLoopback {
		t.Fatalf("chains %+v: want platform, then loopback", rep.Chains)
	}
	// The provider has only the loopback URI registered: the platform's
	// per-connector URL is refused, the loopback chain reaches the login.
	platform, loopback := rep.Chain(report.ChainPlatform).Answer(), rep.Chain(report.ChainLoopback).Answer()
	if platform.RedirectURI.Verdict != report.VerdictProblem {
		t.Errorf("platform chain: redirect URI %s (%s), want refused", platform.RedirectURI.Verdict, platform.RedirectURI.Text)
	}
	if loopback.RedirectURI.Verdict != report.VerdictOK || loopback.State.Verdict == report.VerdictProblem {
		t.Errorf("loopback chain: redirect URI %s (%s), state %s; want accepted", loopback.RedirectURI.Verdict, loopback.RedirectURI.Text, loopback.State.Verdict)
	}
	if rep.Chains[0].RedirectURI != "https://global.consent.azure-apim.net/redirect/acme-20e2e-5fconnector-1a2b3c4d5e6f7a8b" {
		t.Errorf("platform chain redirect URI %q, want the connector's redirectUrl", rep.Chains[0].RedirectURI)
	}
	if res.exit != 1 {
		t.Errorf("exit %d, want 1 (the platform's redirect URI is refused)", res.exit)
	}
}

// wantCode checks that the report has a finding with code.
func wantCode(t *testing.T, rep report.Report, code string) {
	t.Helper()
	for _, f := range rep.Findings {
		if f.Code == code {
			return
		}
	}
	t.Errorf("no %s finding; findings:\n%s", code, describeFindings(rep))
}
