package kv_test

import (
	"context"
	"fmt"

	"github.com/vitalsgo/vitals/checks/kv"
)

func ExampleNew() {
	store := newMemStore() // any Store: a DHT, etcd, Redis, …
	c, err := kv.New(store, &kv.Options{Prefix: "health/"})
	if err != nil {
		panic(err)
	}
	r := c.Check(context.Background())
	fmt.Println(r.Status)
	// Output: pass
}
