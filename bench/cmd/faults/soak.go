package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/bench/internal/procstat"
)

const soakSample = 10 * time.Second

// SoakSample is one reading during the soak.
type SoakSample struct {
	At         float64 `json:"at_s"`
	RSSMB      float64 `json:"rss_mb"`
	Goroutines int     `json:"goroutines"`
	MedianAge  float64 `json:"median_age_s"`        // over every check, now − its last result
	AgeRatio   float64 `json:"median_age_interval"` // median of age / interval
	Readiness  string  `json:"readiness"`
}

// SoakResult is the soak scenario's outcome.
type SoakResult struct {
	Checks     int            `json:"checks"`
	Duration   float64        `json:"duration_s"`
	ReadyAfter float64        `json:"ready_after_s"` // -1 if never
	Bound      float64        `json:"bound_s"`       // longest interval + timeout
	Kinds      map[string]int `json:"kinds"`
	Samples    []SoakSample   `json:"samples"`
}

// soakKind is one kind of check in the soak's mix, by i % 20.
func soakKind(i int) string {
	switch r := i % 20; {
	case r < 12:
		return "healthy"
	case r < 14:
		return "slow"
	case r < 16:
		return "hung"
	case r < 17:
		return "hung-ignoring-context"
	case r < 18:
		return "panicking"
	default:
		return "flapping"
	}
}

func soak(n int, duration time.Duration, log io.Writer) (*SoakResult, error) {
	healthy, err := listen(true)
	if err != nil {
		return nil, err
	}
	defer healthy.Close()
	hole, err := listen(false)
	if err != nil {
		return nil, err
	}
	defer hole.Close()

	res := &SoakResult{Checks: n, Duration: duration.Seconds(), ReadyAfter: -1, Kinds: map[string]int{}, Bound: (5*time.Second + 2*time.Second).Seconds()}
	release := make(chan struct{})
	m := vitals.New(nil)
	defer m.Close()
	defer close(release) // before Close: the runs that ignore their context return
	intervals := map[string]time.Duration{}
	for i := range n {
		kind := soakKind(i)
		res.Kinds[kind]++
		interval := time.Duration(1+i%5) * time.Second
		timeout := time.Second
		var check vitals.CheckFunc
		critical := false
		switch kind {
		case "healthy":
			critical = true
			check = func(ctx context.Context) error { return greeting(ctx, healthy.Addr()) }
		case "slow":
			check = func(ctx context.Context) error {
				select {
				case <-time.After(100*time.Millisecond + rand.N(1400*time.Millisecond)):
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		case "hung":
			timeout = 2 * time.Second
			check = func(ctx context.Context) error { return greeting(ctx, hole.Addr()) }
		case "hung-ignoring-context":
			check = func(context.Context) error {
				select {
				case <-time.After(30 * time.Second):
				case <-release:
				}
				return errors.New("returned late")
			}
		case "panicking":
			check = func(context.Context) error { panic("soak: a check panics") }
		case "flapping":
			var runs atomic.Int64
			check = func(context.Context) error {
				if runs.Add(1)%2 == 0 {
					return errors.New("flapping")
				}
				return nil
			}
		}
		name := fmt.Sprintf("%s-%04d", kind, i)
		intervals[name] = interval
		if err := m.Add(name, check, vitals.Interval(interval), vitals.Timeout(timeout), vitals.Critical(critical)); err != nil {
			return nil, err
		}
	}

	t0 := time.Now()
	if err := m.Start(); err != nil {
		return nil, err
	}
	for time.Since(t0) < starveLimit {
		if g, _ := m.Snapshot().Group(vitals.Readiness); g.Status != vitals.StatusStarting {
			res.ReadyAfter = time.Since(t0).Seconds()
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	tick := time.NewTicker(soakSample)
	defer tick.Stop()
	for now := range tick.C {
		s, err := soakRead(m, intervals, t0, now)
		if err != nil {
			return nil, err
		}
		s.At = now.Sub(t0).Seconds()
		res.Samples = append(res.Samples, s)
		fmt.Fprintf(log, "soak %5.0fs: rss %.1f MB, %d goroutines, median age %.2fs (%.2f of interval), readiness %s\n",
			s.At, s.RSSMB, s.Goroutines, s.MedianAge, s.AgeRatio, s.Readiness)
		if now.Sub(t0) >= duration {
			break
		}
	}
	return res, nil
}

func soakRead(m *vitals.Monitor, intervals map[string]time.Duration, t0, now time.Time) (SoakSample, error) {
	p, err := procstat.Read(os.Getpid())
	if err != nil {
		return SoakSample{}, err
	}
	snap := m.Snapshot()
	var ages, ratios []float64
	for st := range snap.Checks("") {
		age := now.Sub(st.Last.Time)
		if st.Last.Time.IsZero() {
			age = now.Sub(t0)
		}
		ages = append(ages, age.Seconds())
		ratios = append(ratios, age.Seconds()/intervals[st.Name].Seconds())
	}
	g, _ := snap.Group(vitals.Readiness)
	return SoakSample{
		RSSMB: float64(p.RSS) / (1 << 20), Goroutines: runtime.NumGoroutine(),
		MedianAge: pct(ages, 50), AgeRatio: pct(ratios, 50), Readiness: g.Status.String(),
	}, nil
}

func printSoak(w io.Writer, r *SoakResult) {
	fmt.Fprintf(w, "soak: %d checks %v for %.0fs; readiness out of starting after %.2fs (bound %.0fs)\n", r.Checks, r.Kinds, r.Duration, r.ReadyAfter, r.Bound)
	if len(r.Samples) < 2 {
		return
	}
	var rss, gor, ratio []float64
	for _, s := range r.Samples[1:] { // the first sample is start-up
		rss, gor, ratio = append(rss, s.RSSMB), append(gor, float64(s.Goroutines)), append(ratio, s.AgeRatio)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "after the first sample\tmin\tmax\t")
	fmt.Fprintf(tw, "RSS MB\t%.1f\t%.1f\t\n", slices.Min(rss), slices.Max(rss))
	fmt.Fprintf(tw, "goroutines\t%.0f\t%.0f\t\n", slices.Min(gor), slices.Max(gor))
	fmt.Fprintf(tw, "median age / interval\t%.2f\t%.2f\t\n", slices.Min(ratio), slices.Max(ratio))
	tw.Flush()
}
