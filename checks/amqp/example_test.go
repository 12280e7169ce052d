package amqp_test

import (
	"context"
	"fmt"
	"log"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	vitalsamqp "github.com/vitalsgo/vitals/checks/amqp"
)

// The application's own connection is the one that must be healthy.
func ExampleNew() {
	conn, err := amqp.Dial("amqp://guest:guest@127.0.0.1:5672/")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	check, err := vitalsamqp.New(conn, &vitalsamqp.Options{Loopback: true})
	if err != nil {
		log.Fatal(err)
	}
	r := check.Check(context.Background())
	fmt.Println(r.Status, r.Details["server_product"], r.Details["server_version"])
}

// A checker configured by URL owns its connection and re-dials it, with
// Options.Config.
func ExampleOpen() {
	check, err := vitalsamqp.Open("amqp://guest:guest@127.0.0.1:5672/", &vitalsamqp.Options{
		Config: &amqp.Config{Heartbeat: 10 * time.Second},
	})
	if err != nil {
		log.Fatal(err) // the error never quotes the password
	}
	defer check.Close() // closes the connection
}
