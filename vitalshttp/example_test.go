package vitalshttp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
)

// get sends one request to h and prints the code and body, as curl -i
// would show them without the headers.
func get(h http.Handler, target string, hdr ...string) {
	r := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Printf("%s %d %s\n%s\n", target, w.Code, w.Header().Get("Content-Type"), w.Body)
}

// A service mounts the probe endpoints on its own mux, next to its
// application routes. Anonymous callers see statuses, in the Kubernetes
// ?verbose format exactly as the apiserver prints it.
func Example() {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("db", vitals.CheckFunc(func(context.Context) error {
		return errors.New("dial postgres://app:hunter2@db:5432/orders: connection refused")
	}))
	m.Add("disk", vitals.CheckFunc(func(context.Context) error { return nil }),
		vitals.Groups(vitals.Liveness, vitals.Readiness))
	m.RunOnce(context.Background()) // a running service calls m.Start() instead

	mux := http.NewServeMux()
	vitalshttp.New(m, nil).Install(mux)

	get(mux, "/livez")
	get(mux, "/readyz?verbose")
	// Output:
	// /livez 200 application/json
	// {"status":"pass","checks":{"disk":{"status":"pass"}}}
	//
	// /readyz?verbose 503 text/plain; charset=utf-8
	// [-]db failed: reason withheld
	// [+]disk ok
	// readyz check failed
}

// A caller with the bearer token sees why a check fails, with secrets
// redacted; the IETF application/health+json format is chosen by Accept
// (or ?format=ietf).
func ExampleOptions_token() {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("db", vitals.CheckFunc(func(context.Context) error {
		return errors.New("dial postgres://app:hunter2@db:5432/orders: connection refused")
	}))
	m.RunOnce(context.Background())
	h := vitalshttp.New(m, &vitalshttp.Options{Token: "s3cret-token"})

	get(h, "/readyz?verbose", "Authorization", "Bearer s3cret-token")
	get(h, "/readyz?format=ietf")
	// Output:
	// /readyz?verbose 503 text/plain; charset=utf-8
	// [-]db failed: dial postgres://app:***@db:5432/orders: connection refused
	// readyz check failed
	//
	// /readyz?format=ietf 503 application/health+json
	// {"status":"fail","checks":{"db:responseTime":[{"componentId":"db","status":"fail"}]}}
}

// One group mounted where the application wants it: the group at the
// mount point, one check below it, the same query parameters as /readyz.
func ExampleHandler_Group() {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("db", vitals.CheckFunc(func(context.Context) error { return nil }))
	m.Add("queue", vitals.CheckFunc(func(context.Context) error { return vitals.Warn(errors.New("2 consumers of 3")) }))
	m.RunOnce(context.Background())
	h := vitalshttp.New(m, nil)

	mux := http.NewServeMux()
	mux.Handle("/internal/ready/", h.Group(vitals.Readiness))
	get(mux, "/internal/ready/?verbose")
	get(mux, "/internal/ready/db")
	get(mux, "/internal/ready/nope")
	// Output:
	// /internal/ready/?verbose 200 text/plain; charset=utf-8
	// [+]db ok
	// [+]queue ok (warn)
	// readyz check passed
	//
	// /internal/ready/db 200 application/json
	// {"name":"db","status":"pass"}
	//
	// /internal/ready/nope 404 application/json
	// {"error":"no check named \"nope\"","status":404}
}

// Profiles are served to the callers the handler authorises, and to no
// one else.
func ExampleHandler_Pprof() {
	m := vitals.New(nil)
	defer m.Close()
	h := vitalshttp.New(m, &vitalshttp.Options{Token: "s3cret-token"})
	mux := http.NewServeMux()
	mux.Handle("/debug/pprof/", h.Pprof())

	get(mux, "/debug/pprof/cmdline")
	// Output:
	// /debug/pprof/cmdline 403 application/json
	// {"error":"pprof needs an authorised caller","status":403}
}

// Probes served on a port of their own, apart from the service's traffic,
// as regiocom's healthchecker does.
func ExampleServe() {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("disk", vitals.CheckFunc(func(context.Context) error { return nil }), vitals.Groups(vitals.Liveness))
	m.RunOnce(context.Background())

	addr, stop, err := vitalshttp.Serve("127.0.0.1:0", vitalshttp.New(m, nil))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer stop(context.Background())
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + addr + "/livez?verbose")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(resp.StatusCode, "\n", string(body))
	// Output:
	// 200
	// [+]disk ok
	// livez check passed
}

// regiocom's `defer health.ServeHTTPBackground(":8080")()`, with its /alive
// and /ready next to the Kubernetes paths.
func ExampleBackground() {
	m := vitals.New(nil)
	defer m.Close()
	h := vitalshttp.New(m, nil)
	mux := http.NewServeMux()
	h.Install(mux)
	compat.Regiocom(h).Install(mux)
	defer vitalshttp.Background(":8080", mux)()
}
