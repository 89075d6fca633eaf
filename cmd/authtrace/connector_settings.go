package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authtrace/authtrace/connector"
	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/internal/editdist"
	"github.com/authtrace/authtrace/report"
)

// asFlagValues are the clients --as can emulate.
var asFlagValues = []string{flow.AsPowerPlatform}

// emulation applies --as to cfg: the platform's requests (its state
// shape, no PKCE, the secret in the body and then as Basic).
func (s *settings) emulation(cfg *flow.Config) error {
	switch s.as {
	case "":
	case flow.AsPowerPlatform:
		cfg.As = flow.AsPowerPlatform
		if s.fs != nil && s.fs.Changed("pkce") && s.pkce {
			return usageErr("--pkce and --as %s contradict each other: the platform sends no PKCE; give one", s.as)
		}
		cfg.NoPKCE = true
	default:
		return usageErr("--as %q: authtrace emulates %s", s.as, strings.Join(asFlagValues, ", "))
	}
	return nil
}

// connectorFlagsRefused are the flags a connector's own settings replace:
// its templates build the requests, so a flag for them would be ignored.
var connectorFlagsRefused = []string{"authorize-url", "token-url", "refresh-url", "pkce"}

// configFor is config with what needs the command: the connector's
// settings (--connector) or the emulated client (--as).
func (s *settings) configFor(cmd *cobra.Command) (flow.Config, error) {
	cfg, err := s.config()
	if err != nil {
		return cfg, err
	}
	if err := s.connectorConflicts(); err != nil {
		return cfg, err
	}
	if s.connector != "" {
		return s.fromConnector(cmd, cfg, s.login)
	}
	if err := s.emulation(&cfg); err != nil {
		return cfg, err
	}
	return cfg, s.calls.apply(&cfg, nil, nil)
}

// connectorConflicts checks the flags that contradict --connector, and
// those that mean nothing without it; profile save checks them too, so
// that a profile cannot hold what no run can use.
func (s *settings) connectorConflicts() error {
	changed := func(name string) bool { return s.fs != nil && s.fs.Changed(name) }
	if s.connector == "" {
		for _, name := range []string{"conn-param", "conn-set", "loopback-redirect-uri"} {
			if changed(name) {
				return usageErr("--%s is for a connector's login: give --connector PATH too", name)
			}
		}
		return nil
	}
	for _, name := range connectorFlagsRefused {
		if changed(name) {
			return usageErr("--%s and --connector contradict each other: the connector's own settings build the requests the platform sends; edit the connector (or drop --connector)", name)
		}
	}
	if s.as != "" && s.as != flow.AsPowerPlatform {
		return usageErr("--as %s and --connector contradict each other: a connector's login is Power Platform's (--as %s)", s.as, flow.AsPowerPlatform)
	}
	return nil
}

// fromConnector turns --connector into the engine's settings: the
// connector's OAuth settings as the platform reads them, the connection
// parameters filled from --conn-param, the environment or a question on
// the terminal, and the flags given on top (--client-id, --scope, ...).
// For login the redirect URI is the loopback one, swapped in for the
// platform's; for trace the platform's stays and the loopback one is
// traced as a second chain.
func (s *settings) fromConnector(cmd *cobra.Command, flags flow.Config, login bool) (flow.Config, error) {
	stderr := cmd.ErrOrStderr()
	c, err := connector.Load(s.connector)
	if err != nil {
		return flags, connectorLoadErr(err)
	}
	i, err := chooseOAuth(c, s.connSet)
	if err != nil {
		return flags, err
	}
	o := c.OAuth[i]
	if len(c.OAuth) > 1 && s.connSet == "" {
		fmt.Fprintf(stderr, "· %s has %d OAuth settings; using %s (choose with --conn-set)\n", c.File, len(c.OAuth), oauthName(o))
	}
	o = overridden(o, s)
	params, err := s.gatherConnParams(c, o, stderr)
	if err != nil {
		return flags, err
	}
	cfg, err := o.Config(c, params)
	if err != nil {
		return flags, &exitError{code: exitUsage, err: fmt.Errorf("--connector %s: %w", s.connector, err)}
	}
	if err := s.calls.apply(&cfg, c, params); err != nil {
		return flags, err
	}
	// What the flags say that the connector does not. A secret given
	// wins over one in the file (connector.secret_in_file says so).
	if flags.ClientSecret != "" || secretGiven(cmd) {
		cfg.ClientSecret = flags.ClientSecret
	}
	cfg.Profile = flags.Profile
	cfg.Issuer = flags.Issuer
	cfg.State = flags.State
	cfg.ClientAuth = flags.ClientAuth
	cfg.Timeout, cfg.RequestTimeout, cfg.MaxHops = flags.Timeout, flags.RequestTimeout, flags.MaxHops
	if flags.ExpectAud != "" {
		cfg.ExpectAud = flags.ExpectAud
	}
	if flags.ExpectIss != "" {
		cfg.ExpectIss = flags.ExpectIss
	}
	if len(flags.Params) > 0 {
		cfg.AuthorizeRequest = withParams(cfg.AuthorizeRequest, flags.Params)
	}
	platform := cfg.RedirectURI
	if login {
		cfg.RedirectURI, cfg.Port = flags.RedirectURI, flags.Port
		cfg.PlatformRedirectURI = platform
	} else {
		cfg.LoopbackRedirectURI = s.loopback
		if s.fs != nil && s.fs.Changed("redirect-uri") {
			// login's --redirect-uri is the loopback one (a profile
			// saved for login carries it): a loopback URI is the
			// loopback chain's, any other replaces the platform's.
			if loopbackHost(flags.RedirectURI) && !s.fs.Changed("loopback-redirect-uri") {
				cfg.LoopbackRedirectURI = flags.RedirectURI
			} else {
				cfg.RedirectURI = flags.RedirectURI
			}
		}
	}
	if login && platform != "" {
		fmt.Fprintf(stderr, "· replaying %s as Power Platform would, with the loopback redirect URI in place of %s (which is traced first, without a login)\n", c.File, platform)
	}
	return cfg, nil
}

