package kv_test

import (
	"context"
	"fmt"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/kv"
)

func ExampleNew() {
	store := newMemStore() // any Store: a DHT, etcd, Redis, …
	c, err := kv.New(store, &kv.Options{Prefix: "health/"})
	if err != nil {
		panic(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	m.Add("dht", c, vitals.Timeout(2*time.Second))

	snap, _ := m.RunOnce(context.Background())
	st, _ := snap.Check("dht")
	fmt.Println(st.Status)
	// Output: pass
}
