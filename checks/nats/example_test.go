package nats_test

import (
	"context"
	"fmt"
	"log"

	"github.com/nats-io/nats.go"

	vitalsnats "github.com/vitalsgo/vitals/checks/nats"
)

// The application's own connection is the one that must be healthy.
func ExampleNew() {
	nc, err := nats.Connect("nats://127.0.0.1:4222")
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Close()

	check, err := vitalsnats.New(nc, &vitalsnats.Options{JetStream: true, Loopback: true})
	if err != nil {
		log.Fatal(err)
	}
	r := check.Check(context.Background())
	fmt.Println(r.Status, r.Details["server_version"], r.Details["jetstream_streams"], r.Details["loopback_ms"])
}

// A checker configured by URL owns its connection, made with
// Options.ConnectOptions.
func ExampleOpen() {
	check, err := vitalsnats.Open("nats://127.0.0.1:4222", &vitalsnats.Options{
		ConnectOptions: []nats.Option{nats.UserInfo("health", "secret")},
	})
	if err != nil {
		log.Fatal(err) // the error never quotes the password
	}
	defer check.Close() // closes the connection
}
