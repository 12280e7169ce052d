package redis_test

import (
	"context"
	"fmt"
	"log"

	goredis "github.com/redis/go-redis/v9"
	"github.com/vitalsgo/vitals/checks/redis"
)

// The service's own client is what must be healthy, so the check uses it.
func ExampleNew() {
	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
	defer rdb.Close()

	c, err := redis.New(rdb, &redis.Options{RoundTrip: true})
	if err != nil {
		log.Fatal(err)
	}
	r := c.Check(context.Background())
	fmt.Println(r.Status, r.Details["redis_version"], r.Details["role"])
}

// Open builds a client from configuration; the Checker owns it.
func ExampleOpen() {
	c, err := redis.Open("redis://:secret@127.0.0.1:6379/0", nil)
	if err != nil {
		log.Fatal(err) // the error never quotes the password
	}
	defer c.Close() // closes the client
}
