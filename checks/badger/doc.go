// Package badger checks a Badger database (github.com/dgraph-io/badger/v4)
// that the service has open.
//
// A [Checker] runs a read transaction and, with [Options].Key, makes sure
// a key exists. A closed database, a missing key, a failed read, or a
// transaction that does not finish before the check's deadline fails the
// check. Observed is the size of the LSM tree and value log together.
//
// # Registering
//
//	db, err := badger.Open(badger.DefaultOptions("/var/lib/app/badger"))
//	…
//	c := badgercheck.New(db, &badgercheck.Options{Key: "schema/version"})
//	defer c.Close()
//	m := vitals.New(nil)
//	m.Add("badger", c, vitals.Timeout(time.Second))
//
// The package is named badger like Badger's own; import one of them under
// another name, as badgercheck above. There is no Open: Badger locks its
// directory for the process that opened it, so the check uses the
// service's own *badger.DB.
//
// # Deadlines
//
// Badger takes no context. The transaction runs on a goroutine the Checker
// owns, and Check returns at its deadline; at most one such transaction is
// outstanding. [Checker.Close] waits for it.
//
// # Result
//
// Observed is lsm_size_bytes + vlog_size_bytes (Unit "bytes"). Details:
//
//	lsm_size_bytes   size of the LSM tree's files
//	vlog_size_bytes  size of the value log's files
//	read_ms          time of the read transaction
//	dir, value_dir   where the database lives
//	in_memory        whether it is an in-memory database
//	read_only        whether it was opened read-only
//
// Badger refreshes the sizes about once a minute, and reports 0 for them
// when its metrics are disabled (badger.Options.MetricsEnabled).
package badger
