package httpcheck_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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
