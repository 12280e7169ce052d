package consul_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/consul"
)

// The service's own client is what must be healthy, so the check uses it.
func ExampleNew() {
	client, err := api.NewClient(api.DefaultConfig())
	if err != nil {
		log.Fatal(err)
	}
	c, err := consul.New(client, &consul.Options{Service: "payments"})
	if err != nil {
		log.Fatal(err)
	}
	m := vitals.New(nil)
	if err := m.Add("consul", c, vitals.Timeout(2*time.Second)); err != nil {
		log.Fatal(err)
	}
	snap, err := m.RunOnce(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	st, _ := snap.Check("consul")
	fmt.Println(st.Status, st.Last.Details["leader"], st.Last.Details["passing"])
}

// Open builds a client from configuration; the Checker owns it.
func ExampleOpen() {
	c, err := consul.Open("http://127.0.0.1:8500", &consul.Options{RoundTrip: true})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	m := vitals.New(nil)
	if err := m.Add("consul", c, vitals.Timeout(2*time.Second), vitals.Interval(10*time.Second)); err != nil {
		log.Fatal(err)
	}
}

// An address Open cannot use is refused before any connection, and the
// error never shows the token.
func ExampleOpen_refused() {
	_, err := consul.Open("ftp://127.0.0.1:8500", &consul.Options{Token: "s3cret"})
	fmt.Println(err)
	// Output: consul: Unknown protocol scheme: ftp
}
