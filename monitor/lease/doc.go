// Package lease spreads the targets of several `vitals serve` replicas
// sharing one PostgreSQL database, so that each target is probed, and each
// alert sent, by one replica: the database is the coordinator, with no
// consensus or gossip of our own.
//
// `vitals serve` on a PostgreSQL store runs a [Manager] (package monitor,
// the cluster block of its file): it runs only the targets of the shards
// it holds, fences every write of results and alert state with
// [Manager.FenceTargets], and, before it gives shards back, stops their
// targets and writes their last results ([Options].Release), so that the
// new owner continues each target's cadence from the store. The package
// creates its own tables (vitals_nodes, vitals_shards and a version row in
// vitals_lease_schema) with CREATE TABLE IF NOT EXISTS, beside package
// store's migrations, so that it stands on its own.
//
// # Shards and leases
//
// Targets fall into K virtual shards ([Shard]: FNV-1a of the name mod K,
// default 128), and a replica probes the targets of the shards it holds a
// lease on. Each replica runs a [Manager], which every Renew (default 5 s):
//
//   - heartbeats in vitals_nodes, and counts the live nodes (heartbeat
//     within a TTL);
//   - renews all its leases in one statement, to the database's now() + TTL
//     (default 15 s), so the replicas' clocks never matter;
//   - acquires free or expired shards up to its share, ceil(K / live
//     nodes), with UPDATE … FOR UPDATE SKIP LOCKED, bumping each shard's
//     epoch;
//   - or, holding more than its share, gives back its excess in one round
//     (the periodic one, not a round a NOTIFY wakes): each peer counts a
//     joining replica within a period and hands over what is its due
//     once, so a joiner has its share within about one period. (The first
//     design gave back one shard a period: a second replica then waited
//     64 periods, over five minutes, for its half.)
//
// A replica that releases shards (one given back, or all of them at
// [Manager.Close]) NOTIFYs the others, which LISTEN and run an acquire
// round at once: a replica stopped with Close hands its shards over in
// milliseconds, not a TTL.
//
// # Guarantees
//
// A shard's epoch grows at every acquisition, and acquisitions are row
// locked, so no two replicas ever acquire one shard at one epoch.
//
// A replica trusts a lease ([Manager.Owned], [Manager.Owns]) only until
// its last successful renewal, timed before the statement by its monotonic
// clock, + TTL − Margin (default 1 s). That ends before the lease can
// expire in the database, so a replica that cannot reach the database
// stops probing a shard before a peer can take it, and Run signals
// [Manager.Changes] then, even while a statement hangs.
//
// A paused process can still act on a stale view after it wakes. Every
// write transaction therefore starts with [Manager.Fence], which checks the
// shard's owner and epoch FOR KEY SHARE: a replica whose lease moved on is
// refused ([ErrFenced]) and rolls back, and a peer cannot acquire the shard
// while a fenced write is in flight.
//
// What is not guaranteed: a target may go unprobed for up to a TTL plus a
// Renew after its replica dies without Close, and probes that were already
// running when the trust window ended finish (their writes are fenced).
// Replicas must use distinct node ids and the same K; New refuses a
// database set up with another K.
package lease
