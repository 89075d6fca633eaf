package flow

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/report"
)

// Runs driven by the platform's hooks (Config.AuthorizeRequest,
// Config.TokenRequest), as the connector package builds them, against the
// fake provider. They live here, not in run_test.go, which is long enough.

// connectorAuthorize is an AuthorizeRequest hook in the shape a
// connector's template gives: the platform's own parameter order, no PKCE.
func connectorAuthorize(p *fakeProvider) func(string, string) (string, error) {
	return func(redirectURI, state string) (string, error) {
		return p.url("/authorize") + "?client_id=app&response_type=code&redirect_uri=" + url.QueryEscape(redirectURI) +
			"&scope=openid%20offline_access&state=" + url.QueryEscape(state), nil
	}
}

// templateBody is what a tokenBodyTemplate expands to: fields in the
// template's order, a literal placeholder the connector left unresolved.
func templateBody(f TokenFill) string {
	if f.Grant == "refresh_token" {
		return "refresh_token=" + url.QueryEscape(f.RefreshToken) + "&grant_type=refresh_token&client_id=" + f.ClientID + "&client_secret=" + f.ClientSecret
	}
	return "code=" + url.QueryEscape(f.Code) + "&grant_type=authorization_code&redirect_uri=" + url.QueryEscape(f.RedirectURI) +
		"&client_id=" + f.ClientID + "&client_secret=" + f.ClientSecret + "&tenant=%7BTenant%7D"
}

func platformConfig(t *testing.T, p *fakeProvider) Config {
	cfg := baseConfig(p)
	cfg.AuthorizeURL = p.url("/authorize")
	cfg.As = AsPowerPlatform
	cfg.Connector = "testdata/connector/apiProperties.json"
	cfg.OpenBrowser = walker(t, p)
	cfg.Findings = []report.Finding{{Code: report.CodeConnectorRedirectGlobal, Severity: report.SeverityWarn, Message: "global redirect"}}
	return cfg
}

