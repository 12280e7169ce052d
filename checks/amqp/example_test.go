package amqp_test

import (
	"log"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/vitalsgo/vitals"
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
	m := vitals.New(nil)
	defer m.Close()
	if err := m.Add("rabbitmq", check, vitals.Timeout(2*time.Second)); err != nil {
		log.Fatal(err)
	}
}

// A checker configured by URL owns its connection and re-dials it.
func ExampleOpen() {
	check, err := vitalsamqp.Open("amqp://guest:guest@127.0.0.1:5672/", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer check.Close()

	m := vitals.New(nil)
	defer m.Close()
	if err := m.Add("rabbitmq", check, vitals.Timeout(2*time.Second)); err != nil {
		log.Fatal(err)
	}
}
