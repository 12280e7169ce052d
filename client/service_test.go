package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
)

// service is a real vitals.Monitor served by real vitalshttp handlers on an
// httptest server. Its checks return whatever the test sets.
type service struct {
	t   testing.TB
	m   *vitals.Monitor
	srv *httptest.Server
	db  atomic.Pointer[vitals.Result]
	// cache is non-critical: its failure degrades readiness to warn.
	cache atomic.Pointer[vitals.Result]
}

const serviceToken = "probe-token"

func newService(t testing.TB) *service {
	t.Helper()
	s := &service{t: t, m: vitals.New(&vitals.Options{Info: vitals.Info{Service: "orders", Version: "1.4"}})}
	s.set(vitals.StatusPass, vitals.StatusPass)
	add := func(name string, c vitals.Checker, opts ...vitals.CheckOption) {
		if err := s.m.Add(name, c, opts...); err != nil {
			t.Fatal(err)
		}
	}
	add("db", vitals.ResultFunc(func(context.Context) vitals.Result { return *s.db.Load() }), vitals.ComponentType("datastore"))
	add("cache", vitals.ResultFunc(func(context.Context) vitals.Result { return *s.cache.Load() }), vitals.Critical(false))
	add("disk", vitals.CheckFunc(func(context.Context) error { return nil }), vitals.Groups(vitals.Liveness, vitals.Readiness))
	add("migrations", vitals.CheckFunc(func(context.Context) error { return nil }), vitals.Groups(vitals.Startup))
	h := vitalshttp.New(s.m, &vitalshttp.Options{Token: serviceToken})
	mux := http.NewServeMux()
	h.Install(mux)
	compat.Chorus(h).Install(mux)
	compat.Regiocom(h).Install(mux)
	compat.Axway(h).Install(mux)
	mux.Handle("/kivigo/db", compat.Backend(h, "db", "postgres"))
	s.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		s.srv.Close()
		s.m.Close()
	})
	return s
}

// set makes db report db and cache report cache from the next run on.
func (s *service) set(db, cache vitals.Status) {
	s.db.Store(result(db, "dial postgres://app:hunter2@db:5432/orders: connection refused"))
	s.cache.Store(result(cache, "hit rate 41%"))
}

func result(st vitals.Status, msg string) *vitals.Result {
	r := vitals.Result{Status: st}
	if st != vitals.StatusPass {
		r.Err = errors.New(msg)
	}
	return &r
}

// run runs every check once and returns the snapshot served from then on.
func (s *service) run() *vitals.Snapshot {
	s.t.Helper()
	snap, err := s.m.RunOnce(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	return snap
}

// url returns the server's URL for path.
func (s *service) url(path string) string { return s.srv.URL + path }

// newClient returns a Client for path on s, closed when the test ends.
func newClient(t testing.TB, url string, opts *client.Options) *client.Client {
	t.Helper()
	c, err := client.New(url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}
