package main

import (
	"github.com/spf13/cobra"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/demo"
	"github.com/authtrace/authtrace/flow"
)

// flagValues are the values of the flags that take one of a fixed set,
// for shell completion (`authtrace completion bash|zsh|fish`), by flag
// name: every command that has the flag completes it the same way. A
// function, so that values read at completion time fit too: the saved
// profiles' names for -p.
var flagValues = map[string]func() []cobra.Completion{
	"profile": profileNames,
	"fault": func() []cobra.Completion {
		var c []cobra.Completion
		for _, f := range demo.Faults {
			c = append(c, cobra.CompletionWithDesc(f.Name, f.Description))
		}
		return c
	},
	"client-auth": func() []cobra.Completion {
		return []cobra.Completion{
			cobra.CompletionWithDesc(flow.ClientAuthPost, "client_id and secret in the form body"),
			cobra.CompletionWithDesc(flow.ClientAuthBasic, "an HTTP Basic header"),
			cobra.CompletionWithDesc(flow.ClientAuthAuto, "the body, then Basic, as Power Platform does"),
		}
	},
	"kind": func() []cobra.Completion {
		return []cobra.Completion{
			cobra.CompletionWithDesc(decode.KindAccess, "an access token"),
			cobra.CompletionWithDesc(decode.KindID, "an ID token"),
			cobra.CompletionWithDesc("auto", "guess from its claims"),
		}
	},
}

// registerCompletions gives every command of the tree the completions of
// flagValues for the flags it has.
func registerCompletions(cmd *cobra.Command) {
	for name, values := range flagValues {
		if cmd.Flags().Lookup(name) == nil {
			continue
		}
		complete := func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return values(), cobra.ShellCompDirectiveNoFileComp
		}
		if err := cmd.RegisterFlagCompletionFunc(name, complete); err != nil {
			panic(err) // only when registered twice: a programming error
		}
	}
	for _, sub := range cmd.Commands() {
		registerCompletions(sub)
	}
}
