// Package serve runs `vitals serve` in vitals-full: it loads the
// configuration, starts package monitor with the builder that knows every
// driver, reloads on SIGHUP and when the file changes, and stops on
// SIGTERM. Importing it (for its side effect) is what makes a binary able
// to serve; vitals, which must start fast, does not.
package serve

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/cmd/vitals/internal/checkers"
	"github.com/vitalsgo/vitals/cmd/vitals/internal/cli"
	"github.com/vitalsgo/vitals/monitor"
	"github.com/vitalsgo/vitals/monitor/config"
)

func init() { cli.Serve = Run }

// Run loads file and serves it until ctx ends.
func Run(ctx context.Context, file, listen string, _, stderr io.Writer) error {
	cfg, err := config.Load(file)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := monitor.New(ctx, cfg, &monitor.Options{Build: build, Logger: log, Listen: listen})
	if err != nil {
		return err
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { srv.WatchFile(watchCtx, file, 0) })
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	wg.Go(func() {
		for {
			select {
			case <-watchCtx.Done():
				return
			case <-hup:
				log.Info("SIGHUP: reloading", "file", file)
				_ = srv.ReloadFile(file) // a refused reload is logged and shown
			}
		}
	})
	err = srv.Run(ctx, nil)
	signal.Stop(hup)
	stopWatch()
	wg.Wait()
	return err
}

// build adapts the checkers' builder to the monitor's.
func build(c *config.Check) (vitals.Checker, io.Closer, error) {
	chk, release, err := checkers.Build(c)
	if err != nil {
		return nil, nil, err
	}
	return chk, closerFunc(release), nil
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }
