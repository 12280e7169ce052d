package remote_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/remote"
)

func ExampleNew() {
	// Another service's readiness endpoint, served here for the example.
	billing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"status":"fail"}`, http.StatusServiceUnavailable)
	}))
	defer billing.Close()

	c, err := remote.New(billing.URL+"/readyz", nil)
	if err != nil {
		panic(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	// Billing being down degrades this service but does not take it out.
	m.Add("billing", c, vitals.Timeout(2*time.Second), vitals.Critical(false), vitals.Interval(10*time.Second))

	r := c.Check(context.Background())
	fmt.Println(r.Status, r.Details["status_code"])
	// Output: fail 503
}
