// Package nats checks a NATS server through a nats.go connection
// (github.com/nats-io/nats.go).
//
// A check passes when the connection is up and the server answers a ping
// before the check's deadline; the ping's round-trip time is the Result's
// Observed value, in milliseconds. Details carry the server's version and
// id, the URL connected to (without its password) and the client's
// reconnect count. Two options add round trips:
//
//   - [Options.JetStream] asks for the account's JetStream usage and limits
//     (memory, storage, streams, consumers) and fails when JetStream does not
//     answer.
//   - [Options.Loopback] publishes a unique message to a fresh inbox subject
//     and waits for it, proving that the server routes messages.
//
// # Reconnecting
//
// nats.go reconnects on its own and buffers publishes meanwhile, so a
// dropped connection is first a degradation: the check reports
// StatusWarn while the client is reconnecting, for
// [Options.ReconnectGrace] (10s by default) counted from the first check
// that saw it down, then StatusFail until the connection is back. A closed
// connection fails at once.
//
// # Use
//
// [New] checks the application's own connection, the one that must be
// healthy:
//
//	nc, err := nats.Connect(nats.DefaultURL)
//	…
//	check, err := vitalsnats.New(nc, &vitalsnats.Options{JetStream: true})
//	…
//	m := vitals.New(nil)
//	m.Add("nats", check, vitals.Timeout(2*time.Second))
//
// [Open] makes and owns a connection, for checks configured by URL. It
// connects at the first check, dials again whenever the client has closed
// the connection, and releases it on [Checker.Close].
package nats
