package memcached_test

import (
	"context"
	"fmt"
	"log"

	"github.com/bradfitz/gomemcache/memcache"
	"github.com/vitalsgo/vitals/checks/memcached"
)

// The service's own client is what must be healthy, so the check uses it.
func ExampleNew() {
	mc := memcache.New("127.0.0.1:11211")
	defer mc.Close()

	c, err := memcached.New(mc, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close() // waits for a round trip still running

	r := c.Check(context.Background())
	fmt.Println(r.Status, r.Message)
}

// Open builds a client from configuration; the Checker owns it.
func ExampleOpen() {
	c, err := memcached.Open("127.0.0.1:11211,127.0.0.1:11212", &memcached.Options{KeyPrefix: "myapp:health:"})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close() // closes the client
}
