package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=..."; without
// it the version comes from the build info the Go toolchain records.
var version = ""

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print authtrace's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), versionLine())
			return nil
		},
	}
}

// versionLine is what `authtrace version` and `authtrace --version` print.
func versionLine() string {
	return fmt.Sprintf("authtrace %s (%s %s/%s)", buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func buildVersion() string {
	if version != "" {
		return version
	}
	bi, _ := debug.ReadBuildInfo()
	return versionFrom(bi)
}

// devel is the Go toolchain's word for a main module built without a
// version of its own.
const devel = "(devel)"

// versionFrom says which authtrace a build is: the module version when it
// has one (go install ...@v1.2.3, or the toolchain's pseudo-version of a
// checkout), else a pseudo-version made from the VCS revision and time the
// toolchain recorded, marked +dirty when the checkout had changes. Only a
// build with neither (go run, -buildvcs=false) is "(devel)".
func versionFrom(bi *debug.BuildInfo) string {
	if bi == nil {
		return devel
	}
	if v := bi.Main.Version; v != "" && v != devel {
		return v
	}
	var rev, at string
	var modified bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return devel
	}
	// The shape of Go's own pseudo-versions: v0.0.0-yyyymmddhhmmss-rev12.
	stamp := "00000000000000"
	if t, err := time.Parse(time.RFC3339, at); err == nil {
		stamp = t.UTC().Format("20060102150405")
	}
	v := "v0.0.0-" + stamp + "-" + rev[:min(12, len(rev))]
	if modified {
		v += "+dirty"
	}
	return v
}
