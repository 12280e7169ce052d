package vitalshttp_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
	"github.com/vitalsgo/vitals/vitalstest"
)

// Install needs nothing of a router but Handle(pattern, handler); it
// registers the Kubernetes paths and nothing else, and every pattern it
// registers answers a health request, as does every pattern of each
// compatible system.
func TestInstallOnAnyMux(t *testing.T) {
	m, _ := fixture(t, false)
	h := vitalshttp.New(m, &vitalshttp.Options{PublicDetails: true})
	var mux recordingMux
	h.Install(&mux)
	want := []string{"/livez", "/livez/", "/readyz", "/readyz/", "/startupz", "/startupz/", "/healthz", "/healthz/"}
	if !slices.Equal(mux.patterns, want) {
		t.Errorf("Install registered %q, want %q", mux.patterns, want)
	}
	compat.Chorus(h).Install(&mux)
	compat.Regiocom(h).Install(&mux)
	compat.Axway(h).Install(&mux)
	// A per-check pattern is probed with a check of its group.
	check := map[string]string{"/livez/": "disk", "/readyz/": "disk", "/startupz/": "migrations", "/healthz/": "disk", "/status/": "db"}
	for _, p := range mux.patterns {
		if w := do(mux.handlers[p], "GET", p+check[p]); w.Code != 200 {
			t.Errorf("GET %s via pattern %s = %d %s", p+check[p], p, w.Code, w.Body)
		}
	}
}

// CHORUS /health/live answers 503 only while stopping, even when a
// liveness check fails (that is /livez's and /alive's business); /livez
// stays up through shutdown.
func TestLiveEndpointsAcrossStates(t *testing.T) {
	clk := vitalstest.NewClock(epoch)
	m := vitals.New(&vitals.Options{Clock: clk})
	t.Cleanup(func() { m.Close() })
	var mu sync.Mutex
	procErr := error(nil)
	m.Add("proc", vitals.CheckFunc(func(context.Context) error { mu.Lock(); defer mu.Unlock(); return procErr }), vitals.Groups(vitals.Liveness))
	h := everything(vitalshttp.New(m, nil))
	codes := func() [4]int {
		return [4]int{do(h, "GET", "/livez").Code, do(h, "GET", "/alive").Code, do(h, "GET", "/health/live").Code, do(h, "GET", "/readyz").Code}
	}
	steps := []struct {
		name string
		act  func()
		want [4]int // /livez /alive /health/live /readyz
	}{
		// regiocom: a service in its startup phase is not alive yet.
		{"not run yet", func() {}, [4]int{200, 503, 200, 503}},
		{"passing", func() { m.RunOnce(context.Background()) }, [4]int{200, 200, 200, 200}},
		{"liveness failing", func() {
			mu.Lock()
			procErr = errors.New("deadlocked")
			mu.Unlock()
			m.RunOnce(context.Background())
		}, [4]int{503, 503, 200, 200}},
		{"recovered", func() {
			mu.Lock()
			procErr = nil
			mu.Unlock()
			m.RunOnce(context.Background())
		}, [4]int{200, 200, 200, 200}},
		{"stopping", func() { m.Drain(context.Background()) }, [4]int{200, 200, 503, 503}},
	}
	for _, st := range steps {
		st.act()
		if got := codes(); got != st.want {
			t.Errorf("%s: /livez /alive /health/live /readyz = %v, want %v", st.name, got, st.want)
		}
	}
}

// Bodies are cached per snapshot under (endpoint, format, details,
// verbose): on one snapshot, a caller with the token and one without must
// never be served each other's body, whatever the order of requests.
func TestCachedBodiesNeverCrossDetailLevels(t *testing.T) {
	m, vh := fixture(t, true)
	h := everythingWith(vh, true) // the compatible systems' messages kept private
	version := m.Snapshot().Version
	targets := []struct{ target, accept string }{
		{"/readyz", ""}, {"/readyz", "application/health+json"}, {"/readyz?verbose", ""}, {"/readyz?format=text", ""},
		{"/healthz", ""}, {"/healthz?format=ietf", ""}, {"/health", ""}, {"/health/checks", ""},
		{"/ready", ""}, {"/status", ""},
	}
	for _, tt := range targets {
		anon1 := do(h, "GET", tt.target, "Accept", tt.accept).Body.String()
		auth := do(h, "GET", tt.target, "Accept", tt.accept, "Authorization", "Bearer "+token).Body.String()
		anon2 := do(h, "GET", tt.target, "Accept", tt.accept).Body.String()
		if strings.Contains(anon1, "connection refused") || strings.Contains(anon2, "connection refused") {
			t.Errorf("%s (%s): an anonymous caller saw details", tt.target, tt.accept)
		}
		if !strings.Contains(auth, "connection refused") {
			t.Errorf("%s (%s): the authorised caller got the anonymous body:\n%s", tt.target, tt.accept, auth)
		}
		if anon1 != anon2 {
			t.Errorf("%s (%s): two anonymous answers of one snapshot differ", tt.target, tt.accept)
		}
	}
	// Formats do not share a body either.
	json, ietf, text := do(h, "GET", "/readyz").Body.String(), do(h, "GET", "/readyz?format=ietf").Body.String(), do(h, "GET", "/readyz?format=text").Body.String()
	if json == ietf || json == text || ietf == text {
		t.Errorf("formats share a cached body: %q %q %q", json, ietf, text)
	}
	if v := m.Snapshot().Version; v != version {
		t.Fatalf("the snapshot changed during the test (%d -> %d): the comparison proves nothing", version, v)
	}
}

