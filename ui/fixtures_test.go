package ui

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// The fixtures are the login of the story authtrace comes from: a tenant
// proxy in front of a provider, a connector-like client on loopback.
var (
	testNow      = time.Date(2026, 11, 29, 15, 0, 0, 0, time.UTC)
	testState    = "S4mqQkz1c2PnR8vJ0tWfYx7bLhGd9eAu3oKiNyTsVrE"
	testRedirect = "http://127.0.0.1:53682/callback"
	testAuthURL  = "https://tenant.example.com/authorize?client_id=connector-app&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2Fcallback&response_type=code&scope=openid+profile+offline_access&state=" + testState
)

func testConfig() flow.Config {
	return flow.Config{
		AuthorizeURL: "https://tenant.example.com/authorize",
		TokenURL:     "https://idp.example.com/oauth/token",
		ClientID:     "connector-app",
		ClientSecret: "s3cret",
		Scope:        "openid profile offline_access",
		Params:       []flow.Param{{Name: "audience", Value: "https://api.example.com"}},
		RedirectURI:  testRedirect,
		State:        testState,
	}
}

func sentParams() map[string]string {
	return map[string]string{
		"client_id": "connector-app", "redirect_uri": testRedirect, "response_type": "code",
		"scope": "openid profile offline_access", "state": testState, "audience": "https://api.example.com",
	}
}

