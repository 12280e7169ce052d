package remote_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
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

// Expect holds the other service to more than its own status: here, a
// degraded billing service fails the check.
func ExampleNew_expect() {
	billing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"warn"}`)
	}))
	defer billing.Close()

	c, err := remote.New(billing.URL+"/readyz", &remote.Options{
		Expect: func(r *remote.Response) error {
			if r.Status != vitals.StatusPass {
				return fmt.Errorf("remote status %v, want pass", r.Status)
			}
			return nil
		},
	})
	if err != nil {
		panic(err)
	}
	r := c.Check(context.Background())
	fmt.Println(r.Status, strings.TrimPrefix(r.Message, "GET "+billing.URL+"/readyz: "))
	// Output: fail remote status warn, want pass
}
