package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/vitalsgo/vitals/cmd/vitals/internal/target"
)

const waitUsage = `Usage: vitals wait [flags] URL...

Waits until every URL is healthy, probing each every --interval, and exits 0
when all are; exits 1 when --timeout passes first or a signal (SIGINT,
SIGTERM) interrupts the wait, naming the targets still failing, and 2 when
the command line is wrong. URLs take the schemes of
'vitals probe': http(s)://, grpc(s)://host:port[/service], tcp://host:port.

On a terminal, a line per target shows its status, attempts and the time
waited, redrawn in place; otherwise a line is printed when a target's status
changes. Replaces wait-for-it in compose files and init containers.

Examples:
  vitals wait tcp://db:5432 tcp://redis:6379
  vitals wait --timeout 2m http://api:8080/readyz grpc://users:9090

  # Kubernetes init container
  command: ["vitals", "wait", "--timeout", "5m", "tcp://postgres:5432", "http://auth:8080/readyz"]

  # docker compose: start the app once its dependencies are up
  command: sh -c 'vitals wait tcp://db:5432 && exec app'
`

func runWait(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("wait", waitUsage, stdout)
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long")
	interval := fs.Duration("interval", time.Second, "pause between the attempts on one target")
	attemptTimeout := fs.Duration("attempt-timeout", target.DefaultTimeout, "bound on one attempt")
	var header headerFlag
	fs.Var(&header, "header", "`\"Name: value\"` HTTP header or gRPC metadata sent to every target, repeatable")
	insecure := fs.Bool("insecure", false, "skip TLS certificate verification (https, grpcs)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return helpOrErr(err)
	}
	switch {
	case len(pos) == 0:
		return usageErrorf("want at least one URL (run 'vitals wait --help')")
	case *timeout <= 0 || *interval <= 0 || *attemptTimeout <= 0:
		return usageErrorf("--timeout, --interval and --attempt-timeout must be positive")
	}
	targets := make([]target.Target, 0, len(pos))
	defer func() {
		for _, t := range targets {
			t.Close()
		}
	}()
	for _, raw := range pos {
		t, err := newTarget(raw, target.Options{Timeout: *attemptTimeout, Header: header.h, Insecure: *insecure})
		if err != nil {
			return err
		}
		targets = append(targets, t)
	}

	start := time.Now()
	states := make([]*waitState, len(targets))
	for i, t := range targets {
		states[i] = &waitState{name: t.String(), start: start}
	}
	r := newRenderer(stdout, states)
	healthy := waitAll(ctx, targets, *timeout, *interval, r)

	if healthy {
		fmt.Fprintf(stdout, "%s healthy after %s\n", plural(len(targets), "target"), roundDuration(time.Since(start)))
		return nil
	}
	var failing []string
	for _, s := range states {
		if s.status != target.Healthy {
			failing = append(failing, s.summary())
		}
	}
	why := fmt.Sprintf("timed out after %s", *timeout)
	if ctx.Err() != nil {
		why = "interrupted"
	}
	fmt.Fprintf(stderr, "vitals wait: %s; still failing: %s\n", why, strings.Join(failing, "; "))
	return failed(errors.New(why))
}

// update is one attempt of target i, or its end (done).
type update struct {
	i       int
	attempt target.Attempt
	done    bool
}

// waitAll waits for every target on its own goroutine and renders their
// progress from this one, which owns the states. It returns whether every
// target became healthy; every goroutine has ended when it returns.
func waitAll(ctx context.Context, targets []target.Target, timeout, interval time.Duration, r renderer) bool {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	updates := make(chan update)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() {
			// Sends never block forever: this goroutine reads until
			// every waiter has sent done.
			t.Wait(ctx, interval, func(a target.Attempt) { updates <- update{i: i, attempt: a} })
			updates <- update{i: i, done: true}
		})
	}
	defer wg.Wait()

	r.draw()
	ticker := time.NewTicker(r.tickEvery())
	defer ticker.Stop()
	for running := len(targets); running > 0; {
		select {
		case u := <-updates:
			if u.done {
				running--
				continue
			}
			r.record(u.i, u.attempt)
		case <-ticker.C:
			r.draw()
		}
	}
	r.finish()
	for _, s := range r.targets() {
		if s.status != target.Healthy {
			return false
		}
	}
	return true
}

// isTerminal reports whether w is a terminal that can redraw lines.
func isTerminal(w io.Writer) (fd int, ok bool) {
	f, isFile := w.(*os.File)
	if !isFile || os.Getenv("TERM") == "dumb" {
		return 0, false
	}
	fd = int(f.Fd())
	return fd, term.IsTerminal(fd)
}

func plural(n int, word string) string {
	switch n {
	case 1:
		return "1 " + word
	case 2:
		return "both " + word + "s"
	}
	return fmt.Sprintf("all %d %ss", n, word)
}
