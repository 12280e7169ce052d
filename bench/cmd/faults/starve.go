package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/vitalsgo/vitals"
)

// The starvation scenario's settings: the blackholed checks have the
// timeout that held the pool in the report that led to this scenario; the
// fast check is a critical 1s check whose real failure should show within
// interval + timeout.
const (
	starveSlowInterval = time.Second
	starveSlowTimeout  = 5 * time.Second
	starveInterval     = time.Second
	starveTimeout      = time.Second
	starveLimit        = 60 * time.Second // gives up waiting for a state
)

// StarveRow is one run of the starvation scenario.
type StarveRow struct {
	Blackholed  int       `json:"blackholed"`
	Workers     int       `json:"workers"`
	ReadyAfter  float64   `json:"ready_after_s"`   // Start until readiness leaves "starting"; -1 if never
	Runs        int       `json:"runs"`            // fast check's starts in the window
	Expected    int       `json:"expected"`        // window / interval
	LatenessP50 float64   `json:"lateness_p50_ms"` // fast check's start after its slot
	LatenessP99 float64   `json:"lateness_p99_ms"`
	LatenessMax float64   `json:"lateness_max_ms"`
	Detect      []float64 `json:"detect_s"` // its dependency blackholed until it reads Fail
	Bound       float64   `json:"bound_s"`  // interval + timeout
	Goroutines  int       `json:"goroutines_max"`
	Err         string    `json:"error,omitempty"`
}

// showStarts has starve print the fast check's start times (-starts).
var showStarts bool

func starve(ns []int, window time.Duration, reps int) ([]StarveRow, error) {
	healthy, err := listen(true)
	if err != nil {
		return nil, err
	}
	defer healthy.Close()
	var rows []StarveRow
	for _, n := range ns {
		// A blackhole per run: the connections a run's checks left behind
		// do not carry over.
		hole, err := listen(false)
		if err != nil {
			return nil, err
		}
		row := starveOne(n, healthy.Addr(), hole.Addr(), window, reps)
		hole.Close()
		rows = append(rows, row)
	}
	return rows, nil
}

