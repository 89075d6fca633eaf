package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/authtrace/authtrace/demo"
	"github.com/authtrace/authtrace/flow"
)

func newDemoCmd() *cobra.Command {
	var s settings
	var fault string
	var list bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run a whole login against a built-in provider and tenant proxy",
		Long: `Run the whole login against a built-in authorization server with a
tenant-aware proxy in front of it, all on 127.0.0.1, with a built-in browser
that signs in by itself. Nothing needs to be installed or registered.

With --fault the proxy or the server misbehaves the way real ones do, to show
what authtrace reports for it (--list-faults names them).`,
		Example: `  authtrace demo
  authtrace demo --fault state-suffix
  authtrace demo --fault no-refresh --json | jq '.findings[].code'
  authtrace demo --events | jq -c 'select(.event=="finding") | .finding'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if list {
				width := 0
				for _, f := range demo.Faults {
					width = max(width, len(f.Name))
				}
				for _, f := range demo.Faults {
					fmt.Fprintf(cmd.OutOrStdout(), "%-*s  %s\n", width, f.Name, f.Description)
				}
				return nil
			}
			if err := s.checkOutput(); err != nil {
				return err
			}
			// The demo's provider library logs each refusal through slog;
			// the report already says it, in authtrace's words.
			slog.SetDefault(slog.New(slog.DiscardHandler))
			srv, err := demo.Start(fault)
			if err != nil {
				return usageErr("--fault: %v", err)
			}
			defer srv.Close()
			cfg := srv.Config()
			cfg.Timeout = s.timeout
			cfg.OpenBrowser = srv.Browse
			tui := !s.machine() && isTerminal(cmd.OutOrStdout())
			if !tui {
				fmt.Fprintf(cmd.ErrOrStderr(), "· demo provider on %s (fault: %s)\n", srv.URL, fault)
			}
			return runEngine(cmd, &s, cfg, flow.Run, engineMode{tui: tui, refresh: true, name: "demo"})
		},
	}
	f := cmd.Flags()
	f.StringVar(&fault, "fault", "none", "what to break (see --list-faults)")
	f.BoolVar(&list, "list-faults", false, "list the faults and exit")
	s.addOutputFlags(f)
	f.DurationVar(&s.timeout, "timeout", 30*time.Second, "time limit for the whole login")
	return cmd
}
