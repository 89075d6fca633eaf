package main

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/authtrace/authtrace/connector"
	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/internal/editdist"
	"github.com/authtrace/authtrace/report"
)

// notInProfile are the login flags a profile does not hold: where one
// run's output goes, and -p itself (a profile does not start from
// another). The client secret is held apart, only with --store-secret.
var notInProfile = map[string]bool{"json": true, "events": true, "reveal": true, "report": true, "profile": true, "client-secret": true}

// profileFlags are the flags a profile may hold: login's, but those of
// notInProfile.
func profileFlags() map[string]bool {
	var s settings
	fs := pflag.NewFlagSet("login", pflag.ContinueOnError)
	s.addFlags(fs, true)
	names := map[string]bool{}
	fs.VisitAll(func(f *pflag.Flag) {
		if !notInProfile[f.Name] {
			names[f.Name] = true
		}
	})
	return names
}

func newProfileCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profile",
		Short: "Save a login's settings under a name, and start from them with -p NAME",
		Long: `A profile is the connection flags of one login (a customer's tenant, a
connector's app) saved under a name, so that support work starts from
'authtrace login -p contoso' instead of a page of flags. Flags given with -p
override the profile's; trace takes the ones it has.

Profiles live in the user's config folder (on Linux $XDG_CONFIG_HOME or
~/.config, then authtrace/profiles), one NAME.json each, mode 0600 in a folder
of mode 0700. The client secret is not saved unless --store-secret, which keeps
it in the OS keyring (or, where there is none, in the profile file).`,
		Example: `  authtrace profile save contoso --issuer https://contoso.auth0.com/ \
    --client-id ID --scope "openid offline_access" --param audience=https://api.contoso.com
  authtrace profile list
  authtrace login -p contoso
  authtrace trace -p contoso --redirect-uri https://global.consent.azure-apim.net/redirect
  authtrace profile rm contoso`,
		Args:                       noArgsOrSuggest,
		SuggestionsMinimumDistance: 2, // as the root's: "profile lst" suggests list
		RunE:                       func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newProfileSaveCmd(), newProfileListCmd(), newProfileShowCmd(), newProfileRmCmd())
	return cmd
}

// oneProfileName is cobra.ExactArgs(1) worded for a profile name.
func oneProfileName(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usageErr("%s takes one profile NAME, got %d arguments (authtrace profile list shows the names)", cmd.CommandPath(), len(args))
	}
	return checkProfileName(args[0])
}

func newProfileSaveCmd() *cobra.Command {
	var s settings
	var storeSecret bool
	cmd := &cobra.Command{
		Use:   "save NAME [login flags]",
		Short: "Save the login flags given under NAME (replacing a profile of that name)",
		Long: `Save the connection flags given, exactly those, under NAME. They are
checked as login would check them, so a broken profile is refused now rather
than when it is used. Saving under a name that exists replaces that profile,
which is how a profile is changed; the replaced one's flags are printed, so
nothing is lost by a slip.

The client secret given (--client-secret or AUTHTRACE_CLIENT_SECRET) is not
saved unless --store-secret: then it is kept in the OS keyring (Windows
Credential Manager, the macOS Keychain, the Secret Service on Linux) or, where
there is none (a headless Linux box), in the profile file (mode 0600), and
asked for on the terminal when none was given. Save says which it used.`,
		Example: `  authtrace profile save contoso --issuer https://contoso.auth0.com/ \
    --client-id ID --scope "openid offline_access" --param audience=https://api.contoso.com

  # a connector's settings, its secret kept
  AUTHTRACE_CLIENT_SECRET=... authtrace profile save fabrikam \
    --connector ./fabrikam-connector --conn-param tenant=fabrikam --store-secret`,
		Args:              oneProfileName,
		ValidArgsFunction: completeProfileNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			return saveProfile(cmd, &s, args[0], storeSecret)
		},
	}
	all := pflag.NewFlagSet("login", pflag.ContinueOnError)
	s.addFlags(all, true)
	all.VisitAll(func(f *pflag.Flag) {
		if !notInProfile[f.Name] || f.Name == "client-secret" {
			cmd.Flags().AddFlag(f)
		}
	})
	s.fs = cmd.Flags()
	cmd.Flags().BoolVar(&storeSecret, "store-secret", false, "keep the client secret in the OS keyring (in the profile file, mode 0600, where there is none); without it the secret is not saved")
	return cmd
}