func starveOne(n int, healthy, hole string, window time.Duration, reps int) StarveRow {
	workers := max(8, 4*runtime.GOMAXPROCS(0)) // the documented default
	row := StarveRow{Blackholed: n, Workers: workers, Bound: (starveInterval + starveTimeout).Seconds(), ReadyAfter: -1}
	m := vitals.New(nil)
	defer m.Close()
	for i := range n {
		err := m.Add(fmt.Sprintf("dep-%04d", i), vitals.CheckFunc(func(ctx context.Context) error { return greeting(ctx, hole) }),
			vitals.Interval(starveSlowInterval), vitals.Timeout(starveSlowTimeout), vitals.Critical(false))
		if err != nil {
			row.Err = err.Error()
			return row
		}
	}
	var target atomic.Pointer[string]
	target.Store(&healthy)
	var mu sync.Mutex
	var starts []time.Time
	fast := vitals.CheckFunc(func(ctx context.Context) error {
		mu.Lock()
		starts = append(starts, time.Now())
		mu.Unlock()
		return greeting(ctx, *target.Load())
	})
	if err := m.Add("fast", fast, vitals.Interval(starveInterval), vitals.Timeout(starveTimeout)); err != nil {
		row.Err = err.Error()
		return row
	}
	events := make(chan vitals.Event, 64)
	unsub := m.Subscribe(func(e vitals.Event) {
		if e.Check == "fast" {
			events <- e
		}
	})
	defer unsub()

	t0 := time.Now()
	if err := m.Start(); err != nil {
		row.Err = err.Error()
		return row
	}
	for time.Since(t0) < starveLimit {
		row.Goroutines = max(row.Goroutines, runtime.NumGoroutine())
		if g, _ := m.Snapshot().Group(vitals.Readiness); g.Status != vitals.StatusStarting {
			row.ReadyAfter = time.Since(t0).Seconds()
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	for time.Since(t0) < window {
		row.Goroutines = max(row.Goroutines, runtime.NumGoroutine())
		time.Sleep(100 * time.Millisecond)
	}
	mu.Lock()
	var in []time.Time
	for _, s := range starts {
		if s.Sub(t0) < window {
			in = append(in, s)
		}
	}
	mu.Unlock()
	if showStarts {
		fmt.Fprintf(os.Stderr, "fast check's starts, %d blackholed (s after Start):", n)
		for _, s := range in {
			fmt.Fprintf(os.Stderr, " %.3f", s.Sub(t0).Seconds())
		}
		fmt.Fprintln(os.Stderr)
	}
	row.Runs, row.Expected = len(in), int(window/starveInterval)
	lat := lateness(in, starveInterval, t0, t0.Add(window))
	row.LatenessP50, row.LatenessP99, row.LatenessMax = pct(lat, 50), pct(lat, 99), pct(lat, 100)

	for range reps {
		d, err := detectOnce(&target, hole, healthy, events)
		if err != nil {
			row.Err = err.Error()
			break
		}
		row.Detect = append(row.Detect, d.Seconds())
		row.Goroutines = max(row.Goroutines, runtime.NumGoroutine())
	}
	return row
}

// detectOnce blackholes the fast check's dependency at a random phase of
// its interval and returns how long until the check reads Fail; then it
// restores the dependency and waits for Pass.
func detectOnce(target *atomic.Pointer[string], hole, healthy string, events <-chan vitals.Event) (time.Duration, error) {
	time.Sleep(rand.N(starveInterval))
	at := time.Now()
	target.Store(&hole)
	d, err := waitEvent(events, vitals.StatusFail)
	target.Store(&healthy)
	if err != nil {
		return 0, err
	}
	if _, err := waitEvent(events, vitals.StatusPass); err != nil {
		return 0, fmt.Errorf("no recovery: %w", err)
	}
	return d.Sub(at), nil
}

func waitEvent(events <-chan vitals.Event, to vitals.Status) (time.Time, error) {
	limit := time.After(starveLimit)
	for {
		select {
		case e := <-events:
			if e.To == to {
				return e.Time, nil
			}
		case <-limit:
			return time.Time{}, fmt.Errorf("fast check not %v within %v", to, starveLimit)
		}
	}
}

// lateness returns, in milliseconds, how long after each of its slots in
// [t0, end) the check started. vitals runs a periodic check at once on
// Start and then on a fixed grid; a start is never early, so the grid's
// origin is at most the earliest of start k minus k-1 intervals (k from 1):
// taking that as the origin is exact when at least one start was on time.
// With fewer than two starts the origin is t0 + one interval, the latest
// the grid can begin. Each slot takes the first unused start at or after
// it; a slot no start came for counts until end, a lower bound of how late
// it is.
func lateness(starts []time.Time, every time.Duration, t0, end time.Time) []float64 {
	origin := t0.Add(every)
	if len(starts) >= 2 {
		rest := starts[1:]
		origin = rest[0]
		for k, s := range rest {
			if o := s.Add(-time.Duration(k) * every); o.Before(origin) {
				origin = o
			}
		}
		starts = rest
	} else {
		starts = nil
	}
	var out []float64
	next := 0
	for slot := origin; slot.Before(end); slot = slot.Add(every) {
		for next < len(starts) && starts[next].Before(slot) {
			next++
		}
		late := end.Sub(slot)
		if next < len(starts) {
			late = starts[next].Sub(slot)
			next++
		}
		out = append(out, float64(late)/float64(time.Millisecond))
	}
	return out
}

// pct is the p-th percentile (nearest rank) of xs; 0 for none.
func pct(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func printStarve(w io.Writer, rows []StarveRow) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "blackholed\tworkers\tready after\truns/expected\tlateness p50\tp99\tmax\tdetect median\tdetect max\tbound\tgoroutines\t")
	for _, r := range rows {
		det := slices.Clone(r.Detect)
		fmt.Fprintf(tw, "%d\t%d\t%.2fs\t%d/%d\t%.1fms\t%.1fms\t%.1fms\t%.2fs\t%.2fs\t%.0fs\t%d\t%s\n",
			r.Blackholed, r.Workers, r.ReadyAfter, r.Runs, r.Expected, r.LatenessP50, r.LatenessP99, r.LatenessMax,
			pct(det, 50), pct(det, 100), r.Bound, r.Goroutines, r.Err)
	}
	tw.Flush()
}
