package flow

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzParseRedirectURI: whatever the redirect URI, parsing never panics and
// an accepted one always binds a loopback address with a usable path.
func FuzzParseRedirectURI(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:53682/callback", "http://localhost/cb", "http://[::1]:8080/", "https://127.0.0.1/", "http://0.0.0.0/cb", "http://127.0.0.1:99999/", "", "%"} {
		f.Add(s, 0)
	}
	f.Fuzz(func(t *testing.T, raw string, port int) {
		lb, err := parseRedirectURI(raw, port)
		if err != nil {
			return
		}
		if lb.bind != "127.0.0.1" && lb.bind != "::1" {
			t.Fatalf("%q binds %q", raw, lb.bind)
		}
		if lb.path == "" || lb.path[0] != '/' {
			t.Fatalf("%q gives path %q", raw, lb.path)
		}
		if _, err := url.Parse(lb.withPort(1234)); err != nil {
			t.Fatalf("%q: redirect URI with a port does not parse: %v", raw, err)
		}
	})
}

func TestBuildAuthorize(t *testing.T) {
	cfg := &Config{
		AuthorizeURL: "https://idp.example/authorize?tenant=acme&scope=old",
		ClientID:     "app", Scope: "openid offline_access", State: "st+ate",
		Params: []Param{{"audience", "https://api.example"}, {"prompt", "consent"}},
	}
	ar, err := buildAuthorize(cfg, "http://127.0.0.1:5/cb")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(ar.URL)
	q := u.Query()
	for k, want := range map[string]string{
		"tenant": "acme", "scope": "openid offline_access", "state": "st+ate", "client_id": "app",
		"response_type": "code", "redirect_uri": "http://127.0.0.1:5/cb", "audience": "https://api.example",
		"prompt": "consent", "code_challenge_method": "S256",
	} {
		if got := q.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if len(q["scope"]) != 1 {
		t.Errorf("scope sent %d times, want once (the configured one wins)", len(q["scope"]))
	}
	if !slices.Equal(ar.Replaced, []string{"scope"}) {
		t.Errorf("Replaced = %v, want [scope]", ar.Replaced)
	}
	if ar.Nonce == "" || q.Get("nonce") != ar.Nonce {
		t.Errorf("openid scope without a nonce: %q", q.Get("nonce"))
	}
	if len(ar.Verifier) < 43 || q.Get("code_challenge") == "" {
		t.Errorf("PKCE verifier %q (len %d), challenge %q", ar.Verifier, len(ar.Verifier), q.Get("code_challenge"))
	}
	cfg.NoPKCE, cfg.Scope = true, "read"
	ar, _ = buildAuthorize(cfg, "http://127.0.0.1:5/cb")
	u, _ = url.Parse(ar.URL)
	if u.Query().Has("code_challenge") || u.Query().Has("nonce") {
		t.Errorf("--pkce=false without openid still sends a challenge or nonce: %s", ar.URL)
	}
}

func TestParseHTTPURLMessages(t *testing.T) {
	tests := []struct {
		setting   Setting
		raw, want string
	}{
		{SettingAuthorizeURL, "127.0.0.1:42605/authorize", "has no scheme"},
		{SettingTokenURL, "token", "https://example.auth0.com/oauth/token"},
		{SettingRedirectURI, "/relative", "http://127.0.0.1:53682/callback"},
		{SettingAuthorizeURL, "ftp://x/a", `scheme "ftp"`},
		{SettingAuthorizeURL, "https:///a", "has no host"},
		{SettingAuthorizeURL, "", "missing"},
	}
	for _, tt := range tests {
		_, err := parseHTTPURL(tt.setting, tt.raw)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseHTTPURL(%s, %q) = %v, want it to say %q", tt.setting, tt.raw, err, tt.want)
		}
	}
}

// TestParseHTTPURLWords: the whole message of each problem, as cmd and ui
// show it.
func TestParseHTTPURLWords(t *testing.T) {
	tests := []struct {
		setting   Setting
		raw, want string
	}{
		{SettingAuthorizeURL, "idp.example/authorize", `the authorize URL: "idp.example/authorize" has no scheme; give the whole URL, starting with https:// (or http:// for a server on this machine), for example https://example.auth0.com/authorize`},
		{SettingTokenURL, "http://[::1", `the token URL: "http://[::1" is not a URL: missing ']' in host`},
		{SettingIssuer, "ftp://x/a", `the issuer: "ftp://x/a" has scheme "ftp"; only http and https are supported`},
		{SettingJWKSURL, "https:///keys", `the JWKS URL: "https:///keys" has no host; give the whole URL, for example https://example.auth0.com/.well-known/jwks.json`},
		{SettingRedirectURI, "  ", `the redirect URI: missing`},
	}
	for _, tt := range tests {
		_, err := parseHTTPURL(tt.setting, tt.raw)
		if err == nil || err.Error() != tt.want {
			t.Errorf("parseHTTPURL(%s, %q) = %v\nwant %s", tt.setting, tt.raw, err, tt.want)
		}
	}
}

