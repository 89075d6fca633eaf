package main

import (
	"errors"
	"fmt"

	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/authtrace/authtrace/flow"
)

// settings are the connection flags shared by login and trace. Their names
// are an interface (scripts and support macros use them): keep them.
type settings struct {
	issuer, authorizeURL, tokenURL, refreshURL string
	clientID, clientSecret, scope              string
	params                                     []string
	redirectURI                                string
	port                                       int
	pkce                                       bool
	state                                      string
	clientAuth                                 string
	timeout, requestTimeout                    time.Duration
	maxHops                                    int
	expectAud, expectIss                       string
	noBrowser                                  bool
	openWith                                   string
	jsonOut, events, reveal                    bool
	fs                                         *pflag.FlagSet // the flags, to tell given from default
	reportFile                                 string
	// connector is --connector (a connector folder or its
	// apiProperties.json), connParams its --conn-param NAME=VALUE values,
	// as the client emulated (--as), profile the -p NAME to start from.
	// connSet is --conn-set: the connectionParameterSets value whose
	// OAuth settings are used (default the first).
	connector  string
	connParams []string
	connSet    string
	as         string
	profile    string
	loopback   string // trace --connector: the second chain's redirect URI
	login      bool   // the flags are login's (a loopback redirect URI), not trace's
	capt       captureSettings
	// calls are the --call flags (login and demo; not in profiles).
	calls callSettings
}

const secretEnv = "AUTHTRACE_CLIENT_SECRET"

func (s *settings) addFlags(fs *pflag.FlagSet, login bool) {
	s.fs = fs
	s.login = login
	fs.StringVar(&s.issuer, "issuer", "", "OIDC issuer URL: discovery fills the authorize and token URLs (and the JWKS URL)")
	fs.StringVar(&s.authorizeURL, "authorize-url", "", "authorization endpoint (the connector's \"Authorization URL\")")
	fs.StringVar(&s.clientID, "client-id", "", "client (application) ID")
	fs.StringVar(&s.scope, "scope", "", "space-separated scopes, e.g. \"openid profile offline_access\"")
	fs.StringArrayVar(&s.params, "param", nil, "extra authorize parameter `k=v` (audience, resource, organization, connection, prompt...); repeatable")

	fs.BoolVar(&s.pkce, "pkce", true, "send a PKCE S256 challenge (--pkce=false emulates clients without PKCE)")
	fs.StringVar(&s.state, "state", "", "send exactly this state value (to reproduce a platform's format; default random)")
	fs.StringVarP(&s.profile, "profile", "p", "", "start from the saved profile `NAME` (authtrace profile list); flags given override it")
	fs.StringVar(&s.connector, "connector", "", "a custom connector's folder (or its apiProperties.json): its OAuth settings, replayed as Power Platform would (implies --as power-platform)")
	fs.StringArrayVar(&s.connParams, "conn-param", nil, "a connection parameter the connector's templates use, `NAME=VALUE` (or the AUTHTRACE_CONN_<NAME> environment variable); repeatable")
	fs.StringVar(&s.connSet, "conn-set", "", "with --connector: the connectionParameterSets value `NAME` whose OAuth settings to use (default: the first; authtrace connector check lists them)")
	fs.StringVar(&s.as, "as", "", "emulate a client's requests: power-platform (its state shape, no PKCE, secret in the body then Basic)")
	fs.DurationVar(&s.requestTimeout, "request-timeout", 30*time.Second, "timeout of each HTTP request")
	fs.IntVar(&s.maxHops, "max-hops", 20, fmt.Sprintf("most redirect hops to follow (1 to %d)", flow.MaxHopsLimit))
	s.addOutputFlags(fs)
	if !login {
		fs.StringVar(&s.redirectURI, "redirect-uri", flow.PowerPlatformRedirectURI, "redirect URI to send (Power Platform's by default; any URL, nothing listens on it)")
		fs.DurationVar(&s.timeout, "timeout", time.Minute, "time limit for the whole trace")
		fs.StringVar(&s.loopback, "loopback-redirect-uri", flow.DefaultRedirectURI, "with --connector: the loopback redirect URI a real login sends, traced as a second chain next to the platform's own")
		return
	}
	fs.StringVar(&s.redirectURI, "redirect-uri", "", "loopback redirect URI to listen on and send: http://127.0.0.1, localhost or [::1] (default "+flow.DefaultRedirectURI+"; register it with the provider)")
	fs.IntVar(&s.port, "port", flow.DefaultPort, "listener port when --redirect-uri has none (0: any free port, which no provider has registered)")
	fs.StringVar(&s.tokenURL, "token-url", "", "token endpoint (the connector's \"Token URL\")")
	fs.StringVar(&s.refreshURL, "refresh-url", "", "refresh endpoint (default: the token URL)")
	fs.StringVar(&s.clientSecret, "client-secret", "", "client secret (better: the "+secretEnv+" environment variable, or the prompt)")
	fs.StringVar(&s.clientAuth, "client-auth", flow.ClientAuthAuto, "how the secret is sent: post (form body), basic (HTTP Basic), auto (body, then Basic, as Power Platform does)")
	fs.DurationVar(&s.timeout, "timeout", 5*time.Minute, "time limit for the whole login (1m for --capture --headless, where nobody signs in)")
	fs.StringVar(&s.expectAud, "expect-aud", "", "audience the access token must carry (your API's identifier)")
	fs.StringVar(&s.expectIss, "expect-iss", "", "issuer the tokens must carry")
	fs.BoolVar(&s.noBrowser, "no-browser", false, "do not open a browser; print the URL to open (for SSH sessions)")
	fs.StringVar(&s.openWith, "open-with", "", "open the authorize URL with `CMD` (split like a shell; the URL is added last), e.g. \"firefox --private-window\"")
	s.capt.addFlags(fs)
}

