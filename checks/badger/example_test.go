package badger_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/vitalsgo/vitals"
	badgercheck "github.com/vitalsgo/vitals/checks/badger"
)

func ExampleNew() {
	db, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithLogger(nil))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(txn *badger.Txn) error {
		return txn.Set([]byte("schema/version"), []byte("7"))
	}); err != nil {
		log.Fatal(err)
	}

	c, err := badgercheck.New(db, &badgercheck.Options{Key: "schema/version"})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	m := vitals.New(nil)
	if err := m.Add("badger", c, vitals.Timeout(time.Second)); err != nil {
		log.Fatal(err)
	}
	snap, err := m.RunOnce(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	st, _ := snap.Check("badger")
	fmt.Println(st.Status, st.Last.Details["in_memory"])
	// Output: pass true
}