func TestRunPlatformHooks(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*fakeProvider, *Config)
		// the exchange's attempts' client authentication, in order
		wantAuth []string
		want     []string // finding codes, in order
		check    func(*testing.T, *fakeProvider, report.Report)
	}{
		{
			name: "emulation alone: platform state, no PKCE, no nonce",
			setup: func(p *fakeProvider, c *Config) {
				c.AuthorizeURL = p.url("/authorize")
			},
			wantAuth: []string{ClientAuthPost},
			want:     []string{report.CodeConnectorRedirectGlobal},
			check: func(t *testing.T, p *fakeProvider, r report.Report) {
				sent := r.Hops[0]
				for _, name := range []string{"code_challenge", "nonce"} {
					if _, ok := sent.Params[name]; ok {
						t.Errorf("sent %s under the platform's emulation: %s", name, sent.URL)
					}
				}
				if strings.Contains(sent.URL, "code_challenge") || strings.Contains(sent.URL, "nonce=") {
					t.Errorf("sent URL %s has PKCE or a nonce", sent.URL)
				}
				if r.Profile.PKCE || r.Profile.Nonce != "" || r.Profile.CodeVerifier != "" {
					t.Errorf("profile PKCE %v nonce %q verifier %q; want none", r.Profile.PKCE, r.Profile.Nonce, r.Profile.CodeVerifier)
				}
			},
		},
		{
			name: "template body posted verbatim",
			setup: func(p *fakeProvider, c *Config) {
				c.AuthorizeRequest = connectorAuthorize(p)
				c.TokenRequest = bodyHook(p)
			},
			wantAuth: []string{ClientAuthTemplate},
			want:     []string{report.CodeConnectorRedirectGlobal},
			check: func(t *testing.T, p *fakeProvider, r report.Report) {
				p.mu.Lock()
				bodies, auths := slices.Clone(p.bodies), slices.Clone(p.auths)
				p.mu.Unlock()
				code := r.Exchange.Request.Form["code"]
				want := templateBody(TokenFill{Grant: "authorization_code", Code: code, RedirectURI: r.Profile.RedirectURI, ClientID: "app", ClientSecret: "s3cret"})
				if len(bodies) != 2 || bodies[0] != want {
					t.Fatalf("token bodies %q; want the exchange's template exactly, %q, then the refresh's", bodies, want)
				}
				if !strings.HasPrefix(bodies[1], "refresh_token=rt-1&grant_type=refresh_token") {
					t.Errorf("refresh body %q, want the refresh template", bodies[1])
				}
				if auths[0] != "" {
					t.Errorf("template request carried Authorization %q; the engine adds none", auths[0])
				}
				if got := r.Exchange.Request.Form["tenant"]; got != "{Tenant}" {
					t.Errorf("report form tenant = %q, want the literal placeholder {Tenant}", got)
				}
				if r.Refresh == nil || r.Refresh.Request.ClientAuth != ClientAuthTemplate {
					t.Errorf("refresh = %+v, want the template's", r.Refresh)
				}
				if !strings.HasSuffix(r.Exchange.Request.URL, "/token?via=hook") {
					t.Errorf("exchange URL %s, want the hook's", r.Exchange.Request.URL)
				}
			},
		},
		{
			name: "template body refused is not retried as Basic",
			setup: func(p *fakeProvider, c *Config) {
				p.clientAuth = "basic"
				c.AuthorizeRequest = connectorAuthorize(p)
				c.TokenRequest = bodyHook(p)
			},
			wantAuth: []string{ClientAuthTemplate},
			want:     []string{report.CodeConnectorRedirectGlobal, report.CodeTokenError},
		},
		{
			name: "form: body, then Basic",
			setup: func(p *fakeProvider, c *Config) {
				p.clientAuth = "basic"
				c.AuthorizeRequest = connectorAuthorize(p)
				c.TokenRequest = func(f TokenFill) (TokenRequest, error) {
					form := url.Values{"grant_type": {f.Grant}}
					if f.Grant == "authorization_code" {
						form.Set("code", f.Code)
						form.Set("redirect_uri", f.RedirectURI)
					} else {
						form.Set("refresh_token", f.RefreshToken)
					}
					return TokenRequest{URL: p.url("/token?via=form"), Form: form}, nil
				}
			},
			wantAuth: []string{ClientAuthPost, ClientAuthBasic},
			want:     []string{report.CodeConnectorRedirectGlobal, report.CodeTokenClientAuth},
			check: func(t *testing.T, p *fakeProvider, r report.Report) {
				if r.Refresh == nil || r.Refresh.Request.ClientAuth != ClientAuthBasic || r.Refresh.Response.Status != 200 {
					t.Errorf("refresh = %+v, want Basic, as the exchange ended", r.Refresh)
				}
				if _, ok := r.Exchange.Request.Form["code_verifier"]; ok {
					t.Errorf("the hook's form got a code_verifier added")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newFakeProvider(t)
			cfg := platformConfig(t, p)
			tt.setup(p, &cfg)
			r, err := Run(context.Background(), cfg, nil)
			if err != nil {
				t.Fatalf("Run: %v\n%s", err, describe(r))
			}
			if diff := cmp.Diff(tt.want, codes(r)); diff != "" {
				t.Errorf("findings (-want +got):\n%s\n%s", diff, describe(r))
			}
			var auths []string
			if r.Exchange != nil {
				for _, a := range r.Exchange.Attempts {
					auths = append(auths, a.Request.ClientAuth)
				}
				auths = append(auths, r.Exchange.Request.ClientAuth)
			}
			if diff := cmp.Diff(tt.wantAuth, auths); diff != "" {
				t.Errorf("exchange attempts' client auth (-want +got):\n%s", diff)
			}
			if !platformStateShape.MatchString(r.Profile.State) || r.Hops[0].Params["state"] != r.Profile.State {
				t.Errorf("state %q (sent %q), want the platform's shape, as sent", r.Profile.State, r.Hops[0].Params["state"])
			}
			if r.Profile.As != AsPowerPlatform || r.Profile.Connector != cfg.Connector {
				t.Errorf("profile as %q connector %q", r.Profile.As, r.Profile.Connector)
			}
			if tt.check != nil {
				tt.check(t, p, r)
			}
		})
	}
}