func TestRedirectURIPortZero(t *testing.T) {
	lb, err := parseRedirectURI("http://localhost:0/cb", 0)
	if err != nil || lb.port != 0 {
		t.Fatalf("parseRedirectURI(:0) = port %d, %v; want any free port", lb.port, err)
	}
	if got := lb.withPort(4321); got != "http://localhost:4321/cb" {
		t.Errorf("withPort = %q", got)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		login   bool
		setting Setting // "" when valid
	}{
		{"issuer alone fills the endpoints", Config{Issuer: "https://idp.example/", ClientID: "app"}, true, ""},
		{"bad issuer", Config{Issuer: "idp.example", ClientID: "app"}, true, SettingIssuer},
		{"ftp authorize URL", Config{AuthorizeURL: "ftp://x/a", TokenURL: "https://x/t", ClientID: "app"}, true, SettingAuthorizeURL},
		{"login needs a token URL", Config{AuthorizeURL: "https://x/a", ClientID: "app"}, true, SettingTokenURL},
		{"trace does not", Config{AuthorizeURL: "https://x/a", ClientID: "app"}, false, ""},
		{"login needs a loopback redirect", Config{AuthorizeURL: "https://x/a", TokenURL: "https://x/t", ClientID: "app", RedirectURI: "https://global.consent.azure-apim.net/redirect"}, true, SettingRedirectURI},
		{"trace takes the platform's", Config{AuthorizeURL: "https://x/a", ClientID: "app", RedirectURI: "https://global.consent.azure-apim.net/redirect"}, false, ""},
		{"max hops over the limit", Config{AuthorizeURL: "https://x/a", ClientID: "app", MaxHops: MaxHopsLimit + 1}, false, SettingMaxHops},
		{"max hops at the limit", Config{AuthorizeURL: "https://x/a", ClientID: "app", MaxHops: MaxHopsLimit}, false, ""},
		{"login refuses a fragment", Config{AuthorizeURL: "https://x/a", TokenURL: "https://x/t", ClientID: "app", RedirectURI: "http://127.0.0.1:53682/callback#x"}, true, SettingRedirectURI},
		{"login refuses an empty fragment", Config{AuthorizeURL: "https://x/a", TokenURL: "https://x/t", ClientID: "app", RedirectURI: "http://127.0.0.1:53682/callback#"}, true, SettingRedirectURI},
		{"trace refuses a fragment", Config{AuthorizeURL: "https://x/a", ClientID: "app", RedirectURI: "https://global.consent.azure-apim.net/redirect#frag"}, false, SettingRedirectURI},
		{"login refuses user:password", Config{AuthorizeURL: "https://x/a", TokenURL: "https://x/t", ClientID: "app", RedirectURI: "http://me:pw@127.0.0.1:53682/callback"}, true, SettingRedirectURI},
		{"trace refuses a user", Config{AuthorizeURL: "https://x/a", ClientID: "app", RedirectURI: "https://me@global.consent.azure-apim.net/redirect"}, false, SettingRedirectURI},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.cfg, tt.login)
			var ce *ConfigError
			switch {
			case tt.setting == "" && err != nil:
				t.Errorf("Validate: %v, want no error", err)
			case tt.setting != "" && (!errors.As(err, &ce) || ce.Setting != tt.setting):
				t.Errorf("Validate = %v, want a ConfigError for %s", err, tt.setting)
			}
		})
	}
}

// TestRedirectURIUserHidden: a password in a refused redirect URI is not
// repeated in the message.
func TestRedirectURIUserHidden(t *testing.T) {
	err := Validate(Config{AuthorizeURL: "https://x/a", ClientID: "app", RedirectURI: "https://me:hunter2@example.com/cb"}, false)
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "user name or password") {
		t.Errorf("Validate = %v, want the user refused without the password", err)
	}
}

// TestRedirectURIUserAndFragment: a URI with a password and a fragment is
// refused for the password first, whose message hides it; the fragment's
// would quote the URI whole.
func TestRedirectURIUserAndFragment(t *testing.T) {
	err := Validate(Config{AuthorizeURL: "https://x/a", ClientID: "app", RedirectURI: "https://me:hunter2@example.com/cb#frag"}, false)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Validate = %v, want it refused without the password", err)
	}
}

// TestRedirectURILoopbackCase: host names are case-insensitive, so
// LOCALHOST is a loopback host to listen on.
func TestRedirectURILoopbackCase(t *testing.T) {
	for _, raw := range []string{"http://LOCALHOST:8400/cb", "http://LocalHost/cb"} {
		lb, err := parseRedirectURI(raw, 0)
		if err != nil || lb.bind != "127.0.0.1" {
			t.Errorf("parseRedirectURI(%q) = %+v, %v; want it bound to 127.0.0.1", raw, lb, err)
		}
	}
}
