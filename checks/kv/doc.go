// Package kv checks a key-value store by a full round trip: it writes a
// fresh key, reads it back, compares the value byte for byte, and deletes
// it. This is the CHORUS DHT check, and it works for any store — a DHT,
// etcd, Redis, a cache — through the two-method [Store] interface (Put and
// Get), so a store's health covers the write path, the read path and data
// integrity, not just "the port is open".
//
// A store that also has Delete ([Deleter]) gets a new key each run,
// [Options.Prefix] followed by random hex, deleted afterwards. One without
// (CHORUS's DHT has only Put and Get) gets one well-known key,
// [Options.Prefix] + "probe", overwritten each run, so the store holds one
// key whatever the number of runs. Either way the value is random, so
// concurrent instances and stale data from an earlier run cannot make a
// broken store look healthy. package vitalstest has an in-memory KV for
// tests.
//
// # Results
//
//   - StatusPass: the value read back equals the value written.
//   - StatusFail: Put or Get failed, the key was missing, or the value came
//     back different ("integrity").
//   - StatusWarn: the round trip worked but Delete failed, so health keys
//     may pile up.
//
// Observed is the round-trip time in ms; Details hold the key and the
// time of each step.
//
//	c, err := kv.New(myStore, &kv.Options{Prefix: "health/"})
//	if err != nil { … }
//	m.Add("dht", c, vitals.Timeout(2*time.Second))
package kv