// bodyHook is a TokenRequest hook that builds templateBody.
func bodyHook(p *fakeProvider) func(TokenFill) (TokenRequest, error) {
	return func(f TokenFill) (TokenRequest, error) {
		return TokenRequest{URL: p.url("/token?via=hook"), Body: templateBody(f)}, nil
	}
}

func TestRefreshAgainPlatformTemplate(t *testing.T) {
	p := newFakeProvider(t)
	cfg := platformConfig(t, p)
	cfg.AuthorizeRequest, cfg.TokenRequest = connectorAuthorize(p), bodyHook(p)
	rep, err := Run(context.Background(), cfg, nil)
	if err != nil || rep.Refresh == nil {
		t.Fatalf("Run: %v, refresh %+v", err, rep.Refresh)
	}
	again, err := RefreshAgain(context.Background(), cfg, rep, nil)
	if err != nil {
		t.Fatalf("RefreshAgain: %v", err)
	}
	p.mu.Lock()
	last := p.bodies[len(p.bodies)-1]
	p.mu.Unlock()
	if want := "refresh_token=rt-2&grant_type=refresh_token&client_id=app&client_secret=s3cret"; last != want {
		t.Errorf("refresh again sent %q, want %q", last, want)
	}
	if again.Refresh.Request.ClientAuth != ClientAuthTemplate {
		t.Errorf("refresh again client auth %q, want template", again.Refresh.Request.ClientAuth)
	}
	cfg.TokenRequest = func(TokenFill) (TokenRequest, error) { return TokenRequest{}, errors.New("no value for {Tenant}") }
	if _, err := RefreshAgain(context.Background(), cfg, rep, nil); !isBuildError(err) || !strings.Contains(err.Error(), "refresh request") {
		t.Errorf("RefreshAgain with a failing hook: %v; want a BuildError naming the refresh request", err)
	}
}

func TestRunPlatformHookErrors(t *testing.T) {
	missing := errors.New("connection parameter tenant has no value")
	tests := []struct {
		name      string
		setup     func(*fakeProvider, *Config)
		wantWords []string
		exchanged bool // the run got as far as the token endpoint
	}{
		{
			name: "authorize hook fails",
			setup: func(_ *fakeProvider, c *Config) {
				c.AuthorizeRequest = func(string, string) (string, error) { return "", missing }
			},
			wantWords: []string{"cannot build the authorize request", "tenant has no value"},
		},
		{
			name: "authorize hook builds no URL",
			setup: func(_ *fakeProvider, c *Config) {
				c.AuthorizeRequest = func(string, string) (string, error) { return "{Host}/authorize?client_id=app", nil }
			},
			wantWords: []string{"cannot build the authorize request", `"{Host}/authorize?client_id=app"`, "not an absolute http(s) URL"},
		},
		{
			name: "token hook fails",
			setup: func(p *fakeProvider, c *Config) {
				c.TokenRequest = func(TokenFill) (TokenRequest, error) { return TokenRequest{}, missing }
			},
			wantWords: []string{"cannot build the token request", "tenant has no value"},
		},
		{
			name: "token hook builds a relative URL",
			setup: func(p *fakeProvider, c *Config) {
				c.TokenRequest = func(f TokenFill) (TokenRequest, error) {
					return TokenRequest{URL: "/token?client_secret=" + f.ClientSecret, Body: "x=1"}, nil
				}
			},
			wantWords: []string{"cannot build the token request", "client_secret=%3Credacted%3E"},
		},
		{
			name: "refresh hook fails",
			setup: func(p *fakeProvider, c *Config) {
				c.TokenRequest = func(f TokenFill) (TokenRequest, error) {
					if f.Grant == "refresh_token" {
						return TokenRequest{}, missing
					}
					return bodyHook(p)(f)
				}
			},
			wantWords: []string{"cannot build the refresh request", "tenant has no value"},
			exchanged: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newFakeProvider(t)
			cfg := platformConfig(t, p)
			tt.setup(p, &cfg)
			r, err := Run(context.Background(), cfg, nil)
			if !isBuildError(err) {
				t.Fatalf("Run: %v; want a BuildError", err)
			}
			for _, w := range tt.wantWords {
				if !strings.Contains(err.Error(), w) || !strings.Contains(r.Error, w) {
					t.Errorf("error %q (report %q) does not say %q", err, r.Error, w)
				}
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error %q shows the secret", err)
			}
			if got := r.Exchange != nil; got != tt.exchanged {
				t.Errorf("exchange made: %v, want %v", got, tt.exchanged)
			}
		})
	}
}

