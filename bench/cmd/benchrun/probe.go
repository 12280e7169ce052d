package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/vitalsgo/vitals/bench/internal/libs"
	"github.com/vitalsgo/vitals/bench/internal/load"
	"github.com/vitalsgo/vitals/bench/internal/report"
)

// probe is scenario 1: requests/s of the readiness endpoint with 10 and 100
// no-op checks, full JSON output, as a ratio to a bare net/http handler
// measured in the same round. Every server runs at once (idle servers cost
// nothing); wrk visits them in an order that rotates each round, so drift
// on the machine spreads over every library.
func (r *runner) probe() error {
	if !haveCommand("wrk") {
		r.res.Notes = append(r.res.Notes, "probe throughput: wrk is not installed (scripts/services installs it); not measured")
		r.log("probe: wrk not installed, skipped")
		return nil
	}
	cpuServer, cpuLoad := "", ""
	if r.pinned {
		cpuServer, cpuLoad = "0", "1"
	}
	order := append([]string{"bare"}, r.libs...)
	type key struct {
		lib    string
		checks int
	}
	servers := map[key]*server{}
	defer func() {
		for _, s := range servers {
			s.stop()
		}
	}()
	dir, err := os.MkdirTemp("", "benchrun-probe")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, n := range r.cfg.probeChecks {
		// The libraries first: the bare handler writes vitals' own answer,
		// so that its ratio is the cost of the library over writing the
		// same bytes.
		var bareBody string
		for _, lib := range slices.Concat(r.libs, []string{"bare"}) {
			args := []string{"--scenario", "probe", "--checks", strconv.Itoa(n), "--interval", "10s"}
			if lib == "bare" && bareBody != "" {
				args = append(args, "--body-file", bareBody)
			} else if lib != "bare" {
				args = append(args, "--mode", string(libs.Modes(lib)[0]))
			}
			s, err := start(r.bin, serverArgs{Lib: lib, CPUList: cpuServer, Args: args})
			if err != nil {
				return fmt.Errorf("%s with %d checks: %w", lib, n, err)
			}
			servers[key{lib, n}] = s
			if lib == "vitals" {
				if err := s.waitStatus(200, 15*time.Second); err != nil {
					return err
				}
				body, err := fetch(s.URL())
				if err != nil {
					return err
				}
				bareBody = filepath.Join(dir, fmt.Sprintf("vitals-%d.json", n))
				if err := os.WriteFile(bareBody, body, 0o644); err != nil {
					return err
				}
			}
		}
	}
	for k, s := range servers {
		if err := s.waitStatus(200, 15*time.Second); err != nil {
			return fmt.Errorf("%d checks: %w", k.checks, err)
		}
	}

	wrkOpts := load.WrkOptions{Threads: 1, Connections: r.cfg.probeConns, Duration: r.cfg.probeDur, CPUList: cpuLoad}
	warm := wrkOpts
	warm.Duration = time.Second
	for k, s := range servers {
		if _, err := load.Wrk(ctx, s.URL(), warm); err != nil {
			return fmt.Errorf("warm-up %s: %w", k.lib, err)
		}
	}

	rows := map[key]*report.ProbeRow{}
	for _, n := range r.cfg.probeChecks {
		for _, lib := range order {
			mode := "fixed body"
			if lib == "bare" && containsLib(r.libs, "vitals") {
				mode = "vitals' body"
			}
			if lib != "bare" {
				mode = string(libs.Modes(lib)[0])
			}
			rows[key{lib, n}] = &report.ProbeRow{Lib: lib, Mode: mode, Checks: n, Bytes: bodySize(servers[key{lib, n}].URL())}
		}
	}
	for round := range r.cfg.probeReps {
		for _, n := range r.cfg.probeChecks {
			rps := map[string]float64{}
			for i := range order {
				lib := order[(i+round)%len(order)]
				res, err := load.Wrk(ctx, servers[key{lib, n}].URL(), wrkOpts)
				row := rows[key{lib, n}]
				if err != nil {
					row.Err = err.Error()
					continue
				}
				row.Non2xx += res.Non2xx
				row.SocketErrors += res.SocketError
				rps[lib] = res.RPS
				row.RPS = append(row.RPS, res.RPS)
				row.P99 = append(row.P99, ms(res.Latency[99]))
			}
			for _, lib := range order {
				if bare := rps["bare"]; bare > 0 && rps[lib] > 0 {
					rows[key{lib, n}].Ratio = append(rows[key{lib, n}].Ratio, rps[lib]/bare)
				}
			}
			r.log("probe round %d, %d checks: %v", round+1, n, fmtRPS(order, rps))
		}
	}
	for _, n := range r.cfg.probeChecks {
		for _, lib := range order {
			r.res.Probe = append(r.res.Probe, *rows[key{lib, n}])
		}
	}
	return nil
}

func fmtRPS(order []string, rps map[string]float64) string {
	s := ""
	for _, lib := range order {
		s += fmt.Sprintf(" %s=%.0f", lib, rps[lib])
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
