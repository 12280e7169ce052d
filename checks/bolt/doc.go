// Package bolt checks a bbolt database (go.etcd.io/bbolt) that the service
// has open.
//
// A [Checker] starts a read transaction, reads the database size in it
// and, with [Options].Bucket, makes sure a top-level bucket exists. A
// closed database, a missing bucket, or a read transaction that cannot
// start before the check's deadline fails the check. Details carry the
// database's size and bbolt's statistics.
//
// # Registering
//
//	db, err := bbolt.Open("app.db", 0o600, nil)
//	…
//	c := bolt.New(db, &bolt.Options{Bucket: "sessions"})
//	defer c.Close()
//	m := vitals.New(nil)
//	m.Add("boltdb", c, vitals.Timeout(time.Second))
//
// There is no Open: bbolt locks its file for the process that opened it,
// so the check uses the service's own *bbolt.DB.
//
// # Deadlines
//
// bbolt takes no context, and a read transaction can wait for a writer
// that grows the file, which itself waits for every open read transaction
// (a long backup, say). The transaction therefore runs on a goroutine the
// Checker owns, and Check returns at its deadline; at most one such
// transaction is outstanding. [Checker.Close] waits for it.
//
// # Result
//
// Observed is the database size in bytes (Unit "bytes"). Details:
//
//	path                  the file, when the DB has a Path method
//	size_bytes            database size seen by the read transaction
//	page_size             bytes per page
//	read_ms               time of the read transaction
//	free_pages            pages on the freelist
//	pending_pages         pages freed but still in use by read transactions
//	free_alloc_bytes      bytes in free pages
//	freelist_inuse_bytes  bytes the freelist itself takes
//	read_tx_total         read transactions started
//	read_tx_open          read transactions open now
//	tx_page_count, tx_page_alloc_bytes, tx_cursor_count, tx_node_count,
//	tx_rebalance, tx_split, tx_spill, tx_write, tx_write_ms
//	                      bbolt's counters over all write transactions
package bolt
