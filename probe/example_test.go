package probe_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/probe"
	"github.com/vitalsgo/vitals/vitalshttp"
)

// A service's main calls IfRequested before anything else. Run as
// "myservice healthcheck", the binary probes http://127.0.0.1:8080/readyz
// and exits 0 or 1; run any other way, it goes on to start.
func ExampleIfRequested() {
	probe.IfRequested("healthcheck", ":8080", nil)

	// … start the service: monitor, checks, vitalshttp on :8080.
}

// Run suits a service with its own command-line handling: it returns the
// exit code, and main calls os.Exit.
func ExampleRun() {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("db", vitals.CheckFunc(func(context.Context) error { return nil }))
	m.RunOnce(context.Background())
	mux := http.NewServeMux()
	vitalshttp.New(m, nil).Install(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// os.Args: myservice healthcheck /livez
	args := []string{"/livez"}
	code := probe.Run(context.Background(), args, srv.Listener.Addr().String(), &probe.Options{Output: os.Stdout})
	fmt.Println("exit", code)
	// Output: exit 0
}

func ExampleURL() {
	for _, addr := range []string{":8080", "0.0.0.0:8080", "[::]:8080", "localhost:9090"} {
		u, _ := probe.URL(addr, nil)
		fmt.Println(u)
	}
	u, _ := probe.URL(":8443", &probe.Options{HTTPS: true, Path: "/livez"})
	fmt.Println(u)
	// Output:
	// http://127.0.0.1:8080/readyz
	// http://127.0.0.1:8080/readyz
	// http://[::1]:8080/readyz
	// http://localhost:9090/readyz
	// https://127.0.0.1:8443/livez
}
