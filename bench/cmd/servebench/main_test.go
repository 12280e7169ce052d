package main

import (
	"bufio"
	"context"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/vitalsgo/vitals/monitor/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParseMetrics(t *testing.T) {
	f, err := os.Open("testdata/metrics.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := parseMetrics(f, "vitals_monitor_store_written_total", "vitals_monitor_store_dropped_total", "vitals_monitor_store_queued")
	if err != nil {
		t.Fatal(err)
	}
	// Not the series with a longer name or with labels; a timestamp after
	// the value is not part of it.
	if want := []float64{1234500, 0, 93}; !equal(got, want) {
		t.Errorf("parseMetrics = %v, want %v", got, want)
	}
	if _, err := parseMetrics(strings.NewReader("vitals_monitor_store_queued 1\n"), "vitals_monitor_store_queued", "absent_total"); err == nil || !strings.Contains(err.Error(), "absent_total") {
		t.Errorf("a missing series: error %v, want one naming it", err)
	}
	if _, err := parseMetrics(strings.NewReader("x NaNa\n"), "x"); err == nil {
		t.Error("a value that is not a number: no error")
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseSizes(t *testing.T) {
	got, err := parseSizes("1000, 10000")
	if err != nil || len(got) != 2 || got[0] != 1000 || got[1] != 10000 {
		t.Errorf("parseSizes = %v, %v", got, err)
	}
	for _, in := range []string{"", "0", "-1", "1k", "10,"} {
		if _, err := parseSizes(in); err == nil {
			t.Errorf("parseSizes(%q): no error", in)
		}
	}
}

func TestProject(t *testing.T) {
	rb := rowBytes{Result: 100, Rollup: 50, Interval: 40}
	keep := store.Retention{Raw: 14 * day, Minute: 14 * day, Hour: 400 * day}
	p := project(1000, 10*time.Second, rb, keep)
	// 1,000 targets: 8,640,000 results and 1,465,000 rollups a day.
	if want := 8_640_000*100.0 + 1_465_000*50.0; !near(p.PerDay, want) {
		t.Errorf("PerDay = %v, want %v", p.PerDay, want)
	}
	// 14 days of results and minute rollups, 400 of hour and day rollups,
	// one open interval per target.
	want := 14*8_640_000*100.0 + (14*1_440_000+400*24_000+400*1000)*50.0 + 1000*40.0
	if !near(p.Steady, want) || p.SteadyDays != 400 || !near(p.SteadyPerYear, 365*1000*50) {
		t.Errorf("steady %v after %v days, %v a year; want %v after 400, %v", p.Steady, p.SteadyDays, p.SteadyPerYear, want, 365*1000*50)
	}
	if p := project(1000, 10*time.Second, rb, store.Retention{Minute: day, Hour: day}); p.Steady != -1 {
		t.Errorf("raw results kept forever: steady %v, want -1 (unbounded)", p.Steady)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }

// TestGetFor asks a server back to back and sums up the answers: the body
// read whole and sized, a status other than 200 an error, the percentiles
// those of the answers.
func TestGetFor(t *testing.T) {
	body := strings.Repeat("x", 100_000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(body))
	}))
	defer srv.Close()
	c := srv.Client()
	defer c.CloseIdleConnections()

	e := getFor(t.Context(), c, srv.URL, "/", 100*time.Millisecond)
	if e.Path != "/" || e.Requests == 0 || e.Errors != 0 || e.Bytes != int64(len(body)) {
		t.Errorf("getFor / = %+v: want answers of %d bytes and no error", e, len(body))
	}
	if e.P50MS <= 0 || e.P50MS > e.P99MS || e.P99MS > e.MaxMS || e.SecondsS < 0.1 {
		t.Errorf("getFor / = %+v: want 0 < p50 ≤ p99 ≤ max over at least 0.1 s", e)
	}
	e = getFor(t.Context(), c, srv.URL, "/missing", 20*time.Millisecond)
	if e.Requests != 0 || e.Errors == 0 || e.Bytes != 0 || e.MaxMS != 0 {
		t.Errorf("getFor /missing = %+v: want only errors", e)
	}
}

// TestFloorProbe: the floor's probe reads a 200 to its end and resets its
// connection; another status, a closed port or a server that never
// answers is an error, the last at the probe's deadline.
func TestFloorProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/t/0" || r.Header.Get("Connection") != "close" {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		w.Write([]byte(strings.Repeat("x", 10_000)))
	}))
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	d := &net.Dialer{KeepAlive: -1}
	readers := sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 1<<10) }}
	req := func(path string) []byte {
		return []byte("GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nConnection: close\r\n\r\n")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := floorProbe(ctx, d, addr, req("/t/0"), &readers); err != nil {
		t.Errorf("a 200: %v", err)
	}
	if err := floorProbe(ctx, d, addr, req("/other"), &readers); err == nil {
		t.Error("a 400: no error")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close() // accepted into the backlog, never answered
	short, cancelShort := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancelShort()
	if err := floorProbe(short, d, ln.Addr().String(), req("/t/0"), &readers); err == nil {
		t.Error("a server that never answers: no error")
	}
}
