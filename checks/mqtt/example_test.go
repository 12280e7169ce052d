package mqtt_test

import (
	"log"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/vitalsgo/vitals"
	vitalsmqtt "github.com/vitalsgo/vitals/checks/mqtt"
)

// The application's own client is the one that must be healthy.
func ExampleNew() {
	client := mqtt.NewClient(mqtt.NewClientOptions().
		AddBroker("tcp://127.0.0.1:1883").
		SetAutoReconnect(true))
	if tok := client.Connect(); tok.Wait() && tok.Error() != nil {
		log.Fatal(tok.Error())
	}
	defer client.Disconnect(250)

	check, err := vitalsmqtt.New(client, &vitalsmqtt.Options{Loopback: true})
	if err != nil {
		log.Fatal(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	if err := m.Add("mqtt", check, vitals.Timeout(2*time.Second)); err != nil {
		log.Fatal(err)
	}
}

// A checker configured by URL owns its client.
func ExampleOpen() {
	check, err := vitalsmqtt.Open("tcp://127.0.0.1:1883", &vitalsmqtt.Options{Loopback: true})
	if err != nil {
		log.Fatal(err)
	}
	defer check.Close()

	m := vitals.New(nil)
	defer m.Close()
	if err := m.Add("mqtt", check, vitals.Timeout(2*time.Second)); err != nil {
		log.Fatal(err)
	}
}
