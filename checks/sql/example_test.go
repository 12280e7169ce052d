package sqlcheck_test

import (
	"database/sql"
	"time"

	"github.com/vitalsgo/vitals"
	sqlcheck "github.com/vitalsgo/vitals/checks/sql"
)

func ExampleNew() {
	db, err := sql.Open("pgx", "postgres://app@db.internal:5432/app") // the application's pool
	if err != nil {
		panic(err)
	}
	defer db.Close()
	c, err := sqlcheck.New(db, &sqlcheck.Options{Query: "SELECT 1", Expect: 1})
	if err != nil {
		panic(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	m.Add("db", c, vitals.Timeout(2*time.Second), vitals.Interval(10*time.Second))
	m.Start()
}

func ExampleOpen() {
	c, err := sqlcheck.Open("mysql", "health:secret@tcp(db.internal:3306)/app", nil)
	if err != nil {
		panic(err)
	}
	defer c.Close()
	m := vitals.New(nil)
	defer m.Close()
	m.Add("db", c, vitals.Timeout(2*time.Second))
	m.Start()
}
