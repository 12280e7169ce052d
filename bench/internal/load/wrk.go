package load

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// WrkResult is what one wrk run reported.
type WrkResult struct {
	Requests    int64                 // completed requests
	Duration    time.Duration         // the run's measured length
	RPS         float64               // Requests/sec line
	Latency     map[int]time.Duration // percentile (50, 75, 90, 99) -> latency, with --latency
	Non2xx      int64                 // non-2xx/3xx responses
	SocketError int64                 // connect + read + write + timeout errors
}

// WrkOptions configure one wrk run.
type WrkOptions struct {
	Threads     int
	Connections int
	Duration    time.Duration
	Headers     []string // "Name: value"
	// CPUList, when set, pins wrk to these CPUs with taskset (e.g. "1"),
	// keeping load generation off the server's core.
	CPUList string
}

// Wrk runs wrk against url and parses its report.
func Wrk(ctx context.Context, url string, o WrkOptions) (WrkResult, error) {
	secs := max(1, int(o.Duration.Round(time.Second)/time.Second))
	args := []string{
		"-t", strconv.Itoa(max(1, o.Threads)),
		"-c", strconv.Itoa(max(1, o.Connections)),
		"-d", strconv.Itoa(secs) + "s",
		"--latency",
	}
	for _, h := range o.Headers {
		args = append(args, "-H", h)
	}
	args = append(args, url)
	name := "wrk"
	if o.CPUList != "" {
		args = append([]string{"-c", o.CPUList, "wrk"}, args...)
		name = "taskset"
	}
	cmd := exec.CommandContext(ctx, name, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return WrkResult{}, fmt.Errorf("wrk: %w: %s", err, bytes.TrimSpace(out))
	}
	return ParseWrk(out)
}

// ParseWrk parses the report wrk prints (with or without --latency).
func ParseWrk(out []byte) (WrkResult, error) {
	r := WrkResult{Latency: map[int]time.Duration{}}
	var haveRPS, haveTotal, inDist bool
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		f := strings.Fields(line)
		switch {
		case line == "Latency Distribution":
			inDist = true
			continue
		case inDist && len(f) == 2 && strings.HasSuffix(f[0], "%"):
			p, err := strconv.ParseFloat(strings.TrimSuffix(f[0], "%"), 64)
			if err != nil {
				return r, fmt.Errorf("wrk: percentile %q: %w", f[0], err)
			}
			d, err := ParseWrkDuration(f[1])
			if err != nil {
				return r, err
			}
			r.Latency[int(p)] = d
			continue
		}
		inDist = false
		switch {
		case strings.HasPrefix(line, "Requests/sec:") && len(f) == 2:
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return r, fmt.Errorf("wrk: Requests/sec %q: %w", f[1], err)
			}
			r.RPS, haveRPS = v, true
		case len(f) >= 4 && f[1] == "requests" && f[2] == "in":
			n, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return r, fmt.Errorf("wrk: request count %q: %w", f[0], err)
			}
			d, err := ParseWrkDuration(strings.TrimSuffix(f[3], ","))
			if err != nil {
				return r, err
			}
			r.Requests, r.Duration, haveTotal = n, d, true
		case strings.HasPrefix(line, "Non-2xx or 3xx responses:"):
			n, err := strconv.ParseInt(f[len(f)-1], 10, 64)
			if err != nil {
				return r, fmt.Errorf("wrk: non-2xx count %q: %w", line, err)
			}
			r.Non2xx = n
		case strings.HasPrefix(line, "Socket errors:"):
			// Socket errors: connect 0, read 0, write 0, timeout 12
			for i := 2; i+1 < len(f); i += 2 {
				n, err := strconv.ParseInt(strings.TrimSuffix(f[i+1], ","), 10, 64)
				if err != nil {
					return r, fmt.Errorf("wrk: socket errors %q: %w", line, err)
				}
				r.SocketError += n
			}
		}
	}
	if !haveRPS || !haveTotal {
		return r, errors.New("wrk: report has no Requests/sec or request total")
	}
	return r, nil
}

// ParseWrkDuration parses wrk's durations ("148.51us", "2.35ms", "1.00s",
// "2.00m"), whose units are all Go's.
func ParseWrkDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("wrk: duration %q: %w", s, err)
	}
	return d, nil
}
