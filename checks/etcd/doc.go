// Package etcd checks an etcd cluster through the official v3 client
// (go.etcd.io/etcd/client/v3).
//
// A [Checker] asks every endpoint of the client for its status, all at
// once, and reports the member's version, leader, raft term and index,
// revision and database size. A cluster where no answering member knows a
// leader fails: it cannot commit anything. A member that reports an alarm
// (NOSPACE: the cluster refuses writes; CORRUPT) fails the check too. Some
// endpoints down, or some members without a leader while others have one,
// is [vitals.StatusWarn]: the cluster works with less margin. With
// [Options].RoundTrip, the check also puts, gets and deletes a key of its
// own, which proves that writes commit.
//
// # Registering
//
// With the client the service already has:
//
//	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{"http://etcd1:2379"}})
//	…
//	m := vitals.New(nil)
//	m.Add("etcd", etcd.New(cli, nil), vitals.Timeout(2*time.Second))
//
// From configuration, with a client the checker owns:
//
//	c, err := etcd.Open("http://etcd1:2379,http://etcd2:2379,http://etcd3:2379", &etcd.Options{RoundTrip: true})
//	…
//	defer c.Close()
//	m.Add("etcd", c, vitals.Timeout(2*time.Second))
//
// The client starts goroutines of its own (gRPC connections, resolvers);
// they end when it is closed, so close it before a test with goleak ends.
//
// # Versions
//
// The module uses the v3.5 client, which works with etcd servers 3.4
// (Debian's) and 3.5.
//
// # Result
//
// Observed is the slowest answering endpoint's status time in milliseconds
// (Unit "ms"). Details describe the first endpoint that answered and knows
// a leader (or else the first that answered):
//
//	endpoint           its URL
//	version            server version, e.g. "3.4.23"
//	leader, member_id  member IDs in hex; leader "0" means none
//	cluster_id         in hex
//	raft_term          raft term
//	raft_index         raft index
//	revision           key space revision
//	db_size            database size in bytes
//	db_size_in_use     bytes in use (the rest is free after compaction)
//	is_learner         whether the member is a learner
//	endpoints          endpoints configured
//	endpoints_healthy  endpoints that answered and know a leader
//	endpoint_errors    endpoint → error, for those that did not answer
//	round_trip_ms      put+get+delete time, with Options.RoundTrip
package etcd
