package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authtrace/authtrace/connector"
	"github.com/authtrace/authtrace/report"
)

func newConnectorCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "connector",
		Short: "Read a Power Platform custom connector's OAuth settings as the platform does",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newConnectorCheckCmd())
	return cmd
}

type checkOptions struct {
	jsonOut    bool
	connParams []string
	connSet    string
}

func newConnectorCheckCmd() *cobra.Command {
	o := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check PATH...",
		Short: "Check a custom connector's OAuth settings, and show the requests the platform would send (no network)",
		Long: `check reads a custom connector definition the way Power Platform reads it
(apiProperties.json, with apiDefinition.swagger.json and settings.json when
they are there) and, without the network, shows:

  - the OAuth settings as the platform reads them (identity provider, client
    id, scopes, redirect mode and URL, custom parameters);
  - the authorize URL, token request and refresh request it would build,
    with the platform's state shape as a sample, the client secret never
    shown, and connection parameters not given shown as {Name};
  - what was read leniently (notes: a BOM, a key's casing, a bare value);
  - findings with stable codes (connector.redirect_global,
    connector.placeholder_unknown, ...; authtrace codes lists them), each with
    a fix in the platform's words.

PATH is a connector folder (as pac connector download or paconn writes it),
its apiProperties.json, or a folder of connector folders (a clone of a
connector repository): then every apiProperties.json below it is checked, one
section each, and a summary ends the output; connectors there without OAuth
settings (API keys) are skipped and counted. Several PATHs (a shell glob)
are checked together, with one summary.

A connector with several OAuth settings (connectionParameterSets) has each
checked; --connector on login and trace uses the first, or the one
--conn-set names.

Connection parameters the templates use ({customHost}, {token:TenantId})
come from --conn-param NAME=VALUE or the AUTHTRACE_CONN_<NAME> environment
variable (NAME upper case, without token:).

Exit status: 0 no error findings, 1 error findings, 2 a connector that cannot
be read (not JSON, no OAuth settings, no apiProperties.json) or bad flags.`,
		Example: `  # one connector folder
  authtrace connector check ./MyConnector

  # with the tenant host its templates need
  authtrace connector check ./MyConnector/apiProperties.json --conn-param customHost=acme.auth0.com

  # every connector of a repository, errors only, for a script
  authtrace connector check ./PowerPlatformConnectors --json |
    jq -r '.connectors[] | select(.findings[]?.severity=="error") | .path'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("connector check needs a PATH: a connector folder, its apiProperties.json, or a folder of connector folders")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) },
	}
	f := cmd.Flags()
	f.BoolVar(&o.jsonOut, "json", false, `print {"version":1,"connector":...,"requests":...,"findings":[...]} (for a folder of connectors, {"version":1,"connectors":[...]})`)
	f.StringArrayVar(&o.connParams, "conn-param", nil, "a connection parameter the templates use, `NAME=VALUE` (or AUTHTRACE_CONN_<NAME>); repeatable")
	f.StringVar(&o.connSet, "conn-set", "", "the connectionParameterSets value whose OAuth settings --connector would use (default: the first)")
	return cmd
}

// connParamValues parses --conn-param NAME=VALUE values.
func connParamValues(kvs []string) (map[string]string, error) {
	return nameValues("--conn-param", "customHost=acme.auth0.com", kvs)
}

// nameValues parses the NAME=VALUE values of flag; example is one.
func nameValues(flag, example string, kvs []string) (map[string]string, error) {
	m := map[string]string{}
	for _, kv := range kvs {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, usageErr("%s %q: want NAME=VALUE, for example %s %s", flag, kv, flag, example)
		}
		m[strings.TrimSpace(name)] = value
	}
	return m, nil
}

// chooseOAuth is the oauthSetting --connector uses: the one of set, or the
// first. An unknown set is a usage error naming the sets there are.
func chooseOAuth(c *connector.Connector, set string) (int, error) {
	if set == "" {
		return 0, nil
	}
	var names []string
	for i, o := range c.OAuth {
		if strings.EqualFold(o.Set, set) {
			return i, nil
		}
		if o.Set != "" {
			names = append(names, o.Set)
		}
	}
	if len(names) == 0 {
		return 0, usageErr("--conn-set %s: %s has no connectionParameterSets; leave --conn-set out", set, c.File)
	}
	return 0, usageErr("--conn-set %s: %s has the sets %s", set, c.File, strings.Join(names, ", "))
}

// checked is one connector's check: what was read, the requests for each
// oauthSetting, the findings, or why it could not be read.
type checked struct {
	path   string
	c      *connector.Connector
	err    error
	chosen int
	// noSet is the --conn-set this connector of a folder does not have
	// (for one connector that is a usage error); chosen is then the
	// first, whose requests are shown, but none is used.
	noSet string
	// skipped: a connector of a folder without OAuth settings (err says
	// so); not an error there, as most of a repository's use API keys.
	skipped  bool
	requests []builtRequests
	built    []report.Finding // requests the parameters given break
	findings []report.Finding
	secrets  *report.Secrets
}

// hide is what every string a check prints goes through: the secrets
// the file writes (LiteralSecrets, in any encoding), and secret-named
// values by name (client_secret=abc, too short for Secrets to hide
// wherever it appears).
func (ch checked) hide(v string) string {
	return report.RedactText(ch.secrets.Text(v))
}

type builtRequests struct {
	r   connector.Requests
	err error
}

func (o *checkOptions) run(cmd *cobra.Command, args []string) error {
	params, err := connParamValues(o.connParams)
	if err != nil {
		return err
	}
	var paths []string
	for _, path := range args {
		found, err := connector.Discover(path)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		paths = append(paths, found...)
	}
	single := len(args) == 1 && len(paths) == 1 && paths[0] == args[0]
	if single && len(params) > 0 {
		if c, err := connector.Load(paths[0]); err == nil {
			for _, line := range unknownConnParams(c, params) {
				fmt.Fprintln(cmd.ErrOrStderr(), line)
			}
		}
	}
	var all []checked
	for _, p := range paths {
		ch := checkOne(p, params, o.connSet, !single)
		var ee *exitError
		if errors.As(ch.err, &ee) {
			return ee // a --conn-set that names no set
		}
		all = append(all, ch)
	}
	out := cmd.OutOrStdout()
	switch {
	case single && all[0].err != nil:
		if o.jsonOut {
			// A script reading stdout learns why too.
			report.EncodeJSON(out, checkJSON(all[0], false), "  ")
		}
		return &exitError{code: exitUsage, err: all[0].err}
	case single && o.jsonOut:
		err = report.EncodeJSON(out, checkJSON(all[0], false), "  ")
	case single:
		err = writeCheck(out, all[0])
	case o.jsonOut:
		err = report.EncodeJSON(out, folderJSON(all), "  ")
	default:
		err = writeFolder(out, all)
	}
	if err != nil {
		return err
	}
	return checkExit(all)
}

// checkOne checks the connector at path. In a folder of connectors
// (inFolder) one without the --conn-set named is checked all the same:
// a repository's connectors do not share their sets' names.
func checkOne(path string, params map[string]string, set string, inFolder bool) checked {
	ch := checked{path: path, secrets: &report.Secrets{}}
	c, err := connector.Load(path)
	if err != nil {
		ch.err = err
		ch.skipped = inFolder && errors.Is(err, connector.ErrNoOAuth)
		return ch
	}
	ch.c = c
	if ch.chosen, err = chooseOAuth(c, set); err != nil {
		if !inFolder {
			ch.err = err
			return ch
		}
		ch.noSet = set
	}
	params, _ = connector.ResolveParams(c, nil, params, os.LookupEnv)
	for _, o := range c.OAuth {
		for _, v := range o.LiteralSecrets() {
			ch.secrets.Add(v)
		}
		// The secret is never filled in: the platform has it from the
		// connector's publication, authtrace only shows where it goes.
		r, err := o.Requests(c, connector.Fill{Sample: true, RedirectURL: o.PlatformRedirectURL(), State: connector.SampleState, Params: params})
		ch.requests = append(ch.requests, builtRequests{r: r, err: err})
		if err != nil && buildable(c, o) {
			// The file alone builds them (Check says nothing): the
			// connection parameters given break them.
			ch.built = append(ch.built, report.Finding{
				Code: report.CodeConnectorInvalid, Severity: report.SeverityError,
				Message: "the platform's requests cannot be built with the connection parameters given: " + err.Error(),
				Hint:    "Check the --conn-param values (or AUTHTRACE_CONN_<NAME>): a host is a plain host[:port], and a value is filled in as written.",
				Detail:  map[string]string{"path": o.Path},
			})
		}
	}
	ch.findings = append(connector.Check(c), ch.built...)
	return ch
}

// buildable reports whether o's requests build from the file alone, with
// no connection parameter filled: then a failure with the ones given is
// theirs, not the file's (which Check reports).
func buildable(c *connector.Connector, o *connector.OAuth) bool {
	_, err := o.Requests(c, connector.Fill{Sample: true, RedirectURL: o.PlatformRedirectURL(), State: connector.SampleState})
	return err == nil
}

// checkExit is the exit status of a check: 2 when a connector could not
// be read, else 1 when one has an error finding.
func checkExit(all []checked) error {
	code := exitOK
	for _, ch := range all {
		switch {
		case ch.skipped:
		case ch.err != nil:
			code = exitUsage
		case code == exitOK && (&report.Report{Findings: ch.findings}).HasErrors():
			code = exitFindings
		}
	}
	if code == exitOK {
		return nil
	}
	return &exitError{code: code}
}
