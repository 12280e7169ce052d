package httpcheck_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/vitalsgo/vitals"
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
	m := vitals.New(nil)
	defer m.Close()
	m.Add("api", c, vitals.Timeout(2*time.Second), vitals.Interval(15*time.Second))

	r := c.Check(context.Background())
	fmt.Println(r.Status, r.Details["status_code"])
	// Output: pass 200
}
