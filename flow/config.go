// Package flow runs an OAuth 2.0 authorization-code login the way a connector
// platform would and records where it breaks: it builds the authorize request,
// follows the redirect chain with its own client (preflight), waits for the
// browser on a loopback listener, exchanges the code, refreshes, and decodes
// the tokens. It never imports the UI: everything it learns goes to the emit
// function as Events and into the returned report.Report.
package flow

import (
	"net/http"
	"time"

	"github.com/authtrace/authtrace/report"
)

// Client authentication at the token endpoint.
const (
	ClientAuthPost  = "post"  // client_id and client_secret in the form body
	ClientAuthBasic = "basic" // HTTP Basic header
	ClientAuthAuto  = "auto"  // body first, then Basic, as Power Platform does
)

// Config is one login's settings. The zero values of the optional fields are
// the defaults named on each.
type Config struct {
	Issuer       string // OIDC discovery fills the empty endpoints from it
	AuthorizeURL string
	TokenURL     string
	RefreshURL   string // default: TokenURL
	JWKSURL      string // from discovery; used to verify token signatures
	ClientID     string
	ClientSecret string
	Scope        string
	// Params are extra authorize parameters (audience, resource,
	// organization, connection, prompt, ...), in the order given.
	Params      []Param
	RedirectURI string // default: http://127.0.0.1:<Port>/callback
	// Port is the listener's when RedirectURI has none. 0 is any free
	// port, which no provider has registered: people get DefaultPort.
	Port       int
	NoPKCE     bool   // emulate clients without PKCE
	State      string // force an exact state value; default: random
	ClientAuth string // post, basic or auto (default auto)
	ExpectAud  string
	ExpectIss  string

	// As names a client whose requests the run emulates: "" for
	// authtrace's own (PKCE, nonce, random state), or AsPowerPlatform.
	As string
	// AuthorizeRequest, when set, builds the authorize URL for the
	// redirect URI and state instead of the engine's own request (a
	// connector's templates, as the platform fills them). The engine adds
	// nothing to it: no PKCE, no nonce.
	AuthorizeRequest func(redirectURI, state string) (string, error)
	// TokenRequest, when set, builds the code exchange's and the
	// refresh's requests instead of the engine's own.
	TokenRequest func(TokenFill) (TokenRequest, error)
	// LoopbackRedirectURI, for Trace: preflight a second chain with this
	// redirect URI (the loopback one a real login sends), after the one
	// with RedirectURI (the platform's own). The report's Chains name them.
	LoopbackRedirectURI string
	// PlatformRedirectURI, for Run: before the login, preflight a chain
	// with this redirect URI (the platform's own, which no loopback
	// listener can take), so that the report says whether the provider
	// accepts it too. The login's own chain is then the loopback one.
	PlatformRedirectURI string
	// Findings were found before the run (a connector's settings): the
	// run reports them first, as its own.
	Findings []report.Finding
	// Calls are requests to the API, made with the access token as the
	// platform sends it (Authorization: Bearer) once the login has one;
	// with CallAfterRefresh, made again with the refreshed one.
	Calls            []APICall
	CallAfterRefresh bool
	// Connector is the connector definition the settings came from (its
	// path, for the report's profile).
	Connector string
	// Profile is the saved profile the settings started from (its name,
	// for the report's profile).
	Profile string

	// Timeout bounds the whole login (default 5m); RequestTimeout each HTTP
	// request (default 30s).
	Timeout        time.Duration
	RequestTimeout time.Duration
	// MaxHops bounds the preflight chain (default 20, at most
	// MaxHopsLimit).
	MaxHops int

	// OpenBrowser opens the authorize URL. Nil means do not open anything:
	// the URL is in the waiting event for a person to open.
	OpenBrowser func(url string) error
	// Capture, when set, replaces OpenBrowser: a browser it watches opens
	// the authorize URL, and every request it makes is a hop (source
	// browser), until the callback or the time limit.
	Capture CaptureFunc
	// Unattended says nobody can act in the captured browser (headless,
	// and nothing drives it): the run says so, and where the browser
	// stopped when it ends without the callback.
	Unattended bool
	// HTTPClient makes the token-endpoint and discovery requests; nil means
	// a client with RequestTimeout. Preflight always uses its own client
	// with a fresh cookie jar and no automatic redirects, sharing this
	// client's Transport.
	HTTPClient *http.Client
	// Now is the clock for timestamps and token checks (default time.Now).
	Now func() time.Time
}

// DefaultRedirectURI is the loopback redirect URI a person registers once
// with the provider's app for authtrace: a fixed port, so that the same
// registration works for every login. DefaultPort is its port.
const (
	DefaultRedirectURI = "http://127.0.0.1:53682/callback"
	DefaultPort        = 53682
)

// MaxHopsLimit is the largest MaxHops taken: far more than any real
// chain, small enough that a hostile chain cannot make a report huge.
const MaxHopsLimit = 100

// APICall is one request to the API with the access token: its method (default GET),
// absolute URL, headers besides Authorization, in the order given, and body.
type APICall struct {
	Method  string
	URL     string
	Headers []Param
	// Body is sent as the request's body (a swagger operation's body
	// parameter), as JSON unless a Content-Type header says otherwise.
	Body string
}

// Param is one extra authorize parameter.
type Param struct {
	Name, Value string
}
