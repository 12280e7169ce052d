package bolt_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/vitalsgo/vitals/checks/bolt"
	"go.etcd.io/bbolt"
)

func ExampleNew() {
	dir, err := os.MkdirTemp("", "bolt-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := bbolt.Open(filepath.Join(dir, "app.db"), 0o600, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucket([]byte("sessions"))
		return err
	}); err != nil {
		log.Fatal(err)
	}

	c, err := bolt.New(db, &bolt.Options{Bucket: "sessions"})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	r := c.Check(context.Background())
	fmt.Println(r.Status, r.Unit)
	// Output: pass bytes
}
