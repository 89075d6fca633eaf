package main

import (
	"github.com/spf13/cobra"

	"github.com/authtrace/authtrace/flow"
)

func newTraceCmd() *cobra.Command {
	var s settings
	cmd := &cobra.Command{
		Use:   "trace",
		Short: "Follow the authorize URL's redirect chain hop by hop, without logging in",
		Long: `Follow the authorize URL's redirects with authtrace's own HTTP client (a
fresh cookie jar, no browser, no login) and show each hop's state and
redirect_uri next to what was sent. It stops at the first page that is not a
redirect (usually the provider's login page) and reads error pages for the
known signatures of a rejected redirect_uri or client.

The redirect URI need not be a loopback one here: give the platform's own to
check it against the provider's registration. With --connector, the chain is
followed twice, as Power Platform would send it: once with the connector's
own redirect URL and once with the loopback one a real login sends
(--loopback-redirect-uri), and the two are shown side by side.`,
		Example: `  # does the provider accept Power Platform's redirect URI?
  authtrace trace --authorize-url https://TENANT.auth0.com/authorize --client-id ID \
    --redirect-uri https://global.consent.azure-apim.net/redirect --scope openid

  # a tenant proxy in front of the provider, as JSON
  authtrace trace --authorize-url https://login.example.com/acme/authorize \
    --client-id ID --param audience=https://api.example.com --json

  # a custom connector: its own redirect URL and the loopback one, side by side
  authtrace trace --connector ./MyConnector --conn-param customHost=acme.auth0.com`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := s.applyProfile(cmd); err != nil {
				return err
			}
			cfg, err := s.configFor(cmd)
			if err != nil {
				return err
			}
			if err := flow.Validate(cfg, false); err != nil {
				return engineErrIn(err, flagNamer(cmd))
			}
			return runEngine(cmd, &s, cfg, flow.Trace, engineMode{view: true})
		},
	}
	s.addFlags(cmd.Flags(), false)
	return cmd
}
