// Package kv checks a key-value store by a full round trip: it writes a
// fresh key, reads it back, compares the value byte for byte, and deletes
// it. This is the CHORUS DHT check, and it works for any store — a DHT,
// etcd, Redis, a cache — through the three-method [Store] interface, so a
// store's health covers the write path, the read path and data integrity,
// not just "the port is open".
//
// Each run uses a new key, [Options.Prefix] followed by random hex, and a
// random value, so concurrent instances and stale data from an earlier
// run cannot make a broken store look healthy.
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
