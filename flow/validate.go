package flow

import (
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/authtrace/authtrace/decode"
)

// parseHTTPURL parses an absolute http or https URL, saying what is wrong
// with it otherwise. what names the setting, as in ConfigError.
func parseHTTPURL(what Setting, raw string) (*url.URL, error) {
	u, err := decode.ParseHTTPURL(raw)
	var ue *decode.URLError
	if errors.As(err, &ue) {
		return nil, urlConfigError(what, ue)
	}
	return u, err
}

// urlConfigError is a URL problem of setting what, with an example of
// the whole URL where one is missing its scheme or host.
func urlConfigError(what Setting, e *decode.URLError) *ConfigError {
	problem := Words(e.Error())
	switch e.Problem {
	case decode.URLNoScheme:
		problem += Words("; give the whole URL, starting with https:// (or http:// for a server on this machine), for example " + exampleURL(what))
	case decode.URLNoHost:
		problem += Words("; give the whole URL, for example " + exampleURL(what))
	}
	return &ConfigError{Setting: what, Problem: problem}
}

// exampleURL is an example of the setting's URL, for error messages.
func exampleURL(setting Setting) string {
	switch setting {
	case SettingTokenURL, SettingRefreshURL, "token_endpoint":
		return "https://example.auth0.com/oauth/token"
	case SettingRedirectURI:
		return DefaultRedirectURI
	case SettingIssuer:
		return "https://example.auth0.com/"
	case SettingJWKSURL, "jwks_uri":
		return "https://example.auth0.com/.well-known/jwks.json"
	}
	return "https://example.auth0.com/authorize"
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// loopback is where the redirect listener binds and what it answers to.
type loopback struct {
	host string // as written in the redirect URI: 127.0.0.1, localhost or [::1]
	bind string // the address to bind: 127.0.0.1 or ::1
	port int    // 0: any free port
	path string
	uri  *url.URL
}

// parseRedirectURI checks that the redirect URI is a loopback http URL
// authtrace can listen on. An empty one means http://127.0.0.1:<port>/callback.
// A port in the URI wins over port; a URI without one uses port.
func parseRedirectURI(raw string, port int) (loopback, error) {
	if raw == "" {
		raw = "http://127.0.0.1/callback"
	}
	u, err := parseRedirectHTTP(raw)
	if err != nil {
		return loopback{}, err
	}
	if u.Scheme != "http" {
		return loopback{}, &ConfigError{Setting: SettingRedirectURI, Problem: words("%q must be a loopback http:// URL authtrace can listen on (https needs a certificate the browser trusts); use, for example, %s and register it with the provider", raw, DefaultRedirectURI)}
	}
	lb := loopback{host: u.Hostname(), port: port, path: u.EscapedPath(), uri: u}
	switch strings.ToLower(lb.host) { // host names are case-insensitive: LOCALHOST is localhost
	case "127.0.0.1", "localhost":
		lb.bind = "127.0.0.1"
	case "::1":
		lb.bind = "::1"
	default:
		return loopback{}, &ConfigError{Setting: SettingRedirectURI, Problem: words("host %q is not a loopback address; authtrace listens only on 127.0.0.1, localhost or [::1]", lb.host)}
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return loopback{}, &ConfigError{Setting: SettingRedirectURI, Problem: words("port %q is not a port number (0 to 65535; 0 means any free port)", p)}
		}
		lb.port = n // 0: any free port
	}
	if lb.path == "" {
		lb.path = "/"
	}
	return lb, nil
}

// parseRedirectHTTP parses a redirect URI, loopback or not: an absolute
// http(s) URL without a fragment (RFC 6749 §3.1.2) and without a user or
// password, which no provider registers and a browser would show as a
// phishing warning.
func parseRedirectHTTP(raw string) (*url.URL, error) {
	u, err := parseHTTPURL(SettingRedirectURI, raw)
	if err != nil {
		return nil, err
	}
	// The user part first: the fragment's message quotes the URI, and
	// must not quote a password in it.
	if u.User != nil {
		return nil, &ConfigError{Setting: SettingRedirectURI, Problem: words("%q has a user name or password before the host; a redirect URI carries none. Give it as the provider has it registered, for example %s", redactUser(u), exampleURL(SettingRedirectURI))}
	}
	if strings.Contains(raw, "#") {
		return nil, &ConfigError{Setting: SettingRedirectURI, Problem: words("%q has a fragment (#...); a redirect URI must not have one (RFC 6749 §3.1.2): the provider appends the code to the query, and a browser never sends the fragment. Give it without the # part", raw)}
	}
	return u, nil
}

// redactUser is u for a message, its password hidden.
func redactUser(u *url.URL) string {
	c := *u
	if _, has := c.User.Password(); has {
		c.User = url.UserPassword(c.User.Username(), "xxxxx")
	}
	return c.String()
}

// withPort returns the redirect URI as sent, with the port the listener got.
func (lb loopback) withPort(port int) string {
	u := *lb.uri
	u.Host = net.JoinHostPort(lb.host, strconv.Itoa(port))
	return u.String()
}

// reservedParams are the authorize parameters authtrace sets itself: given
// as extra parameters they would make it send one value and then listen,
// compare and exchange with another.
var reservedParams = map[string]Setting{
	"state":                 SettingState,
	"redirect_uri":          SettingRedirectURI,
	"client_id":             SettingClientID,
	"scope":                 SettingScope,
	"response_type":         "",
	"nonce":                 "",
	"code_challenge":        SettingPKCE,
	"code_challenge_method": SettingPKCE,
	// Not an authorize parameter at all, and a secret in the URL would
	// end up in the browser's history and the provider's logs.
	"client_secret": SettingClientSecret,
	"code_verifier": SettingPKCE,
}

// ParseParam reads one extra authorize parameter written name=value. The
// value is taken as it is (no decoding); names authtrace sets itself are
// refused with the setting to use instead.
func ParseParam(kv string) (Param, error) {
	name, value, ok := strings.Cut(kv, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return Param{}, &ConfigError{Setting: SettingParams, Problem: words("%q: want name=value, for example audience=https://api.example.com", kv)}
	}
	if instead, reserved := reservedParams[name]; reserved {
		return Param{}, &ConfigError{Setting: SettingParams, Problem: words("%q is set by authtrace itself", name), Use: instead}
	}
	return Param{Name: name, Value: value}, nil
}

// CheckURL says what is wrong with an endpoint URL (absolute, http or
// https), or nil. setting names it in the error, as in ConfigError.
func CheckURL(setting Setting, raw string) error {
	if setting == SettingRedirectURI {
		_, err := parseRedirectURI(raw, 0)
		return err
	}
	_, err := parseHTTPURL(setting, raw)
	return err
}
