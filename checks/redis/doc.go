// Package redis checks a Redis server through a go-redis client
// (github.com/redis/go-redis/v9).
//
// A [Checker] sends PING and reports its round-trip time, reads INFO for the
// server's version and replication state, and, with [Options].RoundTrip,
// writes, reads back and deletes a key of its own to prove the data path
// works end to end. A replica whose link to its master is down reports
// [vitals.StatusWarn]: it still answers, with stale data. A wrong password
// fails with a message that says "authentication failed".
//
// # Registering
//
// With the client the service already has:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "cache:6379", ContextTimeoutEnabled: true})
//	m := vitals.New(nil)
//	m.Add("redis", redischeck.New(rdb, nil), vitals.Timeout(time.Second))
//
// Set ContextTimeoutEnabled on that client: without it go-redis bounds a
// command by its own ReadTimeout (3s by default) rather than by the
// check's deadline.
//
// From configuration, with a client the checker owns:
//
//	c, err := redischeck.Open("redis://:secret@cache:6379/0", &redischeck.Options{RoundTrip: true})
//	if err != nil {
//		return err // never quotes the password
//	}
//	defer c.Close()
//	m.Add("redis", c, vitals.Timeout(time.Second))
//
// The package is named redis like go-redis' own; import one of them under
// another name, as redischeck above.
//
// # Result
//
// Observed is PING's round-trip time in milliseconds (Unit "ms"). Details:
//
//	redis_version       e.g. "7.0.15"
//	redis_mode          standalone, cluster or sentinel
//	role                master or slave
//	connected_slaves    replicas attached to a master
//	master_link_status  up or down, on a replica
//	round_trip_ms       SET+GET+DEL time, with Options.RoundTrip
//	info_error          why INFO was refused, if it was (not a failure)
package redis
