package cli

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X github.com/vitalsgo/vitals/cmd/vitals/internal/cli.version=v1.2.3";
// otherwise the module version from the build info is shown.
var version = ""

const versionUsage = `Usage: vitals version

Prints the version of vitals, the Go version it was built with, and the
platform.

Examples:
  vitals version
  vitals --version
`

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", versionUsage, stdout)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return helpOrErr(err)
	}
	if len(pos) > 0 {
		return usageErrorf("takes no arguments")
	}
	fmt.Fprintf(stdout, "%s %s %s %s/%s\n", linkedFlavour(), buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
