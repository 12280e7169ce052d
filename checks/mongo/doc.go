// Package mongo checks a MongoDB deployment, or a server that speaks its
// wire protocol (FerretDB, Amazon DocumentDB), through the official Go
// driver (go.mongodb.org/mongo-driver/v2).
//
// A [Checker] sends ping, for the round-trip time, then hello, which says
// what the member it reached is: a standalone server, a mongos, or the
// primary or a secondary of a replica set. The commands go to the primary
// when there is one and to a secondary when there is none, so a replica
// set that has lost its primary answers, and fails the check: it cannot
// take writes. With [Options].Collection the check also reads one
// document of the service's own collection, which proves the client may
// read it.
//
// # Registering
//
// With the client the service already has:
//
//	client, err := mongo.Connect(options.Client().ApplyURI("mongodb://db1,db2,db3/?replicaSet=rs0"))
//	…
//	c, err := mongocheck.New(client, &mongocheck.Options{Database: "shop", Collection: "orders"})
//	…
//	m.Add("mongo", c, vitals.Timeout(2*time.Second))
//
// From configuration, with a client the checker owns:
//
//	c, err := mongocheck.Open("mongodb://app:secret@db1:27017/shop", nil)
//	…
//	defer c.Close()
//	m.Add("mongo", c, vitals.Timeout(2*time.Second))
//
// The driver monitors every server in the background; its goroutines end
// when the client is disconnected, so close the Checker before a test with
// goleak ends.
//
// # Timeouts
//
// The driver waits for a server it can use until the check's deadline
// (its own server selection timeout, 30 seconds by default, is longer
// than any check's). A server that is down therefore fails the check at
// its deadline, with a message that lists each server and its last error.
//
// # Result
//
// Observed is ping's round-trip time in milliseconds (Unit "ms"). Details:
//
//	role              primary, secondary, standalone, mongos, arbiter or other
//	writable_primary  whether the member takes writes
//	max_wire_version  the newest wire protocol version it speaks
//	min_wire_version  the oldest
//	set_name          the replica set's name (members only)
//	primary           the primary's host:port, "" when there is none (members only)
//	me                the member's own host:port (members only)
//	read_ms           the read's time, with Options.Collection
package mongo
