package nats_test

import (
	"log"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/vitalsgo/vitals"
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
	m := vitals.New(nil)
	defer m.Close()
	if err := m.Add("nats", check, vitals.Timeout(2*time.Second)); err != nil {
		log.Fatal(err)
	}
}

// A checker configured by URL owns its connection.
func ExampleOpen() {
	check, err := vitalsnats.Open("nats://127.0.0.1:4222", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer check.Close()

	m := vitals.New(nil)
	defer m.Close()
	if err := m.Add("nats", check, vitals.Timeout(2*time.Second)); err != nil {
		log.Fatal(err)
	}
}
