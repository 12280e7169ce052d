package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/bench/internal/cfgfile"
	"github.com/vitalsgo/vitals/bench/internal/targetsrv"
	httpcheck "github.com/vitalsgo/vitals/checks/http"
	"github.com/vitalsgo/vitals/monitor"
	"github.com/vitalsgo/vitals/monitor/config"
)

// writeConfig writes the configuration of one run: n http targets on the
// target server at addr, the store in dir, the monitor on listen; every
// target's keep_alive is keepAlive unless that is empty.
func writeConfig(path string, n int, addr, listen, storage string, interval, timeout time.Duration, keepAlive string) error {
	head := fmt.Sprintf("service:\n  name: servebench\nlisten: %s\nstorage: %s\n", listen, storage)
	// Flow style, and no field at its default, keeps the files short.
	extra := ""
	if interval != vitals.DefaultInterval {
		extra += fmt.Sprintf(", interval: %v", interval)
	}
	if timeout != vitals.DefaultTimeout {
		extra += fmt.Sprintf(", timeout: %v", timeout)
	}
	if keepAlive != "" {
		extra += ", keep_alive: " + keepAlive
	}
	return cfgfile.Write(path, head, n, func(i int) string {
		return fmt.Sprintf("{name: t%05d, type: http, url: %q%s}", i, targetsrv.URL(addr, i), extra)
	})
}

// runMonitor is the monitor role: `vitals serve` run in this process from
// package monitor, with the http builder the vitals command uses (all its
// options at their defaults), so that it can be profiled: SIGUSR1 starts a
// CPU profile, SIGUSR2 (or the end) stops it.
func runMonitor(args []string) error {
	fs := flag.NewFlagSet("servebench monitor", flag.ContinueOnError)
	file := fs.String("config", "", "configuration file")
	profile := fs.String("cpuprofile", "", "write a CPU profile taken between SIGUSR1 and SIGUSR2 here, a heap profile at SIGUSR2 beside it (.heap), and one at a later SIGUSR2 (.pages.heap)")
	deadline := fs.Duration("deadline", 10*time.Minute, "exit after this long whatever happens")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *deadline)
	defer cancel()
	cfg, err := config.Load(*file)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	srv, err := monitor.New(ctx, cfg, &monitor.Options{Build: buildHTTP, Logger: log})
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	if *profile != "" {
		pctx, pcancel := context.WithCancel(context.Background())
		defer wg.Wait()
		defer pcancel()
		wg.Go(func() { profileOnSignal(pctx, *profile, log) })
	}
	return srv.Run(ctx, nil)
}

// buildHTTP builds the http targets as the vitals command does for a check
// that sets only url.
func buildHTTP(c *config.Check) (vitals.Checker, io.Closer, error) {
	if c.Type != "http" {
		return nil, nil, c.Errorf("type", "servebench builds only http targets")
	}
	// keep_alive's default in the vitals command is 0 too.
	chk, err := httpcheck.New(c.Params.String("url"), &httpcheck.Options{KeepAlive: c.Params.Duration("keep_alive")})
	if err != nil {
		return nil, nil, err
	}
	return chk, chk, nil
}

// profileOnSignal writes a CPU profile to path from SIGUSR1 to SIGUSR2, or
// to the end of ctx, and at SIGUSR2 a heap profile to path.heap; at a
// SIGUSR2 with no CPU profile running (after the pages), to
// path.pages.heap.
func profileOnSignal(ctx context.Context, path string, log *slog.Logger) {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, syscall.SIGUSR1, syscall.SIGUSR2)
	defer signal.Stop(sig)
	var f *os.File
	finish := func() {
		if f == nil {
			return
		}
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			log.Error("cpu profile", "err", err)
		}
		f = nil
	}
	defer finish()
	for {
		select {
		case <-ctx.Done():
			return
		case s := <-sig:
			if s == syscall.SIGUSR2 {
				heap := path + ".heap"
				if f == nil {
					heap = path + ".pages.heap" // a later SIGUSR2: after the pages
				}
				finish()
				if err := writeHeap(heap); err != nil {
					log.Error("heap profile", "err", err)
				}
				continue
			}
			if f != nil {
				continue
			}
			var err error
			if f, err = os.Create(path); err != nil {
				log.Error("cpu profile", "err", err)
				continue
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				log.Error("cpu profile", "err", err)
				f.Close()
				f = nil
			}
		}
	}
}

// writeHeap writes a heap profile, after a collection so that it shows
// what is live.
func writeHeap(path string) error {
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// storeMetrics are the monitor's counters of its store queue.
type storeMetrics struct {
	Written, Dropped, Queued, Failures float64
}

var metricsClient = &http.Client{Timeout: 30 * time.Second}

// scrapeStore reads the store's counters from the monitor's /metrics.
func scrapeStore(listen string) (storeMetrics, error) {
	resp, err := metricsClient.Get("http://" + listen + "/metrics")
	if err != nil {
		return storeMetrics{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return storeMetrics{}, fmt.Errorf("/metrics: %s", resp.Status)
	}
	v, err := parseMetrics(resp.Body, "vitals_monitor_store_written_total", "vitals_monitor_store_dropped_total",
		"vitals_monitor_store_queued", "vitals_monitor_store_write_failures_total")
	if err != nil {
		return storeMetrics{}, err
	}
	return storeMetrics{Written: v[0], Dropped: v[1], Queued: v[2], Failures: v[3]}, nil
}

// parseMetrics returns the values of the named series without labels from
// a Prometheus text exposition, in the order of names; a series missing
// from it is an error.
func parseMetrics(r io.Reader, names ...string) ([]float64, error) {
	p := expfmt.NewTextParser(model.LegacyValidation)
	mfs, err := p.TextToMetricFamilies(r)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(names))
	var missing []string
	for i, name := range names {
		found := false
		for _, m := range mfs[name].GetMetric() {
			if len(m.GetLabel()) > 0 {
				continue
			}
			switch {
			case m.Counter != nil:
				out[i] = m.GetCounter().GetValue()
			case m.Gauge != nil:
				out[i] = m.GetGauge().GetValue()
			default:
				out[i] = m.GetUntyped().GetValue()
			}
			found = true
		}
		if !found {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, errors.New("metrics missing: " + strings.Join(missing, ", "))
	}
	return out, nil
}
