// Package faultproxy is a TCP forwarder that makes a real server
// unreachable on command, without touching the server: Cut refuses
// connections (a server that went away), Blackhole accepts them and never
// answers (a server that hangs), Restore forwards again.
//
// It is the benchmark driver's small, self-contained cousin of the test
// helper in internal/testproxy, which is tied to testing.TB.
package faultproxy
