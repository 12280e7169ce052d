package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/postgres"
	sqlcheck "github.com/vitalsgo/vitals/checks/sql"
)

// The service's own pool is what must be healthy, so the check uses it.
func ExampleNew() {
	pool, err := pgxpool.New(context.Background(), "postgres://app@127.0.0.1:5432/app")
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	c, err := postgres.New(pool, nil)
	if err != nil {
		log.Fatal(err)
	}
	r := c.Check(context.Background())
	fmt.Println(r.Status, r.Message, r.Details["server_version"])
}

// Open builds a pool from configuration; the Checker owns it.
func ExampleOpen() {
	c, err := postgres.Open("postgres://app:secret@127.0.0.1:5432/app?connect_timeout=5", &postgres.Options{
		Query: "SELECT 1 FROM app_migrations LIMIT 1",
	})
	if err != nil {
		log.Fatal(err) // the error never quotes the password
	}
	defer c.Close() // closes the pool
}

// A service on database/sql with pgx's stdlib driver uses the core's
// database/sql checker (import _ "github.com/jackc/pgx/v5/stdlib" and
// sqlcheck "github.com/vitalsgo/vitals/checks/sql").
func Example_databaseSQL() {
	db, err := sql.Open("pgx", "postgres://app@127.0.0.1:5432/app")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	c, err := sqlcheck.New(db, &sqlcheck.Options{Query: "SELECT 1", Expect: 1})
	if err != nil {
		log.Fatal(err)
	}
	m := vitals.New(nil)
	if err := m.Add("db", c, vitals.Timeout(2*time.Second)); err != nil {
		log.Fatal(err)
	}
}
