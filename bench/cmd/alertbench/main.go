// Command alertbench measures how long `vitals serve` takes from a target's
// failure to the alert at a receiver, and from its recovery to the
// resolve: a real HTTP target server whose targets fail one at a time on
// cue, the monitor in this process (package monitor, SQLite or PostgreSQL),
// and a real webhook receiver that timestamps what it is sent.
//
//	go run ./cmd/alertbench -incidents 100 -interval 1s -group-wait 0s
//
// Each incident takes one target down until its alert arrives, then up
// until its resolve arrives; the time to alert includes the wait for the
// target's next run (up to one interval), the store's batch (up to a
// second), the group wait and the delivery.
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vitalsgo/vitals"
	httpcheck "github.com/vitalsgo/vitals/checks/http"
	"github.com/vitalsgo/vitals/monitor"
	"github.com/vitalsgo/vitals/monitor/config"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "alertbench:", err)
		os.Exit(1)
	}
}

type options struct {
	targets, incidents  int
	interval, groupWait time.Duration
	storage             string
	deadline            time.Duration
	jsonOut             string
}

func run() error {
	var o options
	flag.IntVar(&o.targets, "targets", 100, "targets watched (each at -interval)")
	flag.IntVar(&o.incidents, "incidents", 100, "incidents, one target at a time")
	flag.DurationVar(&o.interval, "interval", time.Second, "the targets' interval")
	flag.DurationVar(&o.groupWait, "group-wait", 0, "alerting.group_wait")
	flag.StringVar(&o.storage, "storage", "", "postgres:// DSN; default a SQLite file in a temporary directory")
	flag.DurationVar(&o.deadline, "deadline", 30*time.Minute, "give up after this long")
	flag.StringVar(&o.jsonOut, "json", "", "also write the results as JSON here")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), o.deadline)
	defer cancel()

	down := &downSet{m: map[string]bool{}}
	targets, err := serveHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.is(strings.TrimPrefix(r.URL.Path, "/")) {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok")
	}))
	if err != nil {
		return err
	}
	defer targets.Close()
	rec := &receiver{arrived: map[string]time.Time{}, wake: make(chan struct{}, 1)}
	hook, err := serveHTTP(rec)
	if err != nil {
		return err
	}
	defer hook.Close()

	dir, err := os.MkdirTemp("", "alertbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	storage := cmp.Or(o.storage, filepath.Join(dir, "vitals.db"))
	var b strings.Builder
	fmt.Fprintf(&b, "storage: %s\nalerting: {group_wait: %v}\nnotify:\n  - {name: hook, type: webhook, url: \"http://%s/\"}\nchecks:\n", storage, o.groupWait, hook.Addr)
	for i := range o.targets {
		fmt.Fprintf(&b, "  - {name: t%04d, type: http, url: \"http://%s/t%04d\", interval: %v, timeout: 2s, notify: [hook], alert_after: 1}\n", i, targets.Addr, i, o.interval)
	}
	cfg, err := config.Parse("alertbench.yaml", []byte(b.String()), nil)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	build := func(c *config.Check) (vitals.Checker, io.Closer, error) {
		chk, err := httpcheck.New(c.Params.String("url"), nil)
		return chk, nil, err
	}
	srv, err := monitor.New(ctx, cfg, &monitor.Options{Build: build, Logger: log, Listen: "127.0.0.1:0"})
	if err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Run(runCtx, nil) }()
	defer func() {
		stop()
		<-done
	}()

	// Every target has passed before the first incident.
	if err := waitUntil(ctx, func() bool {
		for _, st := range srv.Board().States() {
			if st.Status != vitals.StatusPass {
				return false
			}
		}
		return true
	}); err != nil {
		return fmt.Errorf("waiting for every target to pass: %w", err)
	}
	var toAlert, toResolve []time.Duration
	for i := range o.incidents {
		name := fmt.Sprintf("t%04d", i%o.targets)
		start := time.Now()
		down.set(name, true)
		at, err := rec.wait(ctx, "firing "+name+" "+fmt.Sprint(i/o.targets+1))
		if err != nil {
			return fmt.Errorf("incident %d: %w", i, err)
		}
		toAlert = append(toAlert, at.Sub(start))
		start = time.Now()
		down.set(name, false)
		if at, err = rec.wait(ctx, "resolved "+name+" "+fmt.Sprint(i/o.targets+1)); err != nil {
			return fmt.Errorf("incident %d resolve: %w", i, err)
		}
		toResolve = append(toResolve, at.Sub(start))
	}
	res := map[string]any{
		"targets": o.targets, "incidents": o.incidents, "interval": o.interval.String(), "group_wait": o.groupWait.String(),
		"storage": storeKind(storage), "alert": stats(toAlert), "resolve": stats(toResolve),
		"duplicates": rec.duplicates(),
	}
	out, _ := json.MarshalIndent(res, "", "  ")
	fmt.Println(string(out))
	if o.jsonOut != "" {
		return os.WriteFile(o.jsonOut, out, 0o644)
	}
	return nil
}

// stats are the percentiles of ds, in milliseconds.
func stats(ds []time.Duration) map[string]float64 {
	slices.Sort(ds)
	at := func(p float64) float64 {
		return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))].Microseconds()) / 1000
	}
	return map[string]float64{"p50_ms": at(0.50), "p90_ms": at(0.90), "p99_ms": at(0.99), "max_ms": at(1)}
}

type downSet struct {
	mu sync.Mutex
	m  map[string]bool
}

func (d *downSet) set(name string, down bool) {
	d.mu.Lock()
	d.m[name] = down
	d.mu.Unlock()
}

func (d *downSet) is(name string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.m[name]
}

// receiver takes webhook messages and timestamps the first arrival of each
// alert: "kind target n", n the target's incident number.
type receiver struct {
	mu      sync.Mutex
	arrived map[string]time.Time
	dups    int
	wake    chan struct{}
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	var msg struct {
		Alerts []struct{ Kind, Target, Incident string }
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&msg); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	for _, a := range msg.Alerts {
		n := a.Incident[strings.LastIndexByte(a.Incident, '/')+1:]
		k := a.Kind + " " + a.Target + " " + n
		if _, ok := rc.arrived[k]; ok {
			rc.dups++
			continue
		}
		rc.arrived[k] = now
	}
	rc.mu.Unlock()
	select {
	case rc.wake <- struct{}{}:
	default:
	}
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) duplicates() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.dups
}

func (rc *receiver) wait(ctx context.Context, key string) (time.Time, error) {
	for {
		rc.mu.Lock()
		at, ok := rc.arrived[key]
		rc.mu.Unlock()
		if ok {
			return at, nil
		}
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("no %q: %w", key, ctx.Err())
		case <-rc.wake:
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func waitUntil(ctx context.Context, cond func() bool) error {
	for !cond() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}

type httpServer struct {
	*http.Server
	Addr string
}

func serveHTTP(h http.Handler) (*httpServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := s.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "alertbench: serve:", err)
		}
	}()
	return &httpServer{Server: s, Addr: ln.Addr().String()}, nil
}

func storeKind(dsn string) string {
	if strings.HasPrefix(dsn, "postgres") {
		return "postgres"
	}
	return "sqlite"
}
