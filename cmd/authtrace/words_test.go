package main

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/authtrace/authtrace/flow"
)

// TestEngineKnowsNoCLIWords: flow and decode name settings, never the
// CLI's flags or environment variables (cmd and ui word them), so a
// connector import or a profile can reuse the engine's messages.
func TestEngineKnowsNoCLIWords(t *testing.T) {
	flags := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.Flags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) { flags[f.Name] = true })
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	root := newRootCmd(strings.NewReader(""), io.Discard, io.Discard)
	root.InitDefaultHelpFlag()
	walk(root)
	if !flags["authorize-url"] || !flags["aud"] || !flags["help"] {
		t.Fatalf("found only these flags: %v", flags)
	}
	var names []string
	for f := range flags {
		names = append(names, regexp.QuoteMeta(f))
	}
	flagRe := regexp.MustCompile(`--(` + strings.Join(names, "|") + `)\b`)
	envRe := regexp.MustCompile(`AUTHTRACE_[A-Z_]+`)

	for _, dir := range []string{"../../flow", "../../decode"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(data), "\n") {
				for _, re := range []*regexp.Regexp{flagRe, envRe} {
					if m := re.FindString(line); m != "" {
						t.Errorf("%s:%d names the CLI's %s: name a flow.Setting and let cmd or ui word it", file, i+1, m)
					}
				}
			}
		}
	}
}

// TestFlagNames: every setting the engine can name in an error is worded
// as a flag that exists.
func TestFlagNames(t *testing.T) {
	login := newLoginCmd()
	for _, s := range []flow.Setting{
		flow.SettingIssuer, flow.SettingAuthorizeURL, flow.SettingTokenURL, flow.SettingRefreshURL,
		flow.SettingJWKSURL, flow.SettingClientID, flow.SettingClientSecret, flow.SettingScope,
		flow.SettingParams, flow.SettingRedirectURI, flow.SettingPort, flow.SettingPKCE,
		flow.SettingState, flow.SettingClientAuth, flow.SettingExpectAud, flow.SettingExpectIss,
		flow.SettingTimeout, flow.SettingRequestTimeout, flow.SettingMaxHops,
	} {
		name := strings.TrimPrefix(flagName(s), "--")
		if login.Flags().Lookup(name) == nil {
			t.Errorf("flagName(%s) = --%s, which login does not have", s, name)
		}
	}
}

// TestReadmeLayout: the README's Layout table names every top-level
// folder that holds Go code, and no folder that is not there.
func TestReadmeLayout(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, layout, ok := strings.Cut(string(data), "## Layout")
	if !ok {
		t.Fatal("README.md has no Layout section")
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([^`]+)` \\|").FindAllStringSubmatch(layout, -1) {
		top, _, _ := strings.Cut(m[1], "/")
		listed[top] = true
		if _, err := os.Stat(filepath.Join("../..", m[1])); err != nil {
			t.Errorf("the Layout table lists %s, which is not there", m[1])
		}
	}
	entries, err := os.ReadDir("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		hasGo := false
		filepath.WalkDir(filepath.Join("../..", e.Name()), func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".go") {
				hasGo = true
				return filepath.SkipAll
			}
			if err == nil && d.IsDir() && d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		})
		if hasGo && !listed[e.Name()] {
			t.Errorf("the README's Layout table does not list %s/", e.Name())
		}
	}
}
