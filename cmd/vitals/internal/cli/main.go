package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// Main runs the command line of os.Args and exits with its code: the whole
// of the vitals and vitals-full commands' main functions. Only Main calls
// os.Exit; each command is a function of its arguments and output streams
// that returns an error.
func Main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	runFull = execFull
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err))
}
