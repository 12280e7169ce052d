package vitals_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
)

// BenchmarkScale registers N periodic no-op checks at a 10s interval (1s
// jitter), lets them settle for one interval, then measures a steady-state
// window: CPU as a share of one core, live heap and RSS per check, and
// goroutines. Run it alone, once: go test -run '^$' -bench Scale -benchtime 1x
// (BENCH_WINDOW overrides the 20s window).
func BenchmarkScale(b *testing.B) {
	window := 20 * time.Second
	if s := os.Getenv("BENCH_WINDOW"); s != "" {
		if d, err := time.ParseDuration(s); err == nil {
			window = d
		}
	}
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("checks=%d", n), func(b *testing.B) {
			for b.Loop() {
				scaleOnce(b, n, window)
			}
		})
	}
}

func scaleOnce(b *testing.B, n int, window time.Duration) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var runs atomic.Int64
	noop := vitals.CheckFunc(func(context.Context) error { runs.Add(1); return nil })
	m := vitals.New(nil)
	defer m.Close()
	regStart := time.Now()
	for i := range n {
		if err := m.Add("check-"+strconv.Itoa(i), noop, vitals.Interval(10*time.Second), vitals.Jitter(time.Second)); err != nil {
			b.Fatal(err)
		}
	}
	reg := time.Since(regStart)
	m.Start()
	time.Sleep(11 * time.Second) // the benchmark's settling interval (one interval and its jitter), not a wait for an event
	stopProfile := profileWindow(b)
	cpu0, t0, runs0 := cpuTime(), time.Now(), runs.Load()
	time.Sleep(window) // the measured window
	cpu, wall := cpuTime()-cpu0, time.Since(t0)
	stopProfile()
	runsPerSec := float64(runs.Load()-runs0) / wall.Seconds()
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	writeHeapProfile(b)
	b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "%core")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(n), "heapB/check")
	b.ReportMetric(float64(rssBytes())/1e6, "rssMB")
	b.ReportMetric(float64(runtime.NumGoroutine()), "goroutines")
	b.ReportMetric(runsPerSec, "runs/s")
	b.ReportMetric(reg.Seconds()*1e9/float64(n), "ns/add")
	if s := m.Snapshot(); s.Len() != n {
		b.Fatalf("snapshot has %d checks", s.Len())
	}
}

// profileWindow starts a CPU profile of the steady-state window when
// BENCH_CPUPROFILE names a file: go test's -cpuprofile would cover the
// registration burst and the settling interval too.
func profileWindow(b *testing.B) (stop func()) {
	path := os.Getenv("BENCH_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// writeHeapProfile writes the live heap, with the monitor still running,
// when BENCH_MEMPROFILE names a file: what each check keeps, by allocation
// site (go tool pprof -sample_index=inuse_space).
func writeHeapProfile(b *testing.B) {
	path := os.Getenv("BENCH_MEMPROFILE")
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		b.Fatal(err)
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkOnDemandStorm hammers an on-demand check (TTL 50ms) from 1,000
// goroutines and reports dependency calls per TTL: singleflight and the
// cache must keep it at one, whatever the probe rate.
func BenchmarkOnDemandStorm(b *testing.B) {
	const ttl = 50 * time.Millisecond
	var calls atomic.Int64
	m := vitals.New(nil)
	defer m.Close()
	m.Add("dep", vitals.CheckFunc(func(context.Context) error {
		calls.Add(1)
		time.Sleep(time.Millisecond) // a real dependency takes time
		return nil
	}), vitals.OnDemand(ttl))
	b.SetParallelism(1000 / runtime.GOMAXPROCS(0))
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			m.Current(ctx)
		}
	})
	elapsed := time.Since(start)
	b.ReportMetric(float64(calls.Load())/(float64(elapsed)/float64(ttl)), "calls/ttl")
}

// BenchmarkRecord is the cost of one periodic run of a no-op check through
// the scheduler's bookkeeping (claim, run, record, publish view).
func BenchmarkRunOnce(b *testing.B) {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("x", vitals.CheckFunc(func(context.Context) error { return nil }))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		m.RunOnce(ctx)
	}
}