// TestTraceTwoChains: trace --connector preflights the platform's own
// redirect URI (here refused: the provider has only the loopback one
// registered), then the loopback one, each in its own chain.
func TestTraceTwoChains(t *testing.T) {
	const perConnector = PowerPlatformRedirectURI + "/shared-5facme-20orders-5f3a9c1e2b"
	p := newFakeProvider(t)
	p.registered = map[string]bool{DefaultRedirectURI: true}
	cfg := platformConfig(t, p)
	cfg.RedirectURI = perConnector
	cfg.LoopbackRedirectURI = DefaultRedirectURI
	cfg.AuthorizeRequest = connectorAuthorize(p)
	var events []Event
	r, err := Trace(context.Background(), cfg, func(e Event) { events = append(events, e) })
	if err != nil {
		t.Fatalf("Trace: %v", err)
	}
	if len(r.Chains) != 2 || r.Chains[0].Name != report.ChainPlatform || r.Chains[1].Name != report.ChainLoopback {
		t.Fatalf("chains %+v, want platform then loopback", r.Chains)
	}
	if r.Chains[0].RedirectURI != perConnector || r.Chains[1].RedirectURI != DefaultRedirectURI {
		t.Errorf("chains' redirect URIs %q, %q", r.Chains[0].RedirectURI, r.Chains[1].RedirectURI)
	}
	if r.Chains[0].State == r.Chains[1].State || !platformStateShape.MatchString(r.Chains[1].State) {
		t.Errorf("chains' states %q, %q: want two fresh ones in the platform's shape", r.Chains[0].State, r.Chains[1].State)
	}
	// Each chain event comes right before its sent hop, and every hop
	// after it is the chain's, numbered on from the last.
	chain, n := "", 0
	for _, e := range events {
		switch e.Kind {
		case EventChain:
			chain = e.Chain.Name
		case EventHop:
			n++
			if e.Hop.Chain != chain || e.Hop.N != n {
				t.Errorf("hop %d (%s) in chain %q, numbered %d; want chain %q, number %d", n, e.Hop.URL, e.Hop.Chain, e.Hop.N, chain, n)
			}
		}
	}
	// sent + refused authorize page; sent + authorize + login page.
	if got := len(r.Hops); got != 5 {
		t.Errorf("%d hops, want 5\n%s", got, describe(r))
	}
	if r.Profile.RedirectURI != perConnector || r.Profile.State != r.Chains[0].State {
		t.Errorf("profile redirect URI %q state %q; want the first chain's", r.Profile.RedirectURI, r.Profile.State)
	}
	want := []string{report.CodeConnectorRedirectGlobal, report.CodeRedirectURIRejected}
	if diff := cmp.Diff(want, codes(r)); diff != "" {
		t.Errorf("findings (-want +got):\n%s\n%s", diff, describe(r))
	}
	tests := []struct {
		chain         string
		redirect      report.Verdict
		state         report.Verdict
		hops          int
		findings      []string
		redirectWords string
	}{
		{report.ChainPlatform, report.VerdictProblem, report.VerdictOK, 2, want, "refused by the provider at hop 2"},
		{report.ChainLoopback, report.VerdictOK, report.VerdictOK, 3, want[:1], "accepted: the provider went on to its login page at hop 5"},
	}
	for _, tt := range tests {
		c := r.Chain(tt.chain)
		a := c.Answer()
		if a.RedirectURI.Verdict != tt.redirect || !strings.Contains(a.RedirectURI.Text, tt.redirectWords) || a.State.Verdict != tt.state {
			t.Errorf("%s chain answers %+v; want redirect %s (%q), state %s", tt.chain, a, tt.redirect, tt.redirectWords, tt.state)
		}
		if len(c.Hops) != tt.hops || !slices.Equal(codes(c), tt.findings) {
			t.Errorf("%s chain: %d hops, findings %v; want %d, %v", tt.chain, len(c.Hops), codes(c), tt.hops, tt.findings)
		}
		if c.Profile.State != c.Hops[0].Params["state"] {
			t.Errorf("%s chain's profile state %q, its sent state %q", tt.chain, c.Profile.State, c.Hops[0].Params["state"])
		}
	}
}

