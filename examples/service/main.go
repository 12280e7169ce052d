// Command service is a small HTTP service wired with vitals: real checks of
// its disk, its memory and a TCP dial of its own listener, every health
// endpoint on the same port as the application, and graceful shutdown on
// SIGTERM. `go run .` serves on 127.0.0.1:8080; `make run` starts it on 8081, watched
// by the monitor (examples/monitor).
//
// Check details and pprof need a bearer token: VITALS_TOKEN or -token when
// set, or else a random one the service prints at start, so no token
// known to everyone unlocks a running service's profiles.
//
//	curl -i localhost:8080/readyz?verbose
//	curl -H "Authorization: Bearer $TOKEN" localhost:8080/readyz
//	curl -H 'Accept: application/health+json' localhost:8080/healthz
//	curl localhost:8080/health/disk
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/disk"
	"github.com/vitalsgo/vitals/checks/goroutines"
	"github.com/vitalsgo/vitals/checks/memory"
	"github.com/vitalsgo/vitals/checks/tcp"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "service:", err)
		os.Exit(1)
	}
}

// run starts the service and blocks until ctx ends or a signal stops it.
func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("service", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	// The default is not the environment's value: -help would print it.
	token := fs.String("token", "", "bearer token that unlocks check details and pprof (default $VITALS_TOKEN, or a random one)")
	drain := fs.Duration("drain", 2*time.Second, "how long readiness reports stopping before shutdown")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *token == "" {
		*token = os.Getenv("VITALS_TOKEN")
	}
	generated := *token == ""
	if generated {
		*token = rand.Text()
	}
	if err := compat.AlreadyRunning(ctx, *addr); errors.Is(err, compat.ErrAlreadyRunning) {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}

	m := vitals.New(&vitals.Options{
		DrainDelay: *drain,
		Info:       vitals.Info{Service: "example-service", Version: "1.0"},
	})
	if err := addChecks(m, ln.Addr().String()); err != nil {
		ln.Close()
		return err
	}
	if err := m.Start(); err != nil {
		ln.Close()
		return err
	}

	mux := http.NewServeMux()
	h := vitalshttp.New(m, &vitalshttp.Options{Token: *token})
	h.Install(mux) // /livez /readyz /startupz /healthz
	// The shapes of the libraries vitals replaces, each opted into.
	compat.Chorus(h).Install(mux)
	compat.Regiocom(h).Install(mux)
	compat.Axway(h).Install(mux)
	mux.Handle("/health/disk", compat.Backend(h, "disk", "disk")) // KiviGo's per-backend shape
	// pprof, like check details, needs the token.
	mux.Handle("/debug/pprof/", h.Pprof())
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello from the example service; try /readyz?verbose")
	})
	fmt.Fprintf(out, "serving on http://%s (health: /livez /readyz /startupz /healthz /health /status …)\n", ln.Addr())
	if generated {
		// Only a token the service made up is shown: one the caller
		// chose is theirs already and stays out of the output.
		fmt.Fprintf(out, "details and pprof (a new token each start; set VITALS_TOKEN to choose one):\n  curl -H 'Authorization: Bearer %s' http://%s/readyz?verbose\n", *token, ln.Addr())
	}
	return vitalshttp.Run(ctx, vitalshttp.NewServer(*addr, mux), m, &vitalshttp.RunOptions{Listener: ln})
}

// addChecks registers the service's checks: the process itself for
// liveness, what it needs to serve for readiness.
func addChecks(m *vitals.Monitor, self string) error {
	g, err := goroutines.New(&goroutines.Options{Warn: 5_000, Fail: 50_000})
	if err != nil {
		return err
	}
	mem, err := memory.New(nil)
	if err != nil {
		return err
	}
	d, err := disk.New(os.TempDir(), nil)
	if err != nil {
		return err
	}
	listener, err := tcp.New(self, nil)
	if err != nil {
		return err
	}
	return errors.Join(
		m.Add("goroutines", g, vitals.Groups(vitals.Liveness), vitals.Interval(5*time.Second)),
		m.Add("memory", mem, vitals.Groups(vitals.Liveness, vitals.Readiness), vitals.Interval(5*time.Second)),
		m.Add("disk", d, vitals.Interval(10*time.Second), vitals.Description("free space in the temp dir")),
		m.Add("listener", listener, vitals.Interval(5*time.Second), vitals.Timeout(time.Second),
			vitals.Description("TCP dial of the service's own listener")),
	)
}
