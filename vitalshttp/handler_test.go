package vitalshttp_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
)

func TestMethodsAndErrors(t *testing.T) {
	_, vh := fixture(t, false)
	h := everything(vh)
	tests := []struct {
		method, target string
		code           int
		contains       string
	}{
		{"POST", "/readyz", 405, "not allowed"},
		{"DELETE", "/health", 405, "not allowed"},
		{"GET", "/readyz/nope", 404, `no check named \"nope\"`},
		{"GET", "/readyz/goroutines", 404, `in group \"readiness\"`},
		{"GET", "/status/nope", 404, "no check named"},
		{"GET", "/elsewhere", 404, "no health endpoint"},
		{"GET", "/readyz?format=xml", 400, "unknown format"},
	}
	for _, tt := range tests {
		w := do(h, tt.method, tt.target)
		if w.Code != tt.code || !strings.Contains(w.Body.String(), tt.contains) {
			t.Errorf("%s %s = %d %q, want %d containing %q", tt.method, tt.target, w.Code, w.Body, tt.code, tt.contains)
		}
		var e struct {
			Error  string `json:"error"`
			Status int    `json:"status"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Status != tt.code {
			t.Errorf("%s %s: error body is not JSON with the status: %q", tt.method, tt.target, w.Body)
		}
		if tt.code == 405 && w.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("405 without Allow header")
		}
	}
}

func TestHeadETagAndNotModified(t *testing.T) {
	m, h := fixture(t, false)
	w := do(h, "GET", "/readyz")
	etag := w.Header().Get("Etag")
	if etag == "" || w.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("headers = %v", w.Header())
	}
	if w := do(h, "HEAD", "/readyz"); w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Etag") != etag {
		t.Errorf("HEAD = %d, body %d bytes, etag %q", w.Code, w.Body.Len(), w.Header().Get("Etag"))
	}
	if w := do(h, "GET", "/readyz", "If-None-Match", etag); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("If-None-Match = %d", w.Code)
	}
	if w := do(h, "GET", "/readyz", "Accept", "application/health+json", "If-None-Match", etag); w.Code != 200 {
		t.Errorf("another representation must not match the etag: %d", w.Code)
	}
	m.Disable("cache")
	if w := do(h, "GET", "/readyz", "If-None-Match", etag); w.Code != 200 || w.Header().Get("Etag") == etag {
		t.Errorf("after a change: %d, etag %q", w.Code, w.Header().Get("Etag"))
	}
}

func TestAuthorizer(t *testing.T) {
	m, _ := fixture(t, true)
	h := vitalshttp.New(m, &vitalshttp.Options{Authorize: func(r *http.Request) bool { return r.Header.Get("X-Internal") == "yes" }})
	if body := do(h, "GET", "/readyz?verbose").Body.String(); !strings.Contains(body, "reason withheld") {
		t.Errorf("anonymous caller saw details:\n%s", body)
	}
	if body := do(h, "GET", "/readyz?verbose", "X-Internal", "yes").Body.String(); !strings.Contains(body, "connection refused") {
		t.Errorf("authorised caller got no details:\n%s", body)
	}
	if body := do(h, "GET", "/readyz?verbose", "Authorization", "Bearer wrong").Body.String(); !strings.Contains(body, "reason withheld") {
		t.Errorf("a wrong token saw details")
	}
}

func TestInstallOnMux(t *testing.T) {
	m, _ := fixture(t, false)
	mux := http.NewServeMux()
	h := vitalshttp.New(m, &vitalshttp.Options{Token: token})
	h.Install(mux)
	compat.Regiocom(h).Install(mux)
	compat.Axway(h).Install(mux)
	mux.Handle("/debug/pprof/", h.Pprof())
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "app") })
	for target, want := range map[string]int{"/livez": 200, "/readyz/db": 200, "/.well-known/ready": 200, "/status/db": 200, "/debug/pprof/cmdline": 403, "/orders": 200} {
		if w := do(mux, "GET", target); w.Code != want {
			t.Errorf("GET %s = %d, want %d", target, w.Code, want)
		}
	}
	if w := do(mux, "GET", "/debug/pprof/", "Authorization", "bearer "+token); w.Code != 200 {
		t.Errorf("pprof with the token (lower-case scheme) = %d", w.Code)
	}
}

func TestBackendHandler(t *testing.T) {
	m, _ := fixture(t, true)
	h := vitalshttp.New(m, &vitalshttp.Options{Token: token})
	w := do(compat.Backend(h, "db", "postgres"), "GET", "/health/postgres", "Authorization", "Bearer "+token)
	var b struct {
		Status, Backend, Error string
		Timestamp              time.Time
	}
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatal(err)
	}
	if w.Code != 503 || b.Status != "unhealthy" || b.Backend != "postgres" || !strings.Contains(b.Error, "connection refused") || strings.Contains(b.Error, "hunter2") || !b.Timestamp.Equal(epoch) {
		t.Errorf("backend = %d %+v", w.Code, b)
	}
	if w := do(compat.Backend(h, "cache", "redis"), "GET", "/"); w.Code != 200 || !strings.Contains(w.Body.String(), `"status":"healthy"`) {
		t.Errorf("healthy backend = %d %s", w.Code, w.Body)
	}
	if w := do(compat.Backend(h, "nope", "x"), "GET", "/"); w.Code != 404 {
		t.Errorf("unknown backend check = %d", w.Code)
	}
}

// A probe must stay a snapshot read while a check hangs forever: no probe
// blocks, and the goroutine count stays put over 10,000 probes.
func TestProbesWhileCheckHangs(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	release := make(chan struct{})
	defer close(release)
	m.Add("hung", vitals.CheckFunc(func(ctx context.Context) error { <-release; return nil }),
		vitals.Interval(time.Millisecond), vitals.Timeout(20*time.Millisecond))
	m.Add("ok", vitals.CheckFunc(func(context.Context) error { return nil }), vitals.Interval(time.Millisecond))
	m.Start()
	h := vitalshttp.New(m, nil)
	monitortest.Eventually(t, "readiness failing on the hung check", func() bool {
		return do(h, "GET", "/readyz").Code == 503 && strings.Contains(do(h, "GET", "/readyz/hung?format=text").Body.String(), "failed")
	})
	before := runtime.NumGoroutine()
	maxSeen := before
	for i := range 10_000 {
		if w := do(h, "GET", "/readyz"); w.Code != 503 {
			t.Fatalf("probe %d = %d", i, w.Code)
		}
		if i%500 == 0 {
			maxSeen = max(maxSeen, runtime.NumGoroutine())
		}
	}
	if maxSeen > before+4 {
		t.Errorf("goroutines grew from %d to %d over 10k probes", before, maxSeen)
	}
	if st, _ := m.State("hung"); st.Stats.Timeouts != 1 || !st.Hung {
		t.Errorf("hung check was restarted: %+v", st.Stats)
	}
}

func TestServeAndAlreadyRunning(t *testing.T) {
	m, h := fixture(t, false)
	_ = m
	addr, stop, err := vitalshttp.Serve("127.0.0.1:0", h)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr + "/livez")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := compat.AlreadyRunning(context.Background(), addr); !errors.Is(err, compat.ErrAlreadyRunning) {
		t.Errorf("AlreadyRunning with a server = %v", err)
	}
	if err := stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := compat.AlreadyRunning(context.Background(), addr); err != nil {
		t.Errorf("AlreadyRunning with nothing listening = %v", err)
	}
	if _, _, err := vitalshttp.Serve("127.0.0.1:-1", h); err == nil {
		t.Error("bad address accepted")
	}
}

// TestRunShutdownOrder sends the process a real SIGTERM, then a real
// SIGINT, and checks the order: readiness 503 at once while liveness stays
// 200 and the server keeps answering through the drain delay, then the
// server stops.
func TestRunShutdownOrder(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) { testRunShutdownOrder(t, sig) })
	}
}

func testRunShutdownOrder(t *testing.T, sig syscall.Signal) {
	m := vitals.New(&vitals.Options{DrainDelay: 300 * time.Millisecond})
	m.Add("ok", vitals.CheckFunc(func(context.Context) error { return nil }), vitals.Interval(10*time.Millisecond))
	m.Add("live", vitals.CheckFunc(func(context.Context) error { return nil }), vitals.Groups(vitals.Liveness), vitals.Interval(10*time.Millisecond))
	m.Start()
	if err := m.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	srv := vitalshttp.NewServer("", vitalshttp.New(m, nil))
	if srv.ReadHeaderTimeout == 0 {
		t.Error("server has no ReadHeaderTimeout")
	}
	done := make(chan error, 1)
	go func() { done <- vitalshttp.Run(context.Background(), srv, m, &vitalshttp.RunOptions{Listener: ln}) }()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	get := func(path string) int {
		resp, err := client.Get(base + path)
		if err != nil {
			return -1
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	monitortest.Eventually(t, "the server answering /readyz with 200", func() bool { return get("/readyz") == 200 })
	var mu sync.Mutex
	var order []string
	note := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		if len(order) == 0 || order[len(order)-1] != s {
			order = append(order, s)
		}
	}
	syscall.Kill(syscall.Getpid(), sig)
	// Sample readiness and liveness until Run returns; the deadline only
	// stops a hung test.
	for deadline := time.Now().Add(10 * time.Second); ; {
		if time.Now().After(deadline) {
			t.Fatalf("Run did not return after %v; states seen: %q", sig, order)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Run = %v", err)
			}
			note("server stopped")
			if get("/livez") != -1 {
				t.Error("server still answering after Run returned")
			}
			want := []string{"ready 200", "ready 503, live 200", "server stopped"}
			mu.Lock()
			defer mu.Unlock()
			if strings.Join(order, " | ") != strings.Join(want, " | ") && strings.Join(order, " | ") != strings.Join(want[1:], " | ") {
				t.Errorf("shutdown order = %q, want %q", order, want)
			}
			return
		default:
		}
		r, l := get("/readyz"), get("/livez")
		switch {
		case r == 200:
			note("ready 200")
		case r == 503 && l == 200:
			note("ready 503, live 200")
		case r == -1 || l == -1:
			// the listener closed between the two requests
		default:
			note("unexpected: ready " + http.StatusText(r) + ", live " + http.StatusText(l))
		}
		time.Sleep(5 * time.Millisecond) // the sampling interval
	}
}