// saveProfile saves the flags given to cmd under name.
func saveProfile(cmd *cobra.Command, s *settings, name string, storeSecret bool) error {
	fs := cmd.Flags()
	cfg, err := s.config()
	if err != nil {
		return err
	}
	if err := s.connectorConflicts(); err != nil {
		return err
	}
	if s.connector == "" {
		if err := s.emulation(&cfg); err != nil {
			return err
		}
	}
	if s.connector != "" {
		// Read now, so that a profile cannot name a connector that is
		// not one; its connection parameters are asked for at use.
		c, err := connector.Load(s.connector)
		if err != nil {
			return connectorLoadErr(err)
		}
		if _, err := chooseOAuth(c, s.connSet); err != nil {
			return err
		}
	} else if cfg.AuthorizeURL != "" || cfg.Issuer != "" {
		// As login would; a profile whose redirect URI only trace can
		// send (the platform's own) is trace's.
		if err := flow.Validate(cfg, true); err != nil {
			if terr := flow.Validate(cfg, false); terr != nil {
				return engineErrIn(terr, flagNamer(cmd))
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "· for trace only: login would refuse it (%s)\n", engineErrIn(err, flagNamer(cmd)).Error())
		}
	}
	p := savedProfile{Flags: givenFlags(fs)}
	if len(p.Flags) == 0 {
		return usageErr("profile save %s: no login flags were given to save; for example --issuer URL --client-id ID", name)
	}
	st, err := openProfiles(cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	where := ""
	switch {
	case storeSecret:
		if err := promptSecret(cmd, &cfg); err != nil {
			return err
		}
		where = "· client secret stored in the OS keyring (service " + keyringService + ", account " + name + ")"
		if err := keepSecret(&p, name, cfg.ClientSecret); err != nil {
			where = fmt.Sprintf("· client secret stored in %s (mode 0600): %s", st.path(name), noKeyringWhy(err))
		}
	case secretGiven(cmd):
		fmt.Fprintf(cmd.ErrOrStderr(), "· the client secret given is not saved (add --store-secret to keep it in the OS keyring); login -p %s asks for it, or reads %s\n", name, secretEnv)
	}
	replaced, err := st.save(name, p)
	if err != nil {
		return err
	}
	if replaced != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "· replaced profile %s, which held: %s\n", name, flagLine(*replaced))
	}
	if where != "" {
		fmt.Fprintln(cmd.ErrOrStderr(), where)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "· saved profile %s to %s; use it with: authtrace login -p %s\n", name, st.path(name), name)
	return nil
}

// givenFlags are the flags of fs given on the command line that a profile
// holds, by name, with their values as given.
func givenFlags(fs *pflag.FlagSet) map[string]givenValues {
	given := map[string]givenValues{}
	stored := profileFlags()
	fs.Visit(func(f *pflag.Flag) {
		if !stored[f.Name] {
			return
		}
		switch sv, ok := f.Value.(pflag.SliceValue); {
		case ok:
			given[f.Name] = sv.GetSlice()
		case f.Name == "connector":
			// A folder relative to where save ran means nothing where
			// the profile is used.
			path, err := filepath.Abs(f.Value.String())
			if err != nil {
				path = f.Value.String()
			}
			given[f.Name] = givenValues{path}
		default:
			given[f.Name] = givenValues{f.Value.String()}
		}
	})
	return given
}

// applyProfile gives cmd's flags that the command line did not give the
// saved profile's values (-p NAME), before settings.config checks them
// all: the command line wins. A flag the command has not (trace has no
// --token-url) is left out, and said.
// byName are the repeatable NAME=VALUE flags, which a profile and the
// command line merge by name.
var byName = map[string]bool{"param": true, "conn-param": true}

// mergeByName appends to f the values of saved whose NAME the command
// line did not give, and says how many it kept.
func mergeByName(f *pflag.Flag, saved []string) int {
	sv, ok := f.Value.(pflag.SliceValue)
	if !ok {
		return 0
	}
	given := map[string]bool{}
	for _, v := range sv.GetSlice() {
		name, _, _ := strings.Cut(v, "=")
		given[strings.ToLower(strings.TrimSpace(name))] = true
	}
	kept := 0
	for _, v := range saved {
		name, _, _ := strings.Cut(v, "=")
		if !given[strings.ToLower(strings.TrimSpace(name))] {
			sv.Append(v)
			kept++
		}
	}
	return kept
}

