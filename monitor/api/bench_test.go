package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/api"
	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/store"
)

// benchTargets is how many targets BenchmarkTargets serves: the
// servebench page phase's monitor.
const benchTargets = 10_000

// uptimeStore answers Uptimes with a made-up history for every target, so
// a benchmark's board holds uptimes as a monitor's does, without a
// database. Its other methods are not called.
type uptimeStore struct{ store.Store }

func (uptimeStore) Uptimes(_ context.Context, windows []time.Duration, _ time.Time) (map[string][]store.Uptime, error) {
	out := make(map[string][]store.Uptime, benchTargets)
	for i := range benchTargets {
		ups := make([]store.Uptime, len(windows))
		for j, w := range windows {
			down := time.Duration(i%97+1) * time.Second
			ups[j] = store.Uptime{Window: w, Up: w/2 - down, Degraded: time.Duration(i%5) * time.Second, Down: down, NoData: w / 2}
		}
		out[benchName(i)] = ups
	}
	return out, nil
}

func benchName(i int) string { return fmt.Sprintf("target-%05d", i) }

// benchRecord gives target i a result at the given time.
func benchRecord(b *board.Board, i int, at time.Time) {
	r := vitals.Result{Time: at, Status: vitals.StatusPass, Message: "200 OK",
		Duration: time.Duration(20+i%50) * time.Millisecond, Details: map[string]any{"status_code": 200}}
	if i%10 == 0 {
		r.Status, r.Message, r.Details = vitals.StatusFail, "dial tcp: connection refused", nil
	}
	info := &vitals.CheckInfo{Name: benchName(i), Interval: time.Minute, Timeout: 5 * time.Second}
	b.Record(&vitals.CheckState{CheckInfo: info, Enabled: true, Status: r.Status, Since: at.Add(-time.Hour), Last: r})
}

// discard is a ResponseWriter that counts the body and keeps none of it,
// so that the benchmark measures the handler, not a recorder's buffer.
type discard struct {
	hdr  http.Header
	code int
	n    int64
}

func (d *discard) Header() http.Header         { return d.hdr }
func (d *discard) WriteHeader(code int)        { d.code = code }
func (d *discard) Write(p []byte) (int, error) { d.n += int64(len(p)); return len(p), nil }

// benchBoard returns a board of benchTargets targets, each with a result
// and uptimes.
func benchBoard(b *testing.B) *board.Board {
	brd := board.New(uptimeStore{})
	targets := make([]board.Target, benchTargets)
	for i := range targets {
		targets[i] = board.Target{Name: benchName(i), Type: "http", Group: "Group " + strconv.Itoa(i%20),
			Description: "Service " + strconv.Itoa(i), Interval: time.Minute, Timeout: 5 * time.Second}
	}
	brd.SetTargets(targets)
	for i := range benchTargets {
		benchRecord(brd, i, now)
	}
	if err := brd.RefreshUptime(context.Background(), now); err != nil {
		b.Fatal(err)
	}
	return brd
}

// BenchmarkTargets times GET /api/v1/targets over 10,000 targets: with
// nothing changed since the last request, and with 1% of the targets
// given a new result before each; then over a loopback connection, with
// the client's reading included.
func BenchmarkTargets(b *testing.B) {
	brd := benchBoard(b)
	mux := http.NewServeMux()
	api.New(brd, defaultPolicy(), &api.Options{Now: func() time.Time { return now }}).Register(mux)

	for _, bc := range []struct {
		name    string
		auth    bool
		changed int // targets given a new result before each request
	}{
		{"unchanged", false, 0},
		{"unchanged-details", true, 0},
		{"changed-1pct", false, benchTargets / 100},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, "/api/v1/targets", nil)
			if bc.auth {
				r.Header.Set("Authorization", bearer)
			}
			w := &discard{hdr: http.Header{}}
			mux.ServeHTTP(w, r) // warm whatever the handler keeps
			next, at := 0, now
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if bc.changed > 0 {
					b.StopTimer()
					at = at.Add(time.Second)
					for range bc.changed {
						benchRecord(brd, next, at)
						next = (next + 7919) % benchTargets
					}
					b.StartTimer()
				}
				w.hdr, w.n = http.Header{}, 0
				mux.ServeHTTP(w, r)
				if w.code != http.StatusOK {
					b.Fatalf("status %d", w.code)
				}
			}
			b.ReportMetric(float64(w.n), "body-bytes/op")
		})
	}
	b.Run("http", func(b *testing.B) {
		srv := httptest.NewServer(mux)
		defer srv.Close()
		client := srv.Client()
		var n int64
		b.ReportAllocs()
		for b.Loop() {
			resp, err := client.Get(srv.URL + "/api/v1/targets")
			if err != nil {
				b.Fatal(err)
			}
			n, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d, %v", resp.StatusCode, err)
			}
		}
		b.ReportMetric(float64(n), "body-bytes/op")
	})
}
