package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
)

// exampleServer serves a vitals monitor whose database check fails.
func exampleServer() (*httptest.Server, func()) {
	m := vitals.New(nil)
	m.Add("db", vitals.CheckFunc(func(context.Context) error {
		return errors.New("dial tcp 10.0.0.5:5432: connection refused")
	}))
	m.Add("cache", vitals.CheckFunc(func(context.Context) error { return nil }), vitals.Critical(false))
	m.RunOnce(context.Background())
	mux := http.NewServeMux()
	h := vitalshttp.New(m, &vitalshttp.Options{Token: "secret-token"})
	h.Install(mux)
	compat.Chorus(h).Install(mux)
	compat.Regiocom(h).Install(mux)
	compat.Axway(h).Install(mux)
	srv := httptest.NewServer(mux)
	return srv, func() { srv.Close(); m.Close() }
}

func ExampleClient_Check() {
	srv, stop := exampleServer()
	defer stop()

	c, err := client.New(srv.URL+"/readyz", &client.Options{BearerToken: "secret-token"})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	r, err := c.Check(context.Background())
	if err != nil {
		log.Fatal(err) // no health answer at all
	}
	fmt.Println(r.Format, r.Code, r.Status, r.OK())
	for _, ch := range r.Checks {
		fmt.Printf("%s: %s", ch.Name, ch.Status)
		if ch.Message != "" {
			fmt.Printf(" (%s)", ch.Message)
		}
		fmt.Println()
	}
	// Output:
	// vitals 503 fail false
	// cache: pass
	// db: fail (dial tcp 10.0.0.5:5432: connection refused)
}

// The same service read through its other endpoints: every format gives the
// same status. The compatible systems show anyone their messages, as their
// originals did; the IETF and Kubernetes answers keep them for authorised
// callers.
func ExampleClient_Check_formats() {
	srv, stop := exampleServer()
	defer stop()

	for _, path := range []string{"/readyz?format=ietf", "/readyz?verbose", "/health", "/ready", "/status"} {
		c, _ := client.New(srv.URL+path, nil)
		r, err := c.Check(context.Background())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-10s %s\n", r.Format, r)
	}
	// Output:
	// ietf       fail (db fail)
	// kubernetes fail (db fail: reason withheld)
	// chorus     fail: Critical health checks failing (db fail: dial tcp 10.0.0.5:5432: connection refused)
	// regiocom   fail (db fail: dial tcp 10.0.0.5:5432: connection refused)
	// axway      fail: dial tcp 10.0.0.5:5432: connection refused (db fail: dial tcp 10.0.0.5:5432: connection refused)
}

// An endpoint that cannot be reached, or answers something other than a
// health report, is an error of its own type.
func ExampleClient_Check_errors() {
	srv, stop := exampleServer()
	defer stop()

	c, _ := client.New(srv.URL+"/readyz/nope", nil)
	_, err := c.Check(context.Background())
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("HTTP", apiErr.Code)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Check(ctx)
	var reqErr *client.RequestError
	fmt.Println(errors.As(err, &reqErr), errors.Is(err, context.Canceled))
	// Output:
	// HTTP 404
	// true true
}

func ExampleParse() {
	body := []byte(`{"status":"unhealthy","issues":[{"time":"2025-03-01T13:00:00Z","description":"CUDA out of memory"}]}`)
	r, err := client.Parse(503, "application/json", body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Format, r.Status)
	for _, is := range r.Issues {
		fmt.Println(is.Time.Format(time.RFC3339), is.Description)
	}
	// Output:
	// tabby fail
	// 2025-03-01T13:00:00Z CUDA out of memory
}

func ExampleParse_spring() {
	body := []byte(`{"status":"DOWN","components":{"db":{"status":"DOWN","details":{"error":"Connection refused"}},` +
		`"broker":{"status":"UP","components":{"eu1":{"status":"UP"}}}}}`)
	r, _ := client.Parse(503, "application/vnd.spring-boot.actuator.v3+json", body)
	fmt.Println(r.Format, r.Status)
	for _, c := range r.Checks {
		fmt.Println(strings.TrimSpace(c.Name + ": " + c.Status.String() + " " + c.Message))
	}
	// Output:
	// spring fail
	// broker: pass
	// broker/eu1: pass
	// db: fail Connection refused
}

// WaitHealthy gates a start on a dependency: it polls with exponential
// backoff and jitter until the endpoint is healthy or ctx ends.
func ExampleClient_WaitHealthy() {
	srv, stop := exampleServer()
	defer stop()

	c, _ := client.New(srv.URL+"/livez", nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := c.WaitHealthy(ctx, &client.WaitOptions{
		OnAttempt: func(a client.Attempt) {
			fmt.Printf("attempt %d: %s\n", a.N, a.Report.Status)
		},
	})
	if err != nil {
		log.Fatal(err) // wraps context.DeadlineExceeded after a minute
	}
	fmt.Println("healthy:", r.Status)
	// Output:
	// attempt 1: pass
	// healthy: pass
}

// Watch reports each change of an endpoint's state until ctx ends.
func ExampleClient_Watch() {
	srv, stop := exampleServer()
	defer stop()

	c, _ := client.New(srv.URL+"/readyz", nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for u := range c.Watch(ctx, time.Second) {
		if u.Err != nil {
			fmt.Println("error:", u.Err)
			continue
		}
		fmt.Println(u.Report)
		cancel() // one is enough here
	}
	// Output:
	// fail (db fail)
}

// go-tabbyapi's client: a base URL and the endpoint apart, an API key, and
// a watch loop that prints every poll.
func ExampleNew_tabby() {
	tabby := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/health" || r.Header.Get("X-API-Key") != "tabby-key" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status":"unhealthy","issues":[{"time":"2025-03-01T13:00:00Z","description":"CUDA out of memory"}]}`)
	}))
	defer tabby.Close()

	c, err := client.New(tabby.URL, &client.Options{Path: "/v1/health", APIKey: "tabby-key", EveryPoll: true})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // ends the watch
	polls := 0
	for u := range c.Watch(ctx, 10*time.Millisecond) {
		fmt.Println(u.Report.Status, u.Report.Issues[0].Description)
		if polls++; polls == 2 {
			break
		}
	}
	// Output:
	// fail CUDA out of memory
	// fail CUDA out of memory
}