// TestTraceOneChainHasNone: without a loopback redirect URI, a trace is
// one chain, unnamed, as before.
func TestTraceOneChainHasNone(t *testing.T) {
	p := newFakeProvider(t)
	r, err := Trace(context.Background(), Config{AuthorizeURL: p.url("/authorize"), ClientID: "app"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Chains) != 0 || r.Hops[0].Chain != "" || r.Hops[0].N != 1 {
		t.Errorf("chains %+v, first hop %+v; want no chains", r.Chains, r.Hops[0])
	}
}

func TestValidatePlatformSettings(t *testing.T) {
	base := Config{AuthorizeURL: "https://idp.example/authorize", TokenURL: "https://idp.example/token", ClientID: "app"}
	hook := func(string, string) (string, error) { return "", nil }
	tokenHook := func(TokenFill) (TokenRequest, error) { return TokenRequest{}, nil }
	tests := []struct {
		name    string
		setup   func(*Config)
		login   bool
		setting Setting // "" for no error
	}{
		{"power platform", func(c *Config) { c.As = AsPowerPlatform }, true, ""},
		{"unknown client", func(c *Config) { c.As = "logic-apps" }, true, SettingAs},
		{"hooks stand for the URLs", func(c *Config) {
			c.AuthorizeURL, c.TokenURL, c.AuthorizeRequest, c.TokenRequest = "", "", hook, tokenHook
		}, true, ""},
		{"no authorize URL nor hook", func(c *Config) { c.AuthorizeURL = "" }, false, SettingAuthorizeURL},
		{"no token URL nor hook", func(c *Config) { c.TokenURL, c.AuthorizeRequest = "", hook }, true, SettingTokenURL},
		{"loopback redirect URI", func(c *Config) { c.LoopbackRedirectURI = DefaultRedirectURI }, false, ""},
		{"loopback redirect URI not loopback", func(c *Config) { c.LoopbackRedirectURI = PowerPlatformRedirectURI }, false, SettingLoopbackRedirectURI},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.setup(&cfg)
			err := Validate(cfg, tt.login)
			var ce *ConfigError
			switch {
			case tt.setting == "" && err != nil:
				t.Errorf("Validate: %v, want nil", err)
			case tt.setting != "" && (!errors.As(err, &ce) || ce.Setting != tt.setting):
				t.Errorf("Validate: %v, want a ConfigError for %s", err, tt.setting)
			}
		})
	}
}

