package ui

import (
	"net/url"
	"testing"
	"time"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// The chains fixture is a trace --connector as the engine reports one:
// two preflights of a Power Platform connector's authorize request to
// Entra, once with the platform's per-connector redirect URI, which the
// app does not list (an AADSTS50011 error page), once with the loopback
// one, which reaches the login page; and the connector's own findings,
// about no hop. Its events are the engine's kinds, its findings come from
// the engine's comparison and page reader, and its report is the events
// reduced with flow.Apply. It is written to testdata/fixtures/chains.json
// (go test ./ui -update), where the trace view's and the Markdown's tests
// read it too.

const (
	chainsName       = "chains"
	platformRedirect = "https://global.consent.azure-apim.net/redirect/abc-5fx-1234"
	platformState    = "0f8fad5b-d9cb-469f-a165-70867728950e_unitedstates-002_azure-apim.net"
	loopbackState    = "7c9e6679-7425-40de-944b-e07fc1f90ae7_unitedstates-002_azure-apim.net"
	entraAuthorize   = "https://login.microsoftonline.com/common/oauth2/authorize"
	connectorClient  = "6731de76-14a6-49ae-97bc-6eba6914391e"
	connectorFile    = "/home/dev/connectors/contoso-hr/apiProperties.json"
	connectorParams  = "properties.connectionParameters.token.oAuthSettings"
)

// entraRefusal is the start of the page Entra answers an unregistered
// redirect URI with.
const entraRefusal = `<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body>
<div id="error">Sorry, but we're having trouble signing you in.</div>
<p>AADSTS50011: The redirect URI 'https://global.consent.azure-apim.net/redirect/abc-5fx-1234' specified in the request does not match the redirect URIs configured for the application '6731de76-14a6-49ae-97bc-6eba6914391e'.</p>
</body></html>`

// connectorFindings are what the connector reader says of the file, before
// any request: the run reports them first (flow.Config.Findings).
func connectorFindings() []report.Finding {
	return []report.Finding{
		{
			Code: report.CodeConnectorPlaceholderUnknown, Severity: report.SeverityError,
			Message: "the token body template names {TenantHost}, which is neither built in nor a connection parameter: it will be sent literally",
			Hint:    "Add a connection parameter named TenantHost to the connector, or write the value into the template.",
			Detail: map[string]string{
				"path":        connectorParams + ".customParameters.tokenBodyTemplate.value",
				"template":    "grant_type=authorization_code&code={Code}&redirect_uri={RedirectUrl}&client_id={ClientId}&host={TenantHost}",
				"placeholder": "TenantHost",
			},
		},
		{
			Code: report.CodeConnectorSecretInFile, Severity: report.SeverityWarn,
			Message: "apiProperties.json holds a client secret",
			Hint:    "Remove clientSecret from the file: the platform asks for the secret when the connector is created or updated, and the file may be shared.",
			Detail:  map[string]string{"path": connectorParams + ".clientSecret"},
		},
	}
}

// chainsFixture builds the trace's events and reduces them.
func chainsFixture(t testing.TB) fixture {
	t.Helper()
	at := recordStart
	var f fixture
	emit := func(ev flow.Event) {
		at = at.Add(250 * time.Millisecond)
		ev.At = at
		f.Events = append(f.Events, ev)
	}
	for _, fd := range connectorFindings() {
		emit(flow.Event{Kind: flow.EventFinding, Finding: &fd})
	}
	n := 0
	hop := func(chain string, src report.Source, raw string, status int, redirect string) report.Hop {
		t.Helper()
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		n++
		return report.Hop{N: n, Source: src, Role: flow.HopRole(u, status, redirect), Method: "GET", URL: raw,
			Status: status, Params: flow.HopParams(u), At: at, Chain: chain}
	}
	for _, c := range []report.Chain{
		{Name: report.ChainPlatform, RedirectURI: platformRedirect, State: platformState},
		{Name: report.ChainLoopback, RedirectURI: testRedirect, State: loopbackState},
	} {
		emit(flow.Event{Kind: flow.EventChain, Chain: &c})
		q := url.Values{"client_id": {connectorClient}, "response_type": {"code"}, "redirect_uri": {c.RedirectURI},
			"state": {c.State}, "resource": {"api://contoso-hr"}}
		raw := entraAuthorize + "?" + q.Encode()
		sent := hop(c.Name, report.SourceSent, raw, 0, c.RedirectURI)
		emit(flow.Event{Kind: flow.EventHop, Hop: &sent})
		pre := hop(c.Name, report.SourcePreflight, raw, 200, c.RedirectURI)
		var page *report.Finding
		if c.Name == report.ChainPlatform {
			pre.Status = 400
			pre, page = flow.ReadPage(sent.Params, pre, "text/html; charset=utf-8", []byte(entraRefusal))
			if page == nil {
				t.Fatal("the page reader does not read Entra's AADSTS50011 page as a refusal")
			}
		}
		emit(flow.Event{Kind: flow.EventHop, Hop: &pre})
		fs := flow.Compare(sent.Params, []report.Hop{sent, pre})
		if page != nil {
			fs = append(fs, *page)
		}
		for _, fd := range fs {
			emit(flow.Event{Kind: flow.EventFinding, Finding: &fd})
		}
	}
	cfg := flow.Config{AuthorizeURL: entraAuthorize, ClientID: connectorClient, NoPKCE: true, RedirectURI: platformRedirect,
		As: flow.AsPowerPlatform, Connector: connectorFile}
	rep := report.Report{Version: report.Version, Command: "trace", Started: recordStart, Profile: flow.NewProfile(cfg),
		Hops: []report.Hop{}, Findings: []report.Finding{}}
	rep.Profile.RedirectURI, rep.Profile.State = platformRedirect, platformState
	rep.Profile.As, rep.Profile.Connector = cfg.As, cfg.Connector
	for _, ev := range f.Events {
		flow.Apply(&rep, ev)
	}
	rep.Finished = at
	f.Report = rep
	return f
}
