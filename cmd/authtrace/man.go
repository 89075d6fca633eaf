package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newManCmd prints authtrace's man page (section 1), made from the same
// commands, flags and help texts as --help, for release archives and
// packages to install (man authtrace).
func newManCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:    "man",
		Short:  "Print the man page (roff) for authtrace, for packagers",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return doc.GenMan(root, &doc.GenManHeader{Title: "AUTHTRACE", Section: "1", Source: "authtrace " + buildVersion()}, cmd.OutOrStdout())
		},
	}
}
