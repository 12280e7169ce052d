// Package drivers registers with package checkers the check types whose
// checkers need a third-party driver module: postgres, mysql, redis, amqp,
// mqtt, nats, etcd, memcached, bolt and badger.
//
// Only the vitals-full binary imports it. Linking these drivers doubles the
// time a Go program takes to start (their package initialisation, the etcd
// client's protobuf registrations most of all, and the pages of a binary
// two and a half times the size), and `vitals probe` runs every few seconds
// in every container: so the vitals binary leaves them out and runs
// vitals-full for a configuration that needs them.
package drivers