// By default each compatible system shows every caller the messages its
// original showed — short, redacted, on one line — and keeps structured
// details for authorised callers; the cached bodies of the three views
// never cross.
func TestCompatMessagesArePublicByDefault(t *testing.T) {
	m, vh := fixture(t, true)
	h := everything(vh)
	version := m.Snapshot().Version
	for _, target := range []string{"/health", "/health/checks", "/ready", "/status", "/status/db"} {
		anon := do(h, "GET", target).Body.String()
		auth := do(h, "GET", target, "Authorization", "Bearer "+token).Body.String()
		if !strings.Contains(anon, "connection refused") || strings.Contains(anon, "hunter2") {
			t.Errorf("%s: anonymous body without the redacted message: %s", target, anon)
		}
		if anon2 := do(h, "GET", target).Body.String(); anon2 != anon {
			t.Errorf("%s: two anonymous answers of one snapshot differ", target)
		}
		if !strings.Contains(auth, "connection refused") {
			t.Errorf("%s: authorised body without the message: %s", target, auth)
		}
	}
	if v := m.Snapshot().Version; v != version {
		t.Fatalf("the snapshot changed during the test (%d -> %d): the comparison proves nothing", version, v)
	}
	// The healthy database check has structured details: CHORUS shows
	// them to authorised callers only.
	_, vh = fixture(t, false)
	h = everything(vh)
	anon, auth := do(h, "GET", "/health/checks").Body.String(), do(h, "GET", "/health/checks", "Authorization", "Bearer "+token).Body.String()
	if strings.Contains(anon, "server_version") || !strings.Contains(anon, "SELECT 1 ok") || !strings.Contains(auth, `"server_version":"15.4"`) {
		t.Errorf("structured details must be for authorised callers only:\nanon %s\nauth %s", anon, auth)
	}
}

func TestFormatNegotiation(t *testing.T) {
	_, vh := fixture(t, false)
	h := everything(vh)
	tests := []struct {
		target, accept, want string
	}{
		{"/readyz", "", "application/json"},
		{"/readyz", "*/*", "application/json"},
		{"/readyz", "application/json", "application/json"},
		{"/readyz", "application/health+json", "application/health+json"},
		{"/readyz", "application/json;q=0.5, application/health+json", "application/health+json"},
		{"/readyz", "text/plain", "text/plain; charset=utf-8"},
		{"/readyz", "text/plain, application/json", "application/json"},
		{"/readyz?format=ietf", "", "application/health+json"},
		{"/readyz?format=health%2Bjson", "", "application/health+json"},
		{"/readyz?format=text", "application/json", "text/plain; charset=utf-8"},
		{"/readyz?format=json", "application/health+json", "application/json"},
		{"/readyz?verbose", "application/health+json", "text/plain; charset=utf-8"},
		{"/livez/disk", "application/health+json", "application/health+json"},
		{"/readyz/db?format=text", "", "text/plain; charset=utf-8"},
		// The compatible shapes have one format each.
		{"/health", "application/health+json", "application/json"},
		{"/status?format=text", "", "application/json"},
	}
	for _, tt := range tests {
		w := do(h, "GET", tt.target, "Accept", tt.accept)
		if got := w.Header().Get("Content-Type"); got != tt.want || w.Code != 200 {
			t.Errorf("GET %s (Accept %q) = %d %s, want 200 %s", tt.target, tt.accept, w.Code, got, tt.want)
		}
	}
}

