package flow

import "errors"

// Validate checks the settings without touching the network, so a caller
// can refuse bad ones before it asks for a secret or opens a screen. The
// endpoints an issuer's discovery would fill may be missing. login says
// the settings are for Run (which needs a token URL and a loopback
// redirect URI) rather than Trace.
func Validate(cfg Config, login bool) error {
	if cfg.Issuer != "" {
		if err := CheckURL(SettingIssuer, cfg.Issuer); err != nil {
			return err
		}
		// Stand-ins for what discovery will fill, to check the rest.
		if cfg.AuthorizeURL == "" {
			cfg.AuthorizeURL = "https://issuer.invalid/authorize"
		}
		if cfg.TokenURL == "" {
			cfg.TokenURL = "https://issuer.invalid/token"
		}
	}
	if cfg.ClientAuth == "" {
		cfg.ClientAuth = ClientAuthAuto
	}
	if err := checkSettings(&cfg, login); err != nil {
		return err
	}
	if login {
		_, err := parseRedirectURI(cfg.RedirectURI, cfg.Port)
		return err
	}
	if cfg.RedirectURI != "" {
		_, err := parseRedirectHTTP(cfg.RedirectURI)
		return err
	}
	return nil
}

// checkSettings is what Validate and prepare both check.
func checkSettings(cfg *Config, needToken bool) error {
	switch cfg.As {
	case "", AsPowerPlatform:
	default:
		return &ConfigError{Setting: SettingAs, Problem: words("%q is not a client authtrace can emulate; the one it knows is %s", cfg.As, AsPowerPlatform)}
	}
	// A hook builds its request from its own settings (a connector's
	// templates); the URL setting is then only what the report shows.
	if cfg.AuthorizeURL == "" && cfg.AuthorizeRequest == nil {
		return &ConfigError{Setting: SettingAuthorizeURL, Problem: "missing; give the provider's authorization endpoint, or " + Words(mark(SettingIssuer)) + " to discover it"}
	}
	if cfg.AuthorizeURL != "" {
		if err := CheckURL(SettingAuthorizeURL, cfg.AuthorizeURL); err != nil {
			return err
		}
	}
	if cfg.ClientID == "" {
		return &ConfigError{Setting: SettingClientID, Problem: "missing; give the client (application) ID registered with the provider"}
	}
	if cfg.LoopbackRedirectURI != "" {
		if _, err := parseRedirectURI(cfg.LoopbackRedirectURI, 0); err != nil {
			var ce *ConfigError
			if errors.As(err, &ce) && ce.Setting == SettingRedirectURI {
				ce.Setting = SettingLoopbackRedirectURI
			}
			return err
		}
	}
	if cfg.PlatformRedirectURI != "" {
		if _, err := parseRedirectHTTP(cfg.PlatformRedirectURI); err != nil {
			return err
		}
	}
	if needToken {
		if cfg.TokenURL == "" && cfg.TokenRequest == nil {
			return &ConfigError{Setting: SettingTokenURL, Problem: "missing; give the provider's token endpoint, or " + Words(mark(SettingIssuer)) + " to discover it"}
		}
		if cfg.TokenURL != "" {
			if err := CheckURL(SettingTokenURL, cfg.TokenURL); err != nil {
				return err
			}
		}
		if cfg.RefreshURL != "" {
			if err := CheckURL(SettingRefreshURL, cfg.RefreshURL); err != nil {
				return err
			}
		}
	}
	given := map[string]bool{}
	for _, p := range cfg.Params {
		if _, err := ParseParam(p.Name + "=" + p.Value); err != nil {
			return err
		}
		if given[p.Name] {
			return &ConfigError{Setting: SettingParams, Problem: words("%q is given twice; an authorize request carries each parameter once (RFC 6749 §3.1), so give one value", p.Name)}
		}
		given[p.Name] = true
	}
	if cfg.MaxHops > MaxHopsLimit {
		return &ConfigError{Setting: SettingMaxHops, Problem: words("%d is more than %d; no real login redirects that often (20 is the default), and each hop is kept in memory", cfg.MaxHops, MaxHopsLimit)}
	}
	switch cfg.ClientAuth {
	case ClientAuthAuto, ClientAuthPost, ClientAuthBasic:
	default:
		return &ConfigError{Setting: SettingClientAuth, Problem: words("%q is not one of post, basic, auto", cfg.ClientAuth)}
	}
	return nil
}