// config turns the flags into the engine's settings. It checks what can be
// checked without the network; the engine checks the rest.
func (s *settings) config() (flow.Config, error) {
	cfg := flow.Config{
		Issuer:         s.issuer,
		AuthorizeURL:   s.authorizeURL,
		TokenURL:       s.tokenURL,
		RefreshURL:     s.refreshURL,
		ClientID:       s.clientID,
		ClientSecret:   s.clientSecret,
		Scope:          s.scope,
		RedirectURI:    s.redirectURI,
		Port:           s.port,
		NoPKCE:         !s.pkce,
		State:          s.state,
		ClientAuth:     s.clientAuth,
		ExpectAud:      s.expectAud,
		ExpectIss:      s.expectIss,
		Timeout:        s.timeout,
		RequestTimeout: s.requestTimeout,
		MaxHops:        s.maxHops,
		Profile:        s.profile,
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = os.Getenv(secretEnv)
	}
	for _, kv := range s.params {
		p, err := flow.ParseParam(kv)
		if err != nil {
			return cfg, engineErrIn(err, flagName) // --param: every command has it
		}
		cfg.Params = append(cfg.Params, p)
	}
	if u, err := url.Parse(s.redirectURI); err == nil && u.Port() != "" && s.fs != nil && s.fs.Changed("port") && u.Port() != strconv.Itoa(s.port) {
		return cfg, usageErr("--redirect-uri %s has its own port, %s, and --port says %d: give the port in one of them", s.redirectURI, u.Port(), s.port)
	}
	if s.port < 0 || s.port > 65535 {
		return cfg, usageErr("--port %d: want 0 (any free port) to 65535", s.port)
	}
	if s.timeout <= 0 || s.requestTimeout <= 0 {
		return cfg, usageErr("--timeout and --request-timeout must be positive durations, such as 90s or 5m")
	}
	if s.maxHops < 1 {
		return cfg, usageErr("--max-hops must be at least 1")
	}
	if s.noBrowser && s.openWith != "" {
		return cfg, usageErr("--no-browser and --open-with contradict each other; give one")
	}
	return cfg, s.checkOutput()
}

// checkReportPath makes sure --report can be written before the login
// runs, rather than failing after it.
func checkReportPath(path string) error {
	return checkOutPath("--report", path, "authtrace-report.json")
}

// checkOutPath makes sure the file flag names can be written (example
// is a file name to suggest when path is a directory).
func checkOutPath(flag, path, example string) error {
	if path == "" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return usageErr("%s %s is a directory; give a file name, for example %s", flag, path, filepath.Join(path, example))
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".authtrace-report-check-*")
	if err != nil {
		why := "no permission to write in " + dir
		if fi, serr := os.Stat(dir); serr != nil {
			why = "the folder " + dir + " does not exist"
		} else if !fi.IsDir() {
			why = dir + " is not a folder"
		}
		return usageErr("%s %s cannot be written: %s", flag, path, why)
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// engineErrIn maps an error from the engine to an exit status: bad
// settings are usage errors (2, naming the setting with name: a flag),
// anything else means the flow could not complete (3).
func engineErrIn(err error, name func(flow.Setting) string) *exitError {
	var ce *flow.ConfigError
	if errors.As(err, &ce) {
		return &exitError{code: exitUsage, err: phrased{err, ce.Words(name)}}
	}
	return &exitError{code: exitIncomplete, err: phrased{err, flow.Phrase(err, name)}}
}

// flagNamer is flagName for the flags cmd has: a setting it has no flag
// for is named in words ("the token URL"), as trace, which has no
// --token-url, must not suggest one.
func flagNamer(cmd *cobra.Command) func(flow.Setting) string {
	return func(s flow.Setting) string {
		name := flagName(s)
		if cmd.Flags().Lookup(strings.TrimPrefix(name, "--")) == nil {
			return s.Name()
		}
		return name
	}
}

// phrased is an engine error in the CLI's words: the settings it names
// are flags.
type phrased struct {
	err  error
	text string
}

func (p phrased) Error() string { return p.text }
func (p phrased) Unwrap() error { return p.err }

// settingFlags are the flags of settings whose flag is not the setting's
// name with dashes.
var settingFlags = map[flow.Setting]string{
	flow.SettingParams:  "param",
	flow.SettingJWKSURL: "issuer", // discovered from the issuer; no flag of its own
}

// flagName is the flag that gives a setting: --authorize-url for
// flow.SettingAuthorizeURL.
func flagName(s flow.Setting) string {
	if f, ok := settingFlags[s]; ok {
		return "--" + f
	}
	return "--" + strings.ReplaceAll(string(s), "_", "-")
}
