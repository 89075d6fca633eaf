package flow

import (
	"crypto/rand"
	"fmt"
	"net/url"
	"strings"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/report"
)

// AsPowerPlatform is Config.As for Power Platform's custom connectors: its
// state shape (<GUID>_<region-cluster>_azure-apim.net), no PKCE, no nonce,
// and the client secret in the form body first, then as Basic.
const AsPowerPlatform = "power-platform"

// TokenFill is what a token request is built from: for the code exchange
// (Grant "authorization_code") the code and the redirect URI it was sent
// to, for the refresh (Grant "refresh_token") the refresh token. ClientID
// and ClientSecret are the run's, known only once it starts (the secret
// may come from a prompt).
type TokenFill struct {
	Grant        string
	Code         string
	RedirectURI  string
	RefreshToken string
	ClientID     string
	ClientSecret string
}

// TokenRequest is a token-endpoint request built by a platform's
// templates (Config.TokenRequest).
type TokenRequest struct {
	URL string
	// Body, when set, is the form body exactly as the platform sends it
	// (a connector's template, client credentials in it or not): the
	// engine sends it as is, with no client authentication of its own.
	Body string
	// Form, when Body is empty, are the grant's fields; the engine adds
	// the client authentication per Config.ClientAuth, as for its own.
	Form url.Values
}

// powerPlatformCluster is the region cluster in the platform's state. The
// provider never reads it; it only has to come back byte for byte, so one
// real cluster stands for all.
const powerPlatformCluster = "unitedstates-002"

// PowerPlatformState is a state in the shape Power Platform sends:
// <lowercase GUID v4>_<region-cluster>_azure-apim.net. Its '_' and '.'
// are what tenant proxies that split or re-encode state trip on, which is
// why emulating it matters.
func PowerPlatformState() string {
	var b [16]byte
	_, _ = rand.Read(b[:])  // never fails (crypto/rand)
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x_%s_azure-apim.net", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16], powerPlatformCluster)
}

// isPlatformState reports whether s has the platform's state shape.
func isPlatformState(s string) bool {
	guid, rest, ok := strings.Cut(s, "_")
	cluster, ok2 := strings.CutSuffix(rest, "_azure-apim.net")
	return ok && ok2 && len(guid) == 36 && strings.Count(guid, "-") == 4 && cluster != "" && !strings.ContainsAny(cluster, "_.")
}

// ClientAuthTemplate is the report's Request.ClientAuth for a token
// request whose body a platform's template built (TokenRequest.Body):
// whatever client credentials it holds are the template's. It is not a
// Config.ClientAuth value.
const ClientAuthTemplate = "template"

// emulate applies Config.As to the settings it implies: the platform
// sends no PKCE (and, in buildAuthorize, no nonce and its own state
// shape). A request built by AuthorizeRequest has no PKCE either.
func emulate(cfg *Config) {
	if cfg.As == AsPowerPlatform || cfg.AuthorizeRequest != nil {
		cfg.NoPKCE = true
	}
}

// newState is the state of one authorize request: Config.State when
// set, else a fresh one in the shape of the client emulated.
func newState(cfg *Config) string {
	switch {
	case cfg.State != "":
		return cfg.State
	case cfg.As == AsPowerPlatform:
		return PowerPlatformState()
	}
	return rand.Text()
}

// BuildError is a request the platform's hooks (Config.AuthorizeRequest,
// Config.TokenRequest) could not build, or built as something that
// cannot be sent: usually a connection parameter without a value, or a
// template that expands to an URL that does not parse. The run stops
// there: what it would send is not what the platform sends.
type BuildError struct {
	// Request is what could not be built: "authorize request", "token
	// request" or "refresh request".
	Request string
	Err     error
}

func (e *BuildError) Error() string { return e.Words(nil) }

// Words is the error with name(setting) for the settings it names.
func (e *BuildError) Words(name func(Setting) string) string {
	return "cannot build the " + e.Request + " as the platform would: " + Phrase(e.Err, name)
}

func (e *BuildError) Unwrap() error { return e.Err }

// builtURL checks a URL a hook built: an absolute http(s) URL.
func builtURL(request, raw string) (*url.URL, error) {
	u, err := decode.ParseHTTPURL(raw)
	if err == nil {
		return u, nil
	}
	// Not the URLError's own words: they quote the URL unredacted, and a
	// template's query may carry the client secret.
	problem := "is not an absolute http(s) URL"
	if raw == "" {
		problem = "is empty"
	}
	return nil, &BuildError{Request: request, Err: &requestError{fmt.Sprintf("the URL it built, %q, %s (check the template and the connection parameters it uses)", report.RedactURL(raw), problem), err}}
}

// ConsentDomain is the domain of Power Platform's consent hosts:
// global.consent.azure-apim.net for most environments, regional ones
// (europe-001.consent.azure-apim.net) for some. The platform's redirect
// URLs are on them.
const ConsentDomain = ".consent.azure-apim.net"

// IsConsentHost reports whether host (a URL's, any case, with or without
// a port) is one of the platform's consent hosts.
func IsConsentHost(host string) bool {
	h := strings.ToLower(host)
	if i := strings.LastIndexByte(h, ':'); i > 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	return strings.HasSuffix(h, ConsentDomain)
}
