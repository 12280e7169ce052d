package vitalshttp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalshttp"
)

// discard is a ResponseWriter that keeps nothing, so the benchmark measures
// the handler and not the recorder.
type discard struct {
	h    http.Header
	code int
	n    int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(code int)        { d.code = code }
func (d *discard) Write(b []byte) (int, error) { d.n += len(b); return len(b), nil }

func benchMonitor(b *testing.B, n int) *vitals.Monitor {
	m := vitals.New(nil)
	b.Cleanup(func() { m.Close() })
	for i := range n {
		m.Add(fmt.Sprintf("check-%03d", i), vitals.CheckFunc(func(context.Context) error { return nil }), vitals.Interval(time.Hour))
	}
	if _, err := m.RunOnce(context.Background()); err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkProbe is one /readyz request served from the cached body: the
// cost every kubelet probe pays.
func BenchmarkProbe(b *testing.B) {
	for _, n := range []int{10, 100} {
		for _, target := range []string{"/readyz", "/health", "/readyz?verbose"} {
			b.Run(fmt.Sprintf("checks=%d/%s", n, target), func(b *testing.B) {
				h := vitalshttp.New(benchMonitor(b, n), nil)
				r := httptest.NewRequest("GET", target, nil)
				w := &discard{h: http.Header{}}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					clear(w.h)
					h.ServeHTTP(w, r)
				}
				if w.code != 200 {
					b.Fatalf("code %d", w.code)
				}
			})
		}
	}
}

// BenchmarkProbeParallel is the same request from all cores at once.
func BenchmarkProbeParallel(b *testing.B) {
	h := vitalshttp.New(benchMonitor(b, 10), nil)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		r := httptest.NewRequest("GET", "/readyz", nil)
		w := &discard{h: http.Header{}}
		for pb.Next() {
			clear(w.h)
			h.ServeHTTP(w, r)
		}
	})
}

// TestCachedProbeAllocs pins the allocation count of a cached probe (not a
// timing): a regression here means the fast path started encoding or
// copying per request.
func TestCachedProbeAllocs(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	for i := range 10 {
		m.Add(fmt.Sprintf("c%d", i), vitals.CheckFunc(func(context.Context) error { return nil }), vitals.Interval(time.Hour))
	}
	m.RunOnce(context.Background())
	h := vitalshttp.New(m, nil)
	r := httptest.NewRequest("GET", "/readyz", nil)
	w := &discard{h: http.Header{}}
	h.ServeHTTP(w, r) // build the cache
	allocs := testing.AllocsPerRun(1000, func() {
		clear(w.h)
		h.ServeHTTP(w, r)
	})
	if allocs > 2 {
		t.Errorf("cached probe allocates %.1f times, want <= 2", allocs)
	}
}
