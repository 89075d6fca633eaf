package flow

import (
	"errors"
	"fmt"
	"strings"
)

// Setting names one of the engine's settings (a field of Config). The
// engine's errors name settings, never flags or form fields, so that each
// caller words them its own way: the CLI names its flag, the setup form
// its field, a connector import the connector's property.
type Setting string

const (
	SettingIssuer         Setting = "issuer"
	SettingAuthorizeURL   Setting = "authorize_url"
	SettingTokenURL       Setting = "token_url"
	SettingRefreshURL     Setting = "refresh_url"
	SettingJWKSURL        Setting = "jwks_url"
	SettingClientID       Setting = "client_id"
	SettingClientSecret   Setting = "client_secret"
	SettingScope          Setting = "scope"
	SettingParams         Setting = "params"
	SettingRedirectURI    Setting = "redirect_uri"
	SettingPort           Setting = "port"
	SettingPKCE           Setting = "pkce"
	SettingState          Setting = "state"
	SettingClientAuth     Setting = "client_auth"
	SettingExpectAud      Setting = "expect_aud"
	SettingExpectIss      Setting = "expect_iss"
	SettingTimeout        Setting = "timeout"
	SettingRequestTimeout Setting = "request_timeout"
	SettingMaxHops        Setting = "max_hops"
	SettingAs             Setting = "as"
	// SettingLoopbackRedirectURI is Trace's second chain's redirect URI
	// (Config.LoopbackRedirectURI).
	SettingLoopbackRedirectURI Setting = "loopback_redirect_uri"
)

// settingNames are the settings in plain words, for the engine's own
// messages (Error methods, findings).
var settingNames = map[Setting]string{
	SettingIssuer:              "the issuer",
	SettingAuthorizeURL:        "the authorize URL",
	SettingTokenURL:            "the token URL",
	SettingRefreshURL:          "the refresh URL",
	SettingJWKSURL:             "the JWKS URL",
	SettingClientID:            "the client ID",
	SettingClientSecret:        "the client secret",
	SettingScope:               "the scope",
	SettingParams:              "the extra authorize parameters",
	SettingRedirectURI:         "the redirect URI",
	SettingPort:                "the listener port",
	SettingPKCE:                "the PKCE setting",
	SettingState:               "the state setting",
	SettingClientAuth:          "the client authentication",
	SettingExpectAud:           "the expected audience",
	SettingExpectIss:           "the expected issuer",
	SettingTimeout:             "the whole run's time limit",
	SettingRequestTimeout:      "the request timeout",
	SettingMaxHops:             "the hop limit",
	SettingAs:                  "the client emulated",
	SettingLoopbackRedirectURI: "the loopback redirect URI",
}

// Name is the setting in plain words ("the redirect URI").
func (s Setting) Name() string {
	if n, ok := settingNames[s]; ok {
		return n
	}
	return string(s)
}

// Words is a text that names settings as {{setting}} marks ("raise
// {{timeout}}"), so that each caller can put its own words for them.
type Words string

// In fills the marks with name(setting); a nil name uses Setting.Name.
func (w Words) In(name func(Setting) string) string {
	if name == nil {
		name = Setting.Name
	}
	s := string(w)
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(s[i+2:], "}}")
		if j < 0 {
			break
		}
		set := Setting(s[i+2 : i+2+j])
		if _, known := settingNames[set]; !known {
			// Not a mark: text that happens to hold braces.
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteString(name(set))
		s = s[i+2+j+2:]
	}
	b.WriteString(s)
	return b.String()
}

// words formats Words; the marks belong in format, never in args.
func words(format string, args ...any) Words { return Words(fmt.Sprintf(format, args...)) }

// mark writes a setting as a mark in Words.
func mark(s Setting) string { return "{{" + string(s) + "}}" }

// Worded is an error whose message names settings: Words gives the
// message with the caller's names for them. Error uses Setting.Name.
type Worded interface {
	error
	Words(name func(Setting) string) string
}

// Phrase words err for a caller: the message of the first Worded error in
// err's chain with name for each setting, or err.Error() when there is
// none. Worded errors are not wrapped with more text, so the one found
// carries the whole message.
func Phrase(err error, name func(Setting) string) string {
	var w Worded
	if errors.As(err, &w) {
		return w.Words(name)
	}
	return err.Error()
}

// ConfigError is a setting that is missing or unusable. Problem says what
// is wrong, and may name other settings as marks ("or give {{issuer}} to
// discover it"); Use, when set, is the setting to use instead.
type ConfigError struct {
	Setting Setting
	Problem Words
	Use     Setting
}

func (e *ConfigError) Error() string { return e.Words(nil) }

// Words is the error with name(setting) for each setting it names.
func (e *ConfigError) Words(name func(Setting) string) string {
	if name == nil {
		name = Setting.Name
	}
	return name(e.Setting) + ": " + e.Problem.In(name) + e.UseWords(name)
}

// UseWords is "; use <setting> instead" when Use is set, else "".
func (e *ConfigError) UseWords(name func(Setting) string) string {
	if e.Use == "" {
		return ""
	}
	if name == nil {
		name = Setting.Name
	}
	return "; use " + name(e.Use) + " instead"
}
