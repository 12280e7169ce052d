package mongo_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	gomongo "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/mongo"
	"github.com/vitalsgo/vitals/internal/testservice"
)

const timeout = 2 * time.Second

func newClient(t *testing.T, uri string) *gomongo.Client {
	t.Helper()
	client, err := gomongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Disconnect(context.Background()) })
	return client
}

func TestHealthy(t *testing.T) {
	checktest.Require(t, "MongoDB (FerretDB)", testservice.MongoAddr)
	r := checktest.Want(t, checktest.MustNew(t, mongo.New, newClient(t, testservice.MongoURI), nil), timeout, vitals.StatusPass)

	// The test server is a standalone FerretDB.
	if !strings.HasPrefix(r.Message, "mongo standalone, answered ping in ") {
		t.Errorf("message %q", r.Message)
	}
	if r.Details["role"] != "standalone" || r.Details["writable_primary"] != true {
		t.Errorf("details %v: want a writable standalone", r.Details)
	}
	if v, _ := r.Details["max_wire_version"].(int32); v < 6 {
		t.Errorf("max_wire_version %v: every server the driver supports has 6 or more", r.Details["max_wire_version"])
	}
	for _, k := range []string{"set_name", "primary", "read_ms"} {
		if _, ok := r.Details[k]; ok {
			t.Errorf("details %v hold %s: no replica set, no read", r.Details, k)
		}
	}
	checktest.WantRTT(t, r)
}

// TestRead reads from a collection with a document, and from one
// without: both pass, since an empty collection is read all the same.
func TestRead(t *testing.T) {
	checktest.Require(t, "MongoDB (FerretDB)", testservice.MongoAddr)
	client := newClient(t, testservice.MongoURI)
	db := fmt.Sprintf("vitals_test_%d", time.Now().UnixNano())
	t.Cleanup(func() { client.Database(db).Drop(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := client.Database(db).Collection("orders").InsertOne(ctx, bson.D{{Key: "n", Value: 1}}); err != nil {
		t.Fatal(err)
	}

	for _, coll := range []string{"orders", "empty"} {
		t.Run(coll, func(t *testing.T) {
			c := checktest.MustNew(t, mongo.New, client, &mongo.Options{Database: db, Collection: coll})
			r := checktest.Want(t, c, timeout, vitals.StatusPass)
			if d, ok := r.Details["read_ms"].(float64); !ok || d <= 0 {
				t.Errorf("details %v: want a positive read_ms", r.Details)
			}
		})
	}
}

func TestNewRefuses(t *testing.T) {
	if _, err := mongo.New(nil, nil); err == nil || err.Error() != "mongo: nil client" {
		t.Errorf("New(nil): %v", err)
	}
	client := newClient(t, "mongodb://"+testservice.ClosedAddr(t))
	_, err := mongo.New(client, &mongo.Options{Collection: "orders"})
	if err == nil || !strings.Contains(err.Error(), "needs Options.Database") {
		t.Errorf("Collection without Database: %v", err)
	}
}

func TestOpenRefuses(t *testing.T) {
	const secret = "s3cret-pw"
	checktest.WantRefusals(t, mongo.Open, secret, []checktest.Refusal[mongo.Options]{
		{Name: "empty", Arg: "", Want: "mongo: empty URI"},
		{Name: "scheme", Arg: "http://u:" + secret + "@127.0.0.1/", Want: "mongo: "},
		{Name: "bad port", Arg: "mongodb://u:" + secret + "@127.0.0.1:99999/", Want: "mongo: "},
		{Name: "bad option", Arg: "mongodb://u:" + secret + "@127.0.0.1/?connectTimeoutMS=soon", Want: "mongo: "},
		{Name: "collection without database", Arg: "mongodb://127.0.0.1/", Opts: &mongo.Options{Collection: "orders"}, Want: "needs Options.Database"},
	})
}

// plainURI is the URI of the FerretDB at addr that logs in to PostgreSQL
// as the role with a password: FerretDB 1.x takes PLAIN credentials only.
func plainURI(addr, password string) string {
	return "mongodb://" + testservice.PostgresPasswordRole + ":" + password + "@" + addr + "/?authMechanism=PLAIN"
}

// TestConformance runs the suite against the FerretDB without logins and
// against the one whose logins PostgreSQL checks, there with the right
// password and a wrong one.
func TestConformance(t *testing.T) {
	tests := []struct {
		name   string
		addr   string
		logins bool // the server takes the PLAIN login of plainURI
	}{
		{"MongoDB (FerretDB)", testservice.MongoAddr, false},
		{"MongoDB with logins (FerretDB on PostgreSQL)", testservice.MongoAuthAddr, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := checktest.Config{
				Name:    tt.name,
				Addr:    tt.addr,
				Details: []string{"role", "writable_primary", "max_wire_version"},
				Closed:  mongo.ErrClosed,
				Open: func(addr string) (checktest.Checker, error) {
					return mongo.Open("mongodb://"+addr+"/", nil)
				},
			}
			if tt.logins {
				cfg.Open = func(addr string) (checktest.Checker, error) {
					return mongo.Open(plainURI(addr, testservice.PostgresPasswordSecret), nil)
				}
				cfg.OpenWithPassword = func(addr, password string) (checktest.Checker, error) {
					return mongo.Open(plainURI(addr, password), nil)
				}
			}
			checktest.Run(t, cfg)
		})
	}
}

// TestWrongPassword: the login PostgreSQL refuses fails the check, and
// the message says why.
func TestWrongPassword(t *testing.T) {
	checktest.Require(t, "MongoDB with logins (FerretDB on PostgreSQL)", testservice.MongoAuthAddr)
	const wrong = "not-the-password-41"
	r := checktest.Want(t, checktest.MustNew(t, mongo.Open, plainURI(testservice.MongoAuthAddr, wrong), nil), timeout, vitals.StatusFail)
	checktest.WantMessage(t, r, "mongo ping: ", "password authentication failed")
	if strings.Contains(r.Message, wrong) {
		t.Errorf("message %q shows the password", r.Message)
	}
}
