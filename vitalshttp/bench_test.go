package vitalshttp_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
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
// cost every kubelet probe pays. /health is CHORUS's, served by package
// compat from the same snapshot.
func BenchmarkProbe(b *testing.B) {
	for _, n := range []int{10, 100} {
		for _, target := range []string{"/readyz", "/health", "/readyz?verbose"} {
			b.Run(fmt.Sprintf("checks=%d/%s", n, target), func(b *testing.B) {
				var h http.Handler = vitalshttp.New(benchMonitor(b, n), nil)
				if target == "/health" {
					h = compat.Chorus(h.(*vitalshttp.Handler))
				}
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

// BenchmarkServe is one /readyz request through a real net/http server on
// loopback, keep-alive, from a client in the same process: what a probe
// costs end to end, against a bare handler writing the same bytes on the
// same kind of ServeMux. Compare the sub-benchmarks of one run (benchstat
// -col /server); "bare+headers" sends vitals' response headers too, which
// separates what net/http charges per header from the handler's own cost.
func BenchmarkServe(b *testing.B) {
	m := benchMonitor(b, 10)
	h := vitalshttp.New(m, &vitalshttp.Options{PublicDetails: true})
	vmux := http.NewServeMux()
	h.Install(vmux)
	body := serveOnce(b, vmux)
	bare := func(headers bool) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
			hdr := w.Header()
			hdr.Set("Content-Type", "application/json")
			if headers {
				hdr.Set("Cache-Control", "private, no-cache")
				hdr.Set("X-Content-Type-Options", "nosniff")
				hdr.Set("Vary", "Accept, Authorization")
				hdr.Set("Etag", `"0123456789abcdef.5.2.0.10"`)
			}
			w.Write(body)
		})
		return mux
	}
	for _, s := range []struct {
		name string
		h    http.Handler
	}{{"bare", bare(false)}, {"bare+headers", bare(true)}, {"vitals", vmux}} {
		b.Run("server="+s.name, func(b *testing.B) {
			srv := httptest.NewServer(s.h)
			defer srv.Close()
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			br := bufio.NewReader(conn)
			req := []byte("GET /readyz HTTP/1.1\r\nHost: bench\r\n\r\n")
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := conn.Write(req); err != nil {
					b.Fatal(err)
				}
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != 200 {
					b.Fatalf("status %d, %v", resp.StatusCode, err)
				}
				resp.Body.Close()
			}
		})
	}
}

// serveOnce returns h's answer to GET /readyz.
func serveOnce(b *testing.B, h http.Handler) []byte {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != 200 {
		b.Fatalf("GET /readyz: %d", rec.Code)
	}
	return rec.Body.Bytes()
}
