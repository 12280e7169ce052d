package bolt_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/vitalsgo/vitals"
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
	m := vitals.New(nil)
	if err := m.Add("boltdb", c, vitals.Timeout(time.Second)); err != nil {
		log.Fatal(err)
	}
	snap, err := m.RunOnce(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	st, _ := snap.Check("boltdb")
	fmt.Println(st.Status)
	// Output: pass
}
