package tests

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalsgrpc"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalsotel"
	"github.com/vitalsgo/vitals/vitalsprom"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// flipper is a check whose next status the test sets, counting its runs.
type flipper struct {
	st   atomic.Uint32
	runs atomic.Int64
}

func (f *flipper) set(s vitals.Status) { f.st.Store(uint32(s)) }

func (f *flipper) Check(context.Context) vitals.Result {
	f.runs.Add(1)
	s := vitals.Status(f.st.Load())
	if s == vitals.StatusFail {
		return vitals.Failf("dial tcp 10.0.0.7:5432: connection refused")
	}
	return vitals.Result{Status: s}
}

// transitions records the monitor's own transitions of one check, the
// reference every surface is compared with. next blocks until the i-th
// transition has been delivered.
type transitions struct {
	mu     sync.Mutex // protects events
	events []vitals.Event
	cond   *sync.Cond
}

func subscribe(t *testing.T, m *vitals.Monitor, check string) *transitions {
	tr := &transitions{}
	tr.cond = sync.NewCond(&tr.mu)
	unsubscribe := m.Subscribe(func(e vitals.Event) {
		if e.Check != check {
			return
		}
		tr.mu.Lock()
		tr.events = append(tr.events, e)
		tr.mu.Unlock()
		tr.cond.Broadcast()
	})
	t.Cleanup(unsubscribe)
	return tr
}

// wait blocks until n transitions have been delivered and returns them.
func (tr *transitions) wait(n int) []vitals.Event {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for len(tr.events) < n {
		tr.cond.Wait()
	}
	return append([]vitals.Event(nil), tr.events...)
}

// logLines is the slog surface: vitals.LogTransitions writing JSON to a
// pipe, whose records come out of lines in order.
type logLines struct {
	lines chan map[string]any
	w     *io.PipeWriter
	done  chan struct{}

	once        sync.Once
	unsubscribe func()
	m           *vitals.Monitor
}

// finish closes the monitor, which delivers every queued event first, and
// the pipe, and returns the records not read yet.
func (l *logLines) finish() []map[string]any {
	l.once.Do(func() {
		l.unsubscribe()
		l.m.Close()
		l.w.Close()
		<-l.done
	})
	var rest []map[string]any
	for rec := range l.lines {
		rest = append(rest, rec)
	}
	return rest
}

func logTransitions(t *testing.T, m *vitals.Monitor) *logLines {
	r, w := io.Pipe()
	l := &logLines{lines: make(chan map[string]any, 4096), w: w, done: make(chan struct{}), m: m}
	go func() {
		defer close(l.done)
		defer close(l.lines)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			var rec map[string]any
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				t.Errorf("log line %q: %v", sc.Text(), err)
				continue
			}
			l.lines <- rec
		}
	}()
	l.unsubscribe = m.Subscribe(vitals.LogTransitions(slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	t.Cleanup(func() { l.finish() })
	return l
}

// grpcWatch is the gRPC surface: a real server on 127.0.0.1 and a real
// client's Watch stream for one service.
func grpcWatch(t *testing.T, m *vitals.Monitor, service string) healthpb.Health_WatchClient {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer()
	vitalsgrpc.Register(gs, m)
	served := make(chan struct{})
	go func() {
		defer close(served)
		gs.Serve(lis)
	}()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stream, err := healthpb.NewHealthClient(conn).Watch(ctx, &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		conn.Close()
		gs.Stop()
		<-served
	})
	return stream
}

// reading is a read of a metrics surface: the status whose state-set
// series is 1 for a check. Its error is returned rather than reported,
// so that it may run on any goroutine.
type reading func(check string) (string, error)

// must reads from r on the test's goroutine, failing the test on an error.
func must(t *testing.T, r reading, check string) string {
	t.Helper()
	s, err := r(check)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// current returns the one status of set at 1.
func current(metric, check string, set []string) (string, error) {
	if len(set) != 1 {
		return "", fmt.Errorf("%s of check %q has %d statuses at 1: %v", metric, check, len(set), set)
	}
	return set[0], nil
}

// promScrape is the Prometheus surface: vitalsprom served by promhttp on a
// real HTTP server, read by scraping it.
func promScrape(t *testing.T, m *vitals.Monitor) reading {
	c := vitalsprom.New(m, nil)
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	client := &http.Client{}
	t.Cleanup(func() {
		client.CloseIdleConnections()
		srv.Close()
		c.Close()
	})
	return func(check string) (string, error) {
		resp, err := client.Get(srv.URL)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		p := expfmt.NewTextParser(model.LegacyValidation)
		mfs, err := p.TextToMetricFamilies(resp.Body)
		if err != nil {
			return "", err
		}
		var cur []string
		for _, mt := range mfs["vitals_check_status"].GetMetric() {
			labels := map[string]string{}
			for _, lp := range mt.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			if labels["check"] == check && mt.GetGauge().GetValue() == 1 {
				cur = append(cur, labels["status"])
			}
		}
		return current("vitals_check_status", check, cur)
	}
}

// httpProbe is the probe surface: vitalshttp on a real HTTP server, read
// by GET /readyz/{check} as a Kubernetes probe would. The status word comes
// from the JSON body; the code must agree with it.
func httpProbe(t *testing.T, m *vitals.Monitor) reading {
	mux := http.NewServeMux()
	vitalshttp.New(m, nil).Install(mux)
	srv := httptest.NewServer(mux)
	client := &http.Client{}
	t.Cleanup(func() {
		client.CloseIdleConnections()
		srv.Close()
	})
	return func(check string) (string, error) {
		resp, err := client.Get(srv.URL + "/readyz/" + check)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		var body struct{ Status vitals.Status }
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			return "", fmt.Errorf("GET /readyz/%s: %w", check, err)
		}
		if ok := resp.StatusCode == http.StatusOK; ok != body.Status.OK() {
			return "", fmt.Errorf("GET /readyz/%s: %s with status %s", check, resp.Status, body.Status)
		}
		return body.Status.String(), nil
	}
}

// otelCollect is the OpenTelemetry surface: vitalsotel on an SDK meter
// provider, read by a collection of its manual reader.
func otelCollect(t *testing.T, m *vitals.Monitor) reading {
	rd := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(rd))
	x, err := vitalsotel.New(m, &vitalsotel.Options{MeterProvider: mp})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		x.Close()
		mp.Shutdown(context.Background())
	})
	return func(check string) (string, error) {
		var rm metricdata.ResourceMetrics
		if err := rd.Collect(context.Background(), &rm); err != nil {
			return "", err
		}
		var cur []string
		for _, sm := range rm.ScopeMetrics {
			for _, mt := range sm.Metrics {
				if mt.Name != "vitals.check.status" {
					continue
				}
				for _, p := range mt.Data.(metricdata.Gauge[int64]).DataPoints {
					c, _ := p.Attributes.Value(vitalsotel.CheckKey)
					s, _ := p.Attributes.Value(vitalsotel.StatusKey)
					if c.AsString() == check && p.Value == 1 {
						cur = append(cur, s.AsString())
					}
				}
			}
		}
		return current("vitals.check.status", check, cur)
	}
}
