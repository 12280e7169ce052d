package compat_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
)

// get sends one request to h and prints the code and body.
func get(h http.Handler, target string) {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
	fmt.Printf("%s %d %s\n%s\n", target, w.Code, w.Header().Get("Content-Type"), w.Body)
}

// The endpoint shapes of the libraries vitals replaces answer from the
// same snapshot, so their consumers keep working.
func Example() {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("cache", vitals.CheckFunc(func(context.Context) error {
		return vitals.Warn(errors.New("hit rate 41%"))
	}), vitals.Critical(false))
	m.RunOnce(context.Background())
	mux := http.NewServeMux()
	h := vitalshttp.New(m, nil)
	h.Install(mux)                  // /livez /readyz /startupz /healthz
	compat.Chorus(h).Install(mux)   // /health /health/ready /health/live /health/checks
	compat.Regiocom(h).Install(mux) // /alive /ready
	compat.Axway(h).Install(mux)    // /status /status/{check}

	get(mux, "/health/ready") // CHORUS
	get(mux, "/ready")        // regiocom healthchecker
	get(mux, "/status/cache") // Axway agent-sdk
	// Output:
	// /health/ready 200 application/json
	// {"ready":true,"status":"degraded","message":"Some health checks degraded"}
	//
	// /ready 200 application/json
	// {"ready":true}
	//
	// /status/cache 200 application/json
	// {"result":"OK"}
}

// A KiviGo-style handler answers for one backend.
func ExampleBackend() {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("redis", vitals.CheckFunc(func(context.Context) error { return errors.New("connection refused") }))
	m.RunOnce(context.Background())
	h := vitalshttp.New(m, nil)

	w := httptest.NewRecorder()
	compat.Backend(h, "redis", "redis").ServeHTTP(w, httptest.NewRequest("GET", "/health/redis", nil))
	var b struct{ Status, Backend, Error string } // and a timestamp
	json.Unmarshal(w.Body.Bytes(), &b)
	fmt.Println(w.Code, b.Status, b.Backend, b.Error)
	// Output: 503 unhealthy redis unhealthy
}
