package httpcheck_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	httpcheck "github.com/vitalsgo/vitals/checks/http"
)

func ExampleNew() {
	// A Spring Boot service's actuator, served here for the example.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"status":"UP"}`)
	}))
	defer api.Close()

	c, err := httpcheck.New(api.URL+"/actuator/health", &httpcheck.Options{
		JSONPath:        "status",
		JSONValue:       "UP",
		MaxResponseTime: 500 * time.Millisecond,
	})
	if err != nil {
		panic(err)
	}
	r := c.Check(context.Background())
	fmt.Println(r.Status, r.Details["status_code"])
	// Output: pass 200
}

// Expect judges a response by conditions of the caller's own, here its
// Content-Type.
func ExampleNew_expect() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<h1>Maintenance</h1>")
	}))
	defer api.Close()

	c, err := httpcheck.New(api.URL+"/health", &httpcheck.Options{
		Expect: func(r *httpcheck.Response) error {
			if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, "json") {
				return fmt.Errorf("Content-Type %q, want JSON", ct)
			}
			return nil
		},
	})
	if err != nil {
		panic(err)
	}
	r := c.Check(context.Background())
	fmt.Println(r.Status, strings.TrimPrefix(r.Message, "GET "+api.URL+"/health: "))
	// Output: fail Content-Type "text/html", want JSON
}