// A probe reads the snapshot: while a periodic check is in the middle of a
// run that will not return, every endpoint answers at once, from the last
// result, and the check is not started again.
func TestProbeNeverWaitsForARunningCheck(t *testing.T) {
	clk := vitalstest.NewClock(epoch)
	m := vitals.New(&vitals.Options{Clock: clk})
	t.Cleanup(func() { m.Close() })
	gate := make(chan struct{})
	t.Cleanup(sync.OnceFunc(func() { close(gate) })) // before Close, which waits for the run
	var mu sync.Mutex
	calls := 0
	m.Add("db", vitals.CheckFunc(func(context.Context) error {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n > 1 {
			<-gate // the second run hangs, ignoring its context
		}
		return nil
	}), vitals.Interval(time.Second), vitals.Timeout(time.Hour))
	m.Start()
	vh := vitalshttp.New(m, nil)
	h := everything(vh)
	monitortest.Eventually(t, "the first run", func() bool { return do(h, "GET", "/readyz").Code == 200 })
	clk.Advance(time.Second) // the second run starts and hangs
	monitortest.Eventually(t, "the second run", func() bool { mu.Lock(); defer mu.Unlock(); return calls == 2 })
	done := make(chan []int, 1)
	go func() {
		var codes []int
		for _, p := range []string{"/readyz", "/readyz/db", "/readyz?verbose", "/healthz?format=ietf", "/health", "/ready", "/status/db"} {
			codes = append(codes, do(h, "GET", p).Code)
		}
		codes = append(codes, do(compat.Backend(vh, "db", "postgres"), "GET", "/").Code)
		done <- codes
	}()
	select {
	case codes := <-done:
		for i, c := range codes {
			if c != 200 {
				t.Errorf("probe %d = %d, want 200 from the last result", i, c)
			}
		}
	case <-time.After(10 * time.Second): // a hang guard, not a timing assertion
		t.Fatal("a probe waited for the running check")
	}
	mu.Lock()
	defer mu.Unlock()
	if calls != 2 {
		t.Errorf("probes started the periodic check: %d calls, want 2", calls)
	}
}

func TestBackendCachingHeadersAndMethods(t *testing.T) {
	m, h := fixture(t, true)
	b := compat.Backend(h, "db", "postgres")
	w := do(b, "GET", "/health/postgres")
	etag := w.Header().Get("Etag")
	if w.Code != 503 || etag == "" || w.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("GET = %d, headers %v", w.Code, w.Header())
	}
	if w := do(b, "GET", "/health/postgres", "If-None-Match", etag); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("If-None-Match = %d with %d bytes", w.Code, w.Body.Len())
	}
	auth := do(b, "GET", "/health/postgres", "Authorization", "Bearer "+token)
	if auth.Header().Get("Cache-Control") != "private, no-cache" || auth.Header().Get("Etag") == etag {
		t.Errorf("authorised answer: Cache-Control %q, ETag %q (anonymous %q)", auth.Header().Get("Cache-Control"), auth.Header().Get("Etag"), etag)
	}
	if w := do(b, "HEAD", "/health/postgres"); w.Code != 503 || w.Body.Len() != 0 {
		t.Errorf("HEAD = %d with %d bytes", w.Code, w.Body.Len())
	}
	if w := do(b, "PUT", "/health/postgres"); w.Code != 405 || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("PUT = %d, Allow %q", w.Code, w.Header().Get("Allow"))
	}
	m.Disable("cache")
	if w := do(b, "GET", "/health/postgres", "If-None-Match", etag); w.Code != 503 {
		t.Errorf("after a change, If-None-Match = %d, want a fresh 503", w.Code)
	}
}

// Every answer of the main handler, compatible shapes and per-check paths
// included, has an ETag, honours If-None-Match, answers HEAD without a
// body and refuses other methods.
func TestEveryEndpointCachingHeadersAndMethods(t *testing.T) {
	_, vh := fixture(t, true)
	h := everything(vh)
	for _, target := range []string{"/livez", "/readyz?verbose", "/readyz/db", "/startupz", "/healthz?format=ietf",
		"/health", "/health/ready", "/health/live", "/health/checks", "/alive", "/ready", "/status", "/status/db"} {
		w := do(h, "GET", target)
		etag := w.Header().Get("Etag")
		if etag == "" || w.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: ETag %q, Cache-Control %q", target, etag, w.Header().Get("Cache-Control"))
			continue
		}
		if w2 := do(h, "GET", target, "If-None-Match", `"other", `+etag); w2.Code != http.StatusNotModified {
			t.Errorf("GET %s with a matching If-None-Match = %d", target, w2.Code)
		}
		if w2 := do(h, "HEAD", target); w2.Code != w.Code || w2.Body.Len() != 0 {
			t.Errorf("HEAD %s = %d with %d bytes, GET = %d", target, w2.Code, w2.Body.Len(), w.Code)
		}
		for _, method := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
			if w2 := do(h, method, target); w2.Code != 405 {
				t.Errorf("%s %s = %d, want 405", method, target, w2.Code)
			}
		}
	}
}
