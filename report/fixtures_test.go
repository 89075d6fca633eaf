package report_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/authtrace/authtrace/internal/hostile"
	"github.com/authtrace/authtrace/report"
)

// The Markdown tests' login is written by hand, so that each line they
// look for is known: a tenant proxy in front of a provider, a
// connector-like client on loopback. (The TUI's fixtures are recorded from
// the engine instead.)
var (
	testNow      = time.Date(2026, 11, 29, 15, 0, 0, 0, time.UTC)
	testState    = "S4mqQkz1c2PnR8vJ0tWfYx7bLhGd9eAu3oKiNyTsVrE"
	testRedirect = "http://127.0.0.1:53682/callback"
	testAuthURL  = "https://tenant.example.com/authorize?client_id=connector-app&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2Fcallback&response_type=code&scope=openid+profile+offline_access&state=" + testState
)

func sentParams() map[string]string {
	return map[string]string{
		"client_id": "connector-app", "redirect_uri": testRedirect, "response_type": "code",
		"scope": "openid profile offline_access", "state": testState, "audience": "https://api.example.com",
	}
}

// chain returns the hops up to the login page: sent, the tenant proxy's
// authorize, the provider's authorize, the provider's login page.
func chain(providerState string) []report.Hop {
	at := testNow.Add(-20 * time.Second)
	provider := maps.Clone(sentParams())
	provider["state"] = providerState
	provider["organization"] = "org_contoso"
	return []report.Hop{
		{N: 1, Source: report.SourceSent, Role: report.RoleAuthorize, Method: "GET", URL: testAuthURL, Params: sentParams(), At: at},
		{N: 2, Source: report.SourcePreflight, Role: report.RoleAuthorize, Method: "GET", URL: testAuthURL, Status: 302,
			Location: "https://idp.example.com/authorize?client_id=connector-app&organization=org_contoso", Params: sentParams(), At: at},
		{N: 3, Source: report.SourcePreflight, Role: report.RoleAuthorize, Method: "GET",
			URL: "https://idp.example.com/authorize?client_id=connector-app&organization=org_contoso&state=" + providerState, Status: 302,
			Location: "https://idp.example.com/u/login?state=hKFo2SBxd", Params: provider, At: at},
		{N: 4, Source: report.SourcePreflight, Role: report.RoleProvider, Method: "GET",
			URL: "https://idp.example.com/u/login?state=hKFo2SBxd", Status: 200, Params: map[string]string{"state": "hKFo2SBxd"}, At: at},
	}
}

func callbackHop(state string) report.Hop {
	return report.Hop{N: 5, Source: report.SourceCallback, Role: report.RoleCallback, Method: "GET",
		URL: testRedirect + "?code=abc&state=" + state, Status: 200,
		Params: map[string]string{"state": state, "code": "abc"}, At: testNow.Add(-5 * time.Second)}
}

func jwt(header, claims string) report.Token {
	enc := base64.RawURLEncoding.EncodeToString
	return report.Token{Format: "jwt", Header: json.RawMessage(header), Claims: json.RawMessage(claims),
		Raw: enc([]byte(header)) + "." + enc([]byte(claims)) + ".c2lnbmF0dXJl"}
}

func tokens() []report.Token {
	iat, exp := testNow.Add(-10*time.Second).Unix(), testNow.Add(3590*time.Second).Unix()
	at := jwt(`{"alg":"RS256","typ":"at+jwt","kid":"k1"}`,
		fmt.Sprintf(`{"iss":"https://idp.example.com/","sub":"auth0|alice","aud":"https://api.example.com","iat":%d,"exp":%d,"scope":"openid profile offline_access","client_id":"connector-app"}`, iat, exp))
	at.Kind = "access_token"
	at.Verification = &report.Verification{Status: report.Verified, Alg: "RS256", Kid: "k1", Source: "https://idp.example.com/.well-known/jwks.json"}
	id := jwt(`{"alg":"RS256","kid":"k1"}`,
		fmt.Sprintf(`{"iss":"https://idp.example.com/","sub":"auth0|alice","aud":"connector-app","iat":%d,"exp":%d,"nonce":"n-0S6_WzA2Mj","name":"Alice"}`, iat, exp))
	id.Kind = "id_token"
	id.Verification = &report.Verification{Status: report.NotChecked, Alg: "RS256", Kid: "k1", Reason: "no JWKS: the provider's keys are known only through issuer discovery"}
	return []report.Token{at, id, {Kind: "refresh_token", Format: "opaque", Raw: "v1.MRrxQ2d8opaque"}}
}

func baseReport() report.Report {
	return report.Report{Version: report.Version, Command: "login",
		Started: testNow.Add(-21 * time.Second), Finished: testNow.Add(-3 * time.Second),
		Profile: report.Profile{
			AuthorizeURL: "https://tenant.example.com/authorize", TokenURL: "https://idp.example.com/oauth/token",
			ClientID: "connector-app", ClientSecret: "s3cret", Scope: "openid profile offline_access",
			Params: map[string]string{"audience": "https://api.example.com"}, RedirectURI: testRedirect, State: testState, PKCE: true,
		}}
}

func exchange() *report.Exchange {
	return &report.Exchange{Step: report.Step{
		Request:  report.Request{Method: "POST", URL: "https://idp.example.com/oauth/token", ClientAuth: "post"},
		Response: &report.Response{Status: 200, ContentType: "application/json", Format: "json", DurationMS: 84},
	}}
}

// stateSuffixReport is the login of a tenant proxy that appends its own
// data to state.
func stateSuffixReport() report.Report {
	suffixed := testState + ".eyJ0ZW5hbnQiOiJjb250b3NvIn0"
	stateFinding := func(hop int) report.Finding {
		return report.Finding{Code: report.CodeStateChanged, Severity: report.SeverityError, Hop: hop,
			Message: "state came back with text appended: \".eyJ0ZW5hbnQiOiJjb250b3NvIn0\"",
			Hint:    "The tenant proxy appends its own data to state. Keep state byte for byte: put the tenant in a cookie or its own parameter, or strip the suffix before redirecting back.",
			Detail:  map[string]string{"kind": "suffix_added", "sent": testState, "got": suffixed, "added": ".eyJ0ZW5hbnQiOiJjb250b3NvIn0"}}
	}
	rep := baseReport()
	rep.Hops = append(chain(suffixed), callbackHop(suffixed))
	rep.Findings = []report.Finding{
		{Code: report.CodeParamAdded, Severity: report.SeverityInfo, Hop: 3,
			Message: "organization=org_contoso was added on the way", Detail: map[string]string{"name": "organization"}},
		stateFinding(3), stateFinding(5),
	}
	rep.Exchange = exchange()
	rep.Tokens = tokens()
	return rep
}

// hostileReport is the login with provider-controlled text full of
// terminal controls.
func hostileReport() report.Report {
	rep := baseReport()
	rep.Hops = append(chain(testState), callbackHop(testState))
	rep.Exchange = exchange()
	rep.Tokens = tokens()
	hostile.Fill(&rep)
	return rep
}
