package web_test

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/monitor/web"
)

// uptimeStore answers Uptime and Uptimes without a database, so that a
// board of 10,000 targets is set up in a second; the status page reads
// nothing else from the store.
type uptimeStore struct {
	store.Store
	names []string // the targets Uptimes answers for
}

func (uptimeStore) Uptime(_ context.Context, target string, w time.Duration, _ time.Time) (store.Uptime, error) {
	if len(target)%7 == 0 {
		return store.Uptime{Window: w, NoData: w}, nil
	}
	return store.Uptime{Window: w, Up: w * 9 / 10, Degraded: w / 100, Down: w / 50, NoData: w - w*9/10 - w/50}, nil
}

func (s uptimeStore) Uptimes(ctx context.Context, windows []time.Duration, now time.Time) (map[string][]store.Uptime, error) {
	m := make(map[string][]store.Uptime, len(s.names))
	for _, name := range s.names {
		ups := make([]store.Uptime, len(windows))
		for i, w := range windows {
			ups[i], _ = s.Uptime(ctx, name, w, now)
		}
		m[name] = ups
	}
	return m, nil
}

// bigBoard returns a board of n targets in groups of 500, each with a
// full sparkline and its uptimes.
// bigPage returns a board of n targets and a mux that serves its pages
// at the benchmarks' fixed now, until the benchmark ends.
func bigPage(b *testing.B, n int) (*board.Board, *http.ServeMux) {
	bd := bigBoard(b, n)
	h := web.New(bd, public, &web.Options{Now: func() time.Time { return now }})
	b.Cleanup(h.Close)
	mux := http.NewServeMux()
	h.Register(mux)
	return bd, mux
}

func bigBoard(tb testing.TB, n int) *board.Board {
	targets := make([]board.Target, n)
	names := make([]string, n)
	for i := range targets {
		targets[i] = board.Target{Name: fmt.Sprintf("service-%05d", i), Type: "http", Group: fmt.Sprintf("group %d", i/500), Interval: 30 * time.Second, Timeout: 5 * time.Second}
		names[i] = targets[i].Name
	}
	b := board.New(uptimeStore{names: names})
	b.SetTitle("Benchmark")
	b.SetTargets(targets)
	for r := range board.RecentPoints {
		for i := range targets {
			record(b, targets[i].Name, i, r)
		}
	}
	if err := b.RefreshUptime(context.Background(), now); err != nil {
		tb.Fatal(err)
	}
	return b
}

// record gives target i its r-th result.
func record(b *board.Board, name string, i, r int) {
	status, msg := vitals.StatusPass, "200 OK"
	switch {
	case i%50 == 0 && r%10 > 6:
		status, msg = vitals.StatusFail, "GET http://10.0.0.1/healthz: connection refused"
	case i%20 == 0 && r%10 > 7:
		status, msg = vitals.StatusWarn, "slow"
	}
	at := now.Add(time.Duration(r-board.RecentPoints) * 30 * time.Second)
	res := vitals.Result{Status: status, Message: msg, Duration: time.Duration(5+(i+r)%40) * time.Millisecond, Time: at}
	b.Record(&vitals.CheckState{CheckInfo: &vitals.CheckInfo{Name: name}, Status: status, Since: at, Last: res})
}

// discard is a ResponseWriter that counts and drops the body.
type discard struct {
	h http.Header
	n int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Write(p []byte) (int, error) { d.n += len(p); return len(p), nil }

// BenchmarkPage serves the status page of 10,000 targets: with every row
// cached, with 1% of the targets changed before each request (about what
// a second brings when each is checked every 30 s and the page is asked
// for 3 times a second), and with all of them changed (the first request
// after a quiet while). It reports the 50th and 99th percentile of the
// time per request.
func BenchmarkPage(b *testing.B) {
	const n = 10_000
	bd, mux := bigPage(b, n)
	states := bd.States()
	for _, bc := range []struct {
		name    string
		changed int
	}{{"cached", 0}, {"changed=1%", n / 100}, {"changed=all", n}} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/", nil)
			w := &discard{h: http.Header{}}
			mux.ServeHTTP(w, req) // fills the cache
			times := make([]time.Duration, 0, b.N)
			next := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if bc.changed > 0 {
					b.StopTimer()
					for range bc.changed {
						record(bd, states[next%n].Name, next%n, board.RecentPoints+i)
						next++
					}
					b.StartTimer()
				}
				w.n = 0
				start := time.Now()
				mux.ServeHTTP(w, req)
				times = append(times, time.Since(start))
			}
			b.StopTimer()
			report(b, times)
			b.ReportMetric(float64(w.n)/1e6, "MB/page")
		})
	}
}

// report adds the median and 99th percentile of times to b's results.
func report(b *testing.B, times []time.Duration) {
	slices.Sort(times)
	at := func(p float64) float64 { return float64(times[int(float64(len(times)-1)*p)]) / 1e6 }
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkPageHTTP asks for the status page of 10,000 targets over HTTP
// (loopback), one request at a time, while 333 targets change a second in
// the background (10,000 checked every 30 s), and reports the percentiles
// of the time to the last byte. For concurrent clients, see TestServeLoad.
func BenchmarkPageHTTP(b *testing.B) {
	const n = 10_000
	bd, mux := bigPage(b, n)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	defer churn(bd, n)()

	times := make([]time.Duration, 0, b.N)
	client := srv.Client()
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		resp, err := client.Get(srv.URL + "/")
		if err != nil {
			b.Fatal(err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("GET / = %d, %v", resp.StatusCode, err)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	report(b, times)
}

// churn records a result of one of the n targets of bd every 3 ms (10,000
// targets checked every 30 s) until the returned function is called.
func churn(bd *board.Board, n int) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(3 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			case <-tick.C:
				record(bd, fmt.Sprintf("service-%05d", i%n), i%n, board.RecentPoints+i/n)
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// TestServeLoad serves the board of BenchmarkPageHTTP, changing as there,
// on VITALS_WEB_LOAD_ADDR for VITALS_WEB_LOAD_FOR (a duration, 1m by
// default), for a load generator in another process; without the address
// it is skipped. For example:
//
//	VITALS_WEB_LOAD_ADDR=127.0.0.1:8090 go test -run TestServeLoad ./web/ &
//	wrk -t1 -c1 -d20s --latency http://127.0.0.1:8090/
func TestServeLoad(t *testing.T) {
	addr := os.Getenv("VITALS_WEB_LOAD_ADDR")
	if addr == "" {
		t.Skip("VITALS_WEB_LOAD_ADDR is not set")
	}
	d, err := time.ParseDuration(cmp.Or(os.Getenv("VITALS_WEB_LOAD_FOR"), "1m"))
	if err != nil {
		t.Fatal(err)
	}
	const n = 10_000
	bd := bigBoard(t, n)
	h := web.New(bd, public, nil)
	mux := http.NewServeMux()
	h.Register(mux)
	srv := &http.Server{Addr: addr, Handler: mux}
	srv.RegisterOnShutdown(h.Close)
	defer churn(bd, n)()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	t.Logf("serving %d targets on http://%s/ for %v", n, addr, d)
	select {
	case err := <-errc:
		t.Fatal(err)
	case <-time.After(d):
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Error(err)
	}
	<-errc
}
