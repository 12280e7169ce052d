package etcd_test

import (
	"context"
	"fmt"
	"log"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/etcd"
)

// The service's own client is what must be healthy, so the check uses it.
func ExampleNew() {
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{"http://127.0.0.1:2379"}})
	if err != nil {
		log.Fatal(err)
	}
	defer cli.Close()

	c, err := etcd.New(cli, nil)
	if err != nil {
		log.Fatal(err)
	}
	m := vitals.New(nil)
	if err := m.Add("etcd", c, vitals.Timeout(2*time.Second)); err != nil {
		log.Fatal(err)
	}
	snap, err := m.RunOnce(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	st, _ := snap.Check("etcd")
	fmt.Println(st.Status, st.Last.Details["version"], st.Last.Details["leader"])
}

// Open builds a client from configuration; the Checker owns it.
func ExampleOpen() {
	c, err := etcd.Open("http://127.0.0.1:2379", &etcd.Options{RoundTrip: true})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	m := vitals.New(nil)
	if err := m.Add("etcd", c, vitals.Timeout(2*time.Second), vitals.Interval(10*time.Second)); err != nil {
		log.Fatal(err)
	}
}
