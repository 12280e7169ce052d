package compat_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
)

// Axway's healthcheck.RegisterHealthcheck(name, endpoint, check) and
// GetHealthcheckOutput(url), and SetNameAndVersion after the fact.
func ExampleRegisterAxway() {
	m := vitals.New(nil)
	defer m.Close()
	compat.RegisterAxway(m, "Central connection", "central", func(name string) *compat.AxwayStatus {
		return &compat.AxwayStatus{Result: compat.AxwayOK}
	})
	m.SetInfo(vitals.Info{Service: "discovery-agent", Version: "1.2.3"})
	m.RunOnce(context.Background())

	mux := http.NewServeMux()
	compat.Axway(vitalshttp.New(m, nil)).Install(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	out, err := compat.AxwayOutput(context.Background(), srv.URL+"/status/central")
	fmt.Println(strings.TrimSpace(out), err)
	// Output: {"result":"OK"} <nil>
}
