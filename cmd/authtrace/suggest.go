package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/authtrace/authtrace/internal/editdist"
)

// suggestError is a mistyped command or flag, with the names that were
// probably meant ("Did you mean this?").
type suggestError struct {
	err   error
	names []string // login, --client-id
}

func (e *suggestError) Error() string { return e.err.Error() }
func (e *suggestError) Unwrap() error { return e.err }

// didYouMean is what run prints under the error, or "". The names are
// authtrace's own.
func (e *suggestError) didYouMean() string {
	if len(e.names) == 0 {
		return ""
	}
	return "\nDid you mean this?\n\t" + strings.Join(e.names, "\n\t") + "\n\n"
}

// noArgsOrSuggest is cobra.NoArgs for the root command, which runs a login
// itself and so gets none of cobra's own suggestions for unknown commands.
func noArgsOrSuggest(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return &suggestError{err: fmt.Errorf("unknown command %q", args[0]), names: cmd.SuggestionsFor(args[0])}
}

// suggestFlags adds to an unknown flag error the command's flags that are
// close to it (pflag suggests none).
func suggestFlags(cmd *cobra.Command, err error) error {
	var ne *pflag.NotExistError
	if !errors.As(err, &ne) || ne.GetSpecifiedName() == "" {
		return err
	}
	typed := ne.GetSpecifiedName()
	var names []string
	suggested := map[string]bool{}
	for _, m := range meant[strings.ToLower(typed)] {
		if cmd.Flags().Lookup(m.flag) != nil && !suggested[m.flag] {
			suggested[m.flag] = true
			names = append(names, m.text)
		}
	}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden && !suggested[f.Name] && (strings.HasPrefix(f.Name, typed) || editdist.Distance(f.Name, typed) <= 2) {
			suggested[f.Name] = true
			names = append(names, "--"+f.Name)
		}
	})
	return &suggestError{err: err, names: names}
}

// meant are the flags people type for what authtrace calls otherwise:
// the names of authorize parameters and of other tools' options. Each is
// suggested where the command has its flag.
var meant = map[string][]meaning{
	"audience": {
		{"param", "--param audience=VALUE   (sent to the provider)"},
		{"expect-aud", "--expect-aud VALUE       (checked in the access token)"},
	},
	"expect-audience":   {{"expect-aud", "--expect-aud"}},
	"expected-audience": {{"expect-aud", "--expect-aud"}},
	"resource":          {{"param", "--param resource=VALUE"}},
	"organization":      {{"param", "--param organization=VALUE"}},
	"connection":        {{"param", "--param connection=VALUE"}},
	"prompt":            {{"param", "--param prompt=VALUE"}},
	"secret":            {{"client-secret", "--client-secret"}},
	"callback":          {{"redirect-uri", "--redirect-uri"}},
	"callback-url":      {{"redirect-uri", "--redirect-uri"}},
	"authorization-url": {{"authorize-url", "--authorize-url"}},
	"auth-url":          {{"authorize-url", "--authorize-url"}},
	"expect-issuer":     {{"expect-iss", "--expect-iss"}},
}

// meaning is a flag to suggest and how to say it.
type meaning struct{ flag, text string }