func (s *settings) applyProfile(cmd *cobra.Command) error {
	if s.profile == "" {
		return nil
	}
	stderr := cmd.ErrOrStderr()
	st, err := openProfiles(stderr)
	if err != nil {
		return err
	}
	p, err := st.load(s.profile)
	if err != nil {
		return err
	}
	known := profileFlags()
	fs := cmd.Flags()
	var used, overridden, skipped []string
	for _, name := range slices.Sorted(maps.Keys(p.Flags)) {
		f := fs.Lookup(name)
		switch {
		case !known[name]:
			return usageErr("profile %s holds --%s, which authtrace does not have%s: save the profile again (authtrace profile show %s lists what it holds)", s.profile, report.Printable(name), nearFlag(name, known), s.profile)
		case f == nil:
			skipped = append(skipped, "--"+name)
			continue
		case f.Changed && byName[name]:
			// NAME=VALUE flags merge by name: the command line's win,
			// the profile's other names stay.
			if kept := mergeByName(f, p.Flags[name]); kept > 0 {
				used = append(used, fmt.Sprintf("--%s (%d of its own)", name, kept))
			} else {
				overridden = append(overridden, "--"+name)
			}
			continue
		case f.Changed:
			overridden = append(overridden, "--"+name)
			continue
		}
		for _, v := range p.Flags[name] {
			if err := fs.Set(name, v); err != nil {
				return usageErr("profile %s: --%s %q: %v; save the profile again", s.profile, name, report.Printable(v), err)
			}
		}
		used = append(used, "--"+name)
	}
	if secretPlace(p) != "" {
		f := fs.Lookup("client-secret")
		_, env := os.LookupEnv(secretEnv)
		switch {
		case f == nil: // trace sends no secret
		case f.Changed:
			overridden = append(overridden, "the stored client secret")
		case env:
			fmt.Fprintf(stderr, "· %s is set: it is the client secret sent, not the one stored in profile %s\n", secretEnv, s.profile)
		default:
			// Read only here: trace and a secret given instead do not
			// wait on the keyring.
			secret, err := secretOf(p, s.profile)
			if err != nil {
				return err
			}
			if err := fs.Set("client-secret", secret); err != nil {
				return err
			}
			used = append(used, "its stored client secret")
		}
	}
	line := fmt.Sprintf("· profile %s: %s", s.profile, strings.Join(used, " "))
	if len(used) == 0 {
		line += "nothing of it used"
	}
	if len(overridden) > 0 {
		line += "; given here instead: " + strings.Join(overridden, " ")
	}
	if len(skipped) > 0 {
		line += fmt.Sprintf("; not used, %s has no %s", cmd.Name(), strings.Join(skipped, " "))
	}
	fmt.Fprintln(stderr, line)
	return nil
}

// nearFlag is a did-you-mean for a flag name a profile holds, or "".
func nearFlag(name string, known map[string]bool) string {
	var near []string
	for k := range known {
		if editdist.Distance(k, name) <= 2 {
			near = append(near, "--"+k)
		}
	}
	if len(near) == 0 {
		return ""
	}
	slices.Sort(near)
	return " (renamed? did you mean " + strings.Join(near, " or ") + "?)"
}

// flagLine is a profile's flags as a command line would give them, the
// secret left out.
func flagLine(p savedProfile) string {
	var words []string
	for _, name := range slices.Sorted(maps.Keys(p.Flags)) {
		for _, v := range p.Flags[name] {
			words = append(words, "--"+name+" "+shellQuote(v))
		}
	}
	if len(words) == 0 {
		return "no flags"
	}
	return strings.Join(words, " ")
}