// TestRunPlatformChainFirst: login --connector traces the platform's own
// redirect URI first (refused here), then logs in with the loopback one;
// the refusal does not stop the login, and the login's values are the
// profile's.
func TestRunPlatformChainFirst(t *testing.T) {
	const perConnector = PowerPlatformRedirectURI + "/shared-5facme-20orders-5f3a9c1e2b"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	loopback := fmt.Sprintf("http://127.0.0.1:%d/callback", ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	p := newFakeProvider(t)
	p.registered = map[string]bool{loopback: true}
	cfg := platformConfig(t, p)
	cfg.RedirectURI = loopback
	cfg.PlatformRedirectURI = perConnector
	cfg.AuthorizeRequest = connectorAuthorize(p)
	r, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, describe(r))
	}
	if len(r.Chains) != 2 || r.Chains[0].RedirectURI != perConnector || r.Chains[1].RedirectURI != loopback {
		t.Fatalf("chains %+v: want the platform's, then the loopback one", r.Chains)
	}
	if r.Profile.RedirectURI != loopback || r.Profile.State != r.Chains[1].State {
		t.Errorf("profile redirect URI %q state %q: want the login's (loopback) chain's", r.Profile.RedirectURI, r.Profile.State)
	}
	if r.Exchange == nil || r.Exchange.Response == nil || r.Exchange.Response.Status != 200 {
		t.Fatalf("exchange %+v: want the login to go on past the refused platform chain\n%s", r.Exchange, describe(r))
	}
	last := r.Hops[len(r.Hops)-1]
	if last.Role != report.RoleCallback || last.Chain != report.ChainLoopback {
		t.Errorf("last hop %+v: want the callback, in the loopback chain", last)
	}
	f, ok := findingFor(r, report.CodeRedirectURIRejected)
	if !ok || r.Hops[f.Hop-1].Chain != report.ChainPlatform {
		t.Errorf("redirect_uri.rejected %+v: want it on a hop of the platform chain\n%s", f, describe(r))
	}
}

// TestRefreshFillHasRedirectURI: a refresh template may use {RedirectUrl}
// (the platform's oauth2 refresh sends redirect_uri): the hook gets the
// login's redirect URI for the refresh too, and on a refresh again.
func TestRefreshFillHasRedirectURI(t *testing.T) {
	p := newFakeProvider(t)
	cfg := platformConfig(t, p)
	cfg.AuthorizeRequest = connectorAuthorize(p)
	var fills []TokenFill
	body := bodyHook(p)
	cfg.TokenRequest = func(f TokenFill) (TokenRequest, error) {
		fills = append(fills, f)
		return body(f)
	}
	rep, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, err := RefreshAgain(context.Background(), cfg, rep, nil); err != nil {
		t.Fatalf("RefreshAgain: %v", err)
	}
	if len(fills) != 3 {
		t.Fatalf("%d token requests built, want exchange, refresh, refresh again", len(fills))
	}
	for _, f := range fills {
		if f.RedirectURI == "" || f.RedirectURI != rep.Profile.RedirectURI {
			t.Errorf("%s fill redirect URI %q, want the login's %q", f.Grant, f.RedirectURI, rep.Profile.RedirectURI)
		}
	}
}

// TestTraceChainNamesWhatWasSent: a template with a fixed redirect_uri
// sends it in both chains; each chain says what it carried, not what it
// was given.
func TestTraceChainNamesWhatWasSent(t *testing.T) {
	p := newFakeProvider(t)
	cfg := platformConfig(t, p)
	cfg.RedirectURI = PowerPlatformRedirectURI + "/acme-5fapi-0a1b2c3d"
	cfg.LoopbackRedirectURI = DefaultRedirectURI
	cfg.AuthorizeRequest = func(_, state string) (string, error) {
		return connectorAuthorize(p)(PowerPlatformRedirectURI, state)
	}
	r, err := Trace(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("Trace: %v", err)
	}
	for _, c := range r.Chains {
		if c.RedirectURI != PowerPlatformRedirectURI {
			t.Errorf("chain %s redirect URI %q, want the fixed %q its request carried", c.Name, c.RedirectURI, PowerPlatformRedirectURI)
		}
	}
}

// TestRefreshMissingHintNamesTheConnector: with the platform's requests
// built from a connector, the fix goes into the connector's file, not the
// Security tab's Authorization URL.
func TestRefreshMissingHintNamesTheConnector(t *testing.T) {
	p := newFakeProvider(t)
	p.refresh = false
	cfg := platformConfig(t, p)
	cfg.AuthorizeRequest = connectorAuthorize(p)
	r, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	f, ok := findingFor(r, report.CodeRefreshTokenMissing)
	if !ok {
		t.Fatalf("no refresh_token.missing\n%s", describe(r))
	}
	if !strings.Contains(f.Hint, "authorizationUrlQueryStringTemplate") || strings.Contains(f.Hint, "the Authorization URL") {
		t.Errorf("hint %q: want it to name the connector's query template", f.Hint)
	}
}