// loopbackHost reports whether raw is a URL on this machine's loopback
// address, as login's redirect URI is.
func loopbackHost(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Hostname()) {
	case "127.0.0.1", "localhost", "::1":
		return true
	}
	return false
}

// connectorLoadErr words a connector that cannot be read: exit 2 with the
// file, the place in it and what was expected.
func connectorLoadErr(err error) error {
	return &exitError{code: exitUsage, err: fmt.Errorf("--connector: %w", err)}
}

// oauthName names an OAuth setting for people: its parameter set, or the
// connection parameter that holds it.
func oauthName(o *connector.OAuth) string {
	if o.Set != "" {
		return o.Set
	}
	return lastPathPart(o.Path)
}

func lastPathPart(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// overridden is o with the flags given for its own settings in their
// place: a person trying another scope or client without editing the file.
func overridden(o *connector.OAuth, s *settings) *connector.OAuth {
	c := *o
	if s.fs == nil {
		return &c
	}
	if s.fs.Changed("client-id") {
		c.ClientID = s.clientID
	}
	if s.fs.Changed("scope") {
		c.Scopes = strings.Fields(s.scope)
	}
	return &c
}

// gatherConnParams gathers the connection parameters the connector's templates
// use: --conn-param NAME=VALUE, then AUTHTRACE_CONN_<NAME>, then a
// question on the terminal. Without a terminal the missing ones are an
// error that names each and how to give it.
func (s *settings) gatherConnParams(c *connector.Connector, o *connector.OAuth, stderr io.Writer) (map[string]string, error) {
	given, err := connParamValues(s.connParams)
	if err != nil {
		return nil, err
	}
	for _, line := range unknownConnParams(c, given) {
		fmt.Fprintln(stderr, line)
	}
	params, missing := connector.ResolveParams(c, o, given, os.LookupEnv)
	if len(missing) == 0 {
		return params, nil
	}
	in, out, err := openTerminal()
	if err != nil {
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("--connector %s: %w; there is no terminal to ask on", s.connector, &connector.MissingParamsError{Names: missing})}
	}
	defer in.Close()
	if out != in {
		defer out.Close()
	}
	r := bufio.NewReader(in)
	for _, name := range missing {
		fmt.Fprintf(out, "Connection parameter %s of %s (--conn-param %s=VALUE skips this question): ", report.Printable(name), report.Printable(c.File), report.Printable(connector.FlagName(name)))
		line, err := r.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) || err != nil && line == "" {
			return nil, usageErr("reading connection parameter %s from the terminal: %v", name, err)
		}
		params[name] = strings.TrimSpace(line)
	}
	return params, nil
}

// withParams adds --param values to the authorize URL a connector builds,
// each replacing one of the same name: a person trying audience= or
// prompt=consent without editing the connector.
func withParams(build func(redirectURI, state string) (string, error), params []flow.Param) func(string, string) (string, error) {
	return func(redirectURI, state string) (string, error) {
		raw, err := build(redirectURI, state)
		if err != nil {
			return raw, err
		}
		u, err := url.Parse(raw)
		if err != nil {
			return raw, err
		}
		names := make([]string, 0, len(params))
		for _, p := range params {
			names = append(names, p.Name)
		}
		var kept []string
		for _, kv := range strings.Split(u.RawQuery, "&") {
			k, _, _ := strings.Cut(kv, "=")
			if name, err := url.QueryUnescape(k); kv == "" || err == nil && slices.Contains(names, name) {
				continue
			}
			kept = append(kept, kv)
		}
		for _, p := range params {
			kept = append(kept, url.QueryEscape(p.Name)+"="+url.QueryEscape(p.Value))
		}
		u.RawQuery = strings.Join(kept, "&")
		return u.String(), nil
	}
}

// unknownConnParams says, for each --conn-param name that is neither a
// connection parameter of c nor a placeholder its templates use, that it
// fills nothing, with the nearest name it has: a misspelt name would
// otherwise pass silently and the real one be asked for or left empty.
func unknownConnParams(c *connector.Connector, given map[string]string) []string {
	known := map[string]string{} // lower case, without token: -> as written
	add := func(name string) {
		known[strings.ToLower(connector.FlagName(name))] = connector.FlagName(name)
	}
	for _, p := range c.Params {
		add(p.Name)
	}
	for _, o := range c.OAuth {
		for _, name := range c.NeededParams(o) {
			add(name)
		}
	}
	var notes []string
	for _, name := range slices.Sorted(maps.Keys(given)) {
		if _, ok := known[strings.ToLower(connector.FlagName(name))]; ok {
			continue
		}
		line := fmt.Sprintf("· --conn-param %s: %s has no connection parameter of that name, so it fills nothing", report.Printable(name), report.Printable(c.File))
		best, bestD := "", 3
		for _, k := range slices.Sorted(maps.Keys(known)) {
			if d := editdist.Distance(strings.ToLower(name), k); d < bestD {
				best, bestD = known[k], d
			}
		}
		if best != "" {
			line += fmt.Sprintf(" (did you mean %s?)", report.Printable(best))
		}
		notes = append(notes, line)
	}
	return notes
}
