package mysql_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"

	_ "github.com/go-sql-driver/mysql"

	vitalsmysql "github.com/vitalsgo/vitals/checks/mysql"
)

// The application's own pool is the one that must be healthy.
func ExampleNew() {
	db, err := sql.Open("mysql", "root@tcp(127.0.0.1:3306)/test")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	check, err := vitalsmysql.New(db, nil)
	if err != nil {
		log.Fatal(err)
	}
	r := check.Check(context.Background())
	fmt.Println(r.Status, r.Details["server_version"])
}

// A checker configured by DSN owns its pool.
func ExampleOpen() {
	check, err := vitalsmysql.Open("root@tcp(127.0.0.1:3306)/test?timeout=2s", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer check.Close() // closes the pool
}
