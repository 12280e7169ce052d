package mongo_test

import (
	"context"
	"fmt"
	"log"
	"time"

	gomongo "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/mongo"
)

// The service's own client is what must be healthy, so the check uses it.
func ExampleNew() {
	client, err := gomongo.Connect(options.Client().ApplyURI("mongodb://127.0.0.1:27017/"))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Disconnect(context.Background())

	c, err := mongo.New(client, &mongo.Options{Database: "shop", Collection: "orders"})
	if err != nil {
		log.Fatal(err)
	}
	m := vitals.New(nil)
	if err := m.Add("mongo", c, vitals.Timeout(2*time.Second)); err != nil {
		log.Fatal(err)
	}
	snap, err := m.RunOnce(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	st, _ := snap.Check("mongo")
	fmt.Println(st.Status, st.Last.Details["role"])
}

// Open builds a client from a connection string; the Checker owns it.
func ExampleOpen() {
	c, err := mongo.Open("mongodb://127.0.0.1:27017/", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	m := vitals.New(nil)
	if err := m.Add("mongo", c, vitals.Timeout(2*time.Second), vitals.Interval(10*time.Second)); err != nil {
		log.Fatal(err)
	}
}

// A connection string the driver cannot read is refused by Open, before
// any connection, and the error never shows the password.
func ExampleOpen_refused() {
	_, err := mongo.Open("mongodb://app:s3cret@db1:27017/shop?connectTimeoutMS=soon", nil)
	fmt.Println(err)
	// Output: mongo: error parsing uri: invalid value for "connectTimeoutMS": "soon"
}
