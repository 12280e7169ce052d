// Package dropaddr gives tests an address whose connections neither succeed
// nor fail: the SYNs are dropped, as a firewall or a host that is gone drops
// them, so a client waits until its own timeout.
//
// internal/testservice.BlackholeAddr is a server that accepts and never
// answers, which a tcp:// probe rightly calls healthy: the port accepts.
// [New] is the blackhole below that, where not even the connection is made.
//
// It is a listening socket whose accept queue (backlog 0) is full, which
// Linux answers by dropping further SYNs; elsewhere [New] skips the test.
package dropaddr
