// Package mqtt checks an MQTT broker through an Eclipse Paho client
// (github.com/eclipse/paho.mqtt.golang).
//
// A check passes when the client's connection to the broker is open. With
// [Options.Loopback] it also subscribes to a unique topic with QoS 1,
// publishes a unique payload to it with QoS 1 and waits for the message,
// proving that the broker routes messages; the time from publish to
// delivery is the Result's Observed value, in milliseconds. Without
// Loopback the check reads the client's state only, which paho keeps up to
// date with its keepalive pings, so a broker that hangs without closing
// the connection is noticed after a keepalive period rather than at the
// check's deadline. Details carry the client's broker URLs (without
// passwords) and client ID.
//
// # Use
//
// [New] checks the application's own client, the one that must be
// healthy:
//
//	client := mqtt.NewClient(mqtt.NewClientOptions().AddBroker("tcp://localhost:1883").SetAutoReconnect(true))
//	…
//	check, err := vitalsmqtt.New(client, &vitalsmqtt.Options{Loopback: true})
//	…
//	m := vitals.New(nil)
//	m.Add("mqtt", check, vitals.Timeout(2*time.Second))
//
// [Open] makes and owns a client, for checks configured by URL. It connects
// at the first check and again whenever the client is disconnected; once
// connected, paho reconnects it by itself, and a check meanwhile fails with
// the reason the connection was lost. [Checker.Close] disconnects it.
package mqtt
