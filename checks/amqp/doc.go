// Package amqp checks an AMQP 0-9-1 broker such as RabbitMQ through an
// amqp091-go connection (github.com/rabbitmq/amqp091-go).
//
// A check passes when the connection is open and the broker opens a channel
// on it before the check's deadline; the time the broker took is the
// Result's Observed value, in milliseconds. Details carry what the broker
// said about itself in the handshake (product, version, platform, cluster
// name) and its address. With [Options.Loopback] the check also declares a
// temporary queue, publishes a unique message to it and waits for the
// delivery, proving that the broker routes messages.
//
// # Use
//
// [New] checks the application's own connection, the one that must be
// healthy:
//
//	conn, err := amqp.Dial("amqp://guest:guest@localhost:5672/")
//	…
//	check, err := vitalsamqp.New(conn, nil)
//	…
//	m := vitals.New(nil)
//	m.Add("rabbitmq", check, vitals.Timeout(2*time.Second))
//
// amqp091-go does not reconnect by itself, so once that connection is
// closed the check fails until the application dials a new one (and a new
// Checker for it).
//
// [Open] makes and owns a connection, for checks configured by URL. It
// dials at the first check and again whenever the connection is closed or
// the broker leaves a request unanswered past the deadline, so it recovers
// when the broker is back; [Checker.Close] releases it. A refused login
// fails with "authentication failed (ACCESS_REFUSED)"; messages never
// show the URL's password.
package amqp