func clone(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// chain returns the hops up to the login page: sent, the tenant proxy's
// authorize, the provider's authorize, the provider's login page.
func chain(providerState string) []report.Hop {
	at := testNow.Add(-20 * time.Second)
	provider := clone(sentParams())
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

func tokens(withRefresh bool) []report.Token {
	iat, exp := testNow.Add(-10*time.Second).Unix(), testNow.Add(3590*time.Second).Unix()
	at := jwt(`{"alg":"RS256","typ":"at+jwt","kid":"k1"}`,
		fmt.Sprintf(`{"iss":"https://idp.example.com/","sub":"auth0|alice","aud":"https://api.example.com","iat":%d,"exp":%d,"scope":"openid profile offline_access","client_id":"connector-app"}`, iat, exp))
	at.Kind = "access_token"
	id := jwt(`{"alg":"RS256","kid":"k1"}`,
		fmt.Sprintf(`{"iss":"https://idp.example.com/","sub":"auth0|alice","aud":"connector-app","iat":%d,"exp":%d,"nonce":"n-0S6_WzA2Mj","name":"Alice"}`, iat, exp))
	id.Kind = "id_token"
	out := []report.Token{at, id}
	if withRefresh {
		out = append(out, report.Token{Kind: "refresh_token", Format: "opaque", Raw: "v1.MRrxQ2d8opaque"})
	}
	return out
}

func baseReport() report.Report {
	r := seedReport(testConfig())
	r.Started = testNow.Add(-21 * time.Second)
	r.Finished = testNow.Add(-3 * time.Second)
	r.Profile.PKCE = true
	return r
}

func exchange() *report.Exchange {
	return &report.Exchange{Step: report.Step{
		Request:  report.Request{Method: "POST", URL: "https://idp.example.com/oauth/token", ClientAuth: "post"},
		Response: &report.Response{Status: 200, ContentType: "application/json", Format: "json", DurationMS: 84},
	}}
}

// scenario is one golden case: the events the engine emits, and the result
// it returns (nil: still running).
type scenario struct {
	name   string
	events []flow.Event
	done   *doneMsg
}

func waitingEvents(providerState string) []flow.Event {
	evs := []flow.Event{{Kind: flow.EventPhase, Phase: flow.PhasePreflight}}
	for _, h := range chain(providerState) {
		evs = append(evs, flow.Event{Kind: flow.EventHop, Hop: &h})
	}
	evs = append(evs, flow.Event{Kind: flow.EventPhase, Phase: flow.PhaseWaiting, Listen: "127.0.0.1:53682",
		AuthorizeURL: testAuthURL, Deadline: testNow.Add(4*time.Minute + 32*time.Second)})
	return evs
}

func scenarios() []scenario {
	suffixed := testState + ".eyJ0ZW5hbnQiOiJjb250b3NvIn0"
	stateFinding := func(hop int) report.Finding {
		return report.Finding{Code: report.CodeStateChanged, Severity: report.SeverityError, Hop: hop,
			Message: "state came back with text appended: \".eyJ0ZW5hbnQiOiJjb250b3NvIn0\"",
			Hint:    "The tenant proxy appends its own data to state. Keep state byte for byte: put the tenant in a cookie or its own parameter, or strip the suffix before redirecting back.",
			Detail:  map[string]string{"kind": "suffix_added", "sent": testState, "got": suffixed, "added": ".eyJ0ZW5hbnQiOiJjb250b3NvIn0"}}
	}
	orgAdded := report.Finding{Code: report.CodeParamAdded, Severity: report.SeverityInfo, Hop: 3,
		Message: "organization=org_contoso was added on the way", Detail: map[string]string{"name": "organization"}}

	healthy := baseReport()
	healthy.Hops = append(chain(testState), callbackHop(testState))
	healthy.Exchange = exchange()
	healthy.Tokens = tokens(true)
	healthy.Refresh = &report.Refresh{Step: exchange().Step, Rotated: true}
	healthy.Findings = []report.Finding{orgAdded}

	suffix := baseReport()
	suffix.Hops = append(chain(suffixed), callbackHop(suffixed))
	suffix.Findings = []report.Finding{orgAdded, stateFinding(3), stateFinding(5)}
	suffix.Exchange = exchange()
	suffix.Tokens = tokens(true)

	noRefresh := baseReport()
	noRefresh.Hops = append(chain(testState), callbackHop(testState))
	noRefresh.Exchange = exchange()
	noRefresh.Tokens = tokens(false)
	noRefresh.Findings = []report.Finding{orgAdded, {Code: report.CodeRefreshTokenMissing, Severity: report.SeverityError,
		Message: "the token response has no refresh_token although offline_access was requested",
		Hint:    "Auth0 withholds it: enable \"Allow Offline Access\" on the API (Applications > APIs > Settings) and the Refresh Token grant on the application (Advanced Settings > Grant Types).",
		Detail:  map[string]string{"cause": "withheld"}}}

	errPage := baseReport()
	errPage.Hops = chain(testState)[:3]
	errPage.Hops[2].Status = 400
	errPage.Hops[2].Role = report.RoleErrorPage
	errPage.Hops[2].Location = ""
	errPage.Hops[2].Page = "oops! something went wrong: invalid_redirect_uri: redirect_uri did not match any of the client's registered redirect_uris"
	errPage.Findings = []report.Finding{orgAdded, {Code: report.CodeRedirectURIRejected, Severity: report.SeverityError, Hop: 3,
		Message: "the provider refused the redirect_uri http://127.0.0.1:53682/callback (invalid_redirect_uri)",
		Hint:    "Register http://127.0.0.1:53682/callback exactly (scheme, host, port, path) among the client's redirect URIs, or run with the --redirect-uri that is registered.",
		Detail:  map[string]string{"provider": "invalid_redirect_uri"}}}
	errPage.Error = "the provider refused the login before the browser was opened"

	return []scenario{
		{name: "waiting", events: waitingEvents(testState)},
		{name: "healthy", done: &doneMsg{rep: healthy}},
		{name: "state-suffix", done: &doneMsg{rep: suffix}},
		{name: "refresh-missing", done: &doneMsg{rep: noRefresh}},
		{name: "error-page", done: &doneMsg{rep: errPage}},
	}
}

// newTestModel is a model at a fixed size and clock, with a fake engine
// that blocks until cancelled (tests deliver the events themselves).
func newTestModel(w, h int, opts Options) model {
	if opts.Start == nil {
		opts.Start = func(ctx context.Context, cfg flow.Config, emit func(flow.Event)) (report.Report, error) {
			<-ctx.Done()
			return report.Report{}, ctx.Err()
		}
	}
	if opts.Config.ClientID == "" && !opts.Setup {
		opts.Config = testConfig()
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return testNow }
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Env == nil {
		opts.Env = []string{}
	}
	m := newModel(context.Background(), opts)
	return update(m, tea.WindowSizeMsg{Width: w, Height: h})
}

// update runs one message through the model and drops the command.
func update(m model, msg tea.Msg) model {
	next, _ := m.Update(msg)
	return next.(model)
}

// play delivers a scenario's events and result.
func play(m model, sc scenario) model {
	for _, ev := range sc.events {
		m = update(m, eventMsg(ev))
	}
	if sc.done != nil {
		m = update(m, *sc.done)
	}
	return m
}

func press(s string) tea.KeyPressMsg {
	switch s {
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// hopsOf is the model's hops view.
func hopsOf(m model) *hopsView { return m.views[tabHops].(*hopsView) }
