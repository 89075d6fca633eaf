package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/authtrace/authtrace/report"
)

func newCodesCmd() *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "codes",
		Short: "List every finding code with its severity and meaning",
		Long: `List every finding code authtrace reports, with its severity and what it
means. Codes are stable: scripts and support macros can match on them.`,
		Example: `  authtrace codes
  authtrace codes --json | jq -r '.[] | select(.severity=="error") | .code'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			if jsonOut {
				return report.EncodeJSON(out, report.Codes(), "  ")
			}
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "CODE\tSEVERITY\tMEANING")
			for _, c := range report.Codes() {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Code, c.Severity, c.Meaning)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print a JSON array of {code, severity, meaning}")
	return cmd
}
