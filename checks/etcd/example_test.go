package etcd_test

import (
	"context"
	"fmt"
	"log"

	clientv3 "go.etcd.io/etcd/client/v3"

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
	r := c.Check(context.Background())
	fmt.Println(r.Status, r.Details["version"], r.Details["leader"])
}

// Open builds a client from configuration; the Checker owns it.
func ExampleOpen() {
	c, err := etcd.Open("http://127.0.0.1:2379", &etcd.Options{RoundTrip: true})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close() // closes the client
}