// shellQuote quotes v for a POSIX shell when it needs it.
func shellQuote(v string) string {
	v = report.Printable(v)
	if v != "" && strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") == "" {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// profileJSON is a profile as profile show and list --json print it: the
// secret only as whether one is stored, and where (SecretIn: "keyring" or
// "file", the profile file at Path).
type profileJSON struct {
	Name         string                 `json:"name"`
	Path         string                 `json:"path"`
	Flags        map[string]givenValues `json:"flags,omitempty"`
	SecretStored bool                   `json:"secret_stored"`
	SecretIn     string                 `json:"secret_in,omitempty"`
	Error        string                 `json:"error,omitempty"` // the file cannot be read
}

func profileOut(st *profileStore, name string, p savedProfile) profileJSON {
	in := secretPlace(p)
	return profileJSON{Name: name, Path: st.path(name), Flags: p.Flags, SecretStored: in != "", SecretIn: in}
}

// secretWords say where a profile's secret is stored, for show and list.
func secretWords(p profileJSON) string {
	switch p.SecretIn {
	case inKeyring:
		return "stored in the OS keyring"
	case "file":
		return "stored in " + p.Path + " (mode 0600)"
	}
	return "not stored"
}

func newProfileListCmd() *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the saved profiles and what each holds",
		Example: `  authtrace profile list
  authtrace profile list --json | jq -r '.profiles[].name'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openProfiles(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			names, err := st.names()
			if err != nil {
				return err
			}
			list := []profileJSON{}
			broken := false
			for _, name := range names {
				p, err := st.load(name)
				if err != nil {
					// Said, and the others still listed.
					broken = true
					fmt.Fprintf(cmd.ErrOrStderr(), "authtrace: %s\n", err)
					list = append(list, profileJSON{Name: name, Path: st.path(name), Error: err.Error()})
					continue
				}
				list = append(list, profileOut(st, name, p))
			}
			w := cmd.OutOrStdout()
			if jsonOut {
				if err := report.EncodeJSON(w, struct {
					Version  int           `json:"version"`
					Dir      string        `json:"dir"`
					Profiles []profileJSON `json:"profiles"`
				}{profileVersion, st.dir, list}, "  "); err != nil {
					return err
				}
			} else {
				writeProfileList(w, cmd.ErrOrStderr(), st, list)
			}
			if broken {
				return &exitError{code: exitUsage}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print the profiles as one JSON document (the secret only as secret_stored and secret_in)")
	return cmd
}

// writeProfileList prints one line a profile: its name, whether a secret
// is stored, and its flags.
func writeProfileList(w, stderr io.Writer, st *profileStore, list []profileJSON) {
	if len(list) == 0 {
		fmt.Fprintf(stderr, "no saved profiles (in %s); save one with: authtrace profile save NAME --issuer URL --client-id ID\n", st.dir)
		return
	}
	width := 0
	for _, p := range list {
		width = max(width, len(p.Name))
	}
	for _, p := range list {
		what := "unreadable (said on stderr)"
		if p.Error == "" {
			what = flagLine(savedProfile{Flags: p.Flags})
			switch p.SecretIn {
			case inKeyring:
				what += " (secret in the OS keyring)"
			case "file":
				what += " (secret in the profile file)"
			}
		}
		fmt.Fprintf(w, "%-*s  %s\n", width, p.Name, what)
	}
}

func newProfileShowCmd() *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "show NAME",
		Short: "Show what a saved profile holds (never its secret)",
		Example: `  authtrace profile show contoso
  authtrace profile show contoso --json | jq .flags`,
		Args:              oneProfileName,
		ValidArgsFunction: completeProfileNames,
		RunE: onProfile(func(cmd *cobra.Command, st *profileStore, name string) error {
			p, err := st.load(name)
			if err != nil {
				return err
			}
			out := profileOut(st, name, p)
			w := cmd.OutOrStdout()
			if jsonOut {
				return report.EncodeJSON(w, struct {
					Version int `json:"version"`
					profileJSON
				}{profileVersion, out}, "  ")
			}
			fmt.Fprintf(w, "profile %s (%s)\n", out.Name, out.Path)
			for _, name := range slices.Sorted(maps.Keys(p.Flags)) {
				for _, v := range p.Flags[name] {
					fmt.Fprintf(w, "  --%s %s\n", name, shellQuote(v))
				}
			}
			secret := secretWords(out)
			if !out.SecretStored {
				secret += " (login -p " + out.Name + " asks for it, or reads " + secretEnv + ")"
			}
			fmt.Fprintf(w, "  client secret: %s\n", secret)
			return nil
		}),
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print the profile as one JSON document (the secret only as secret_stored and secret_in)")
	return cmd
}

func newProfileRmCmd() *cobra.Command {
	return &cobra.Command{
		Use:               "rm NAME",
		Short:             "Remove a saved profile, and with it its stored secret",
		Example:           `  authtrace profile rm contoso`,
		Args:              oneProfileName,
		ValidArgsFunction: completeProfileNames,
		RunE: onProfile(func(cmd *cobra.Command, st *profileStore, name string) error {
			if err := st.remove(name); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "· removed profile %s (%s)\n", name, st.path(name))
			return nil
		}),
	}
}

// onProfile is the RunE of a command on one profile NAME (show, rm).
func onProfile(run func(cmd *cobra.Command, st *profileStore, name string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		st, err := openProfiles(cmd.ErrOrStderr())
		if err != nil {
			return err
		}
		return run(cmd, st, args[0])
	}
}

// profileNames are the saved profiles' names, for shell completion.
func profileNames() []cobra.Completion {
	st, err := openProfiles(io.Discard)
	if err != nil {
		return nil
	}
	names, _ := st.names()
	return names
}

// completeProfileNames completes a command's NAME argument.
func completeProfileNames(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return profileNames(), cobra.ShellCompDirectiveNoFileComp
}
