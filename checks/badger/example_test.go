package badger_test

import (
	"context"
	"fmt"
	"log"

	"github.com/dgraph-io/badger/v4"
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
	r := c.Check(context.Background())
	fmt.Println(r.Status, r.Details["in_memory"])
	// Output: pass true
}
