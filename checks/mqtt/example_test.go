package mqtt_test

import (
	"context"
	"fmt"
	"log"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

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
	r := check.Check(context.Background())
	fmt.Println(r.Status, r.Details["loopback_ms"])
}

// A checker configured by URL owns its client, which Options.Configure
// adjusts.
func ExampleOpen() {
	check, err := vitalsmqtt.Open("tcp://127.0.0.1:1883", &vitalsmqtt.Options{
		Loopback:  true,
		Configure: func(o *mqtt.ClientOptions) { o.SetKeepAlive(30 * time.Second) },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer check.Close() // disconnects the client
}
