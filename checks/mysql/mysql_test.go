package mysql

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/internal/testservice"
)

// openDB returns the application's own pool for dsn, closed when the test
// ends.
func openDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatalf("sql.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// withAddr returns the test DSN with another address and, unless user is
// empty, another user and password.
func withAddr(t *testing.T, addr, user, password string) string {
	t.Helper()
	cfg, err := mysql.ParseDSN(testservice.MySQLDSN)
	if err != nil {
		t.Fatal(err)
	}
	if addr != "" {
		cfg.Addr = addr
	}
	if user != "" {
		cfg.User, cfg.Passwd = user, password
	}
	return cfg.FormatDSN()
}

func TestHealthy(t *testing.T) {
	checktest.Require(t, "MariaDB", testservice.MySQLAddr)
	c := checktest.MustNew(t, New, DB(openDB(t, testservice.MySQLDSN)), nil)
	r := checktest.Want(t, c, 2*time.Second, vitals.StatusPass)
	v, _ := r.Details["server_version"].(string)
	if v == "" {
		t.Fatalf("Details[server_version] = %v, want the server's version", r.Details["server_version"])
	}
	checktest.WantMessage(t, r, strings.SplitN(v, "-", 2)[0])
	checktest.WantDetails(t, r, "open", "in_use", "idle", "max_open", "wait_count", "ping_ms", "version_ms")
	checktest.WantRTT(t, r)
	// No deadline: Options.Timeout bounds the check.
	checktest.WantStatus(t, c.Check(context.Background()), vitals.StatusPass)
}

// TestSaturated: a check that began with every connection of the pool in
// use warns, even though it got a connection in the end.
func TestSaturated(t *testing.T) {
	checktest.Require(t, "MariaDB", testservice.MySQLAddr)
	db := openDB(t, testservice.MySQLDSN)
	db.SetMaxOpenConns(1)
	c := checktest.MustNew(t, New, DB(db), nil)

	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	release := time.AfterFunc(200*time.Millisecond, func() { conn.Close() })
	defer release.Stop()
	r := checktest.Want(t, c, 2*time.Second, vitals.StatusWarn)
	checktest.WantMessage(t, r, "all 1 connections were in use")
	if r.Details["server_version"] == nil {
		t.Errorf("a saturated but working pool lacks server_version: %v", r.Details)
	}
}

func TestNewOptions(t *testing.T) {
	if _, err := New(nil, nil); err == nil || !strings.Contains(err.Error(), "nil DB") {
		t.Errorf("New(nil) error = %v", err)
	}
	db, err := sql.Open("mysql", testservice.MySQLDSN) // does not connect
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := New(db, &Options{Timeout: -time.Second}); err == nil || !strings.Contains(err.Error(), "negative Timeout") {
		t.Errorf("New with a negative timeout: error = %v", err)
	}
}

func TestOpenHealthy(t *testing.T) {
	checktest.Require(t, "MariaDB", testservice.MySQLAddr)
	c := checktest.MustNew(t, Open, testservice.MySQLDSN, nil)
	if r := checktest.Want(t, c, 2*time.Second, vitals.StatusPass); r.Details["max_open"] != 2 {
		t.Errorf("Details[max_open] = %v, want Open's 2", r.Details["max_open"])
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	checktest.WantMessage(t, checktest.Want(t, c, time.Second, vitals.StatusFail), "database is closed")
}

func TestOpenInvalid(t *testing.T) {
	checktest.WantRefusals(t, Open, "hunter2", []checktest.Refusal[Options]{
		{Name: "unterminated address", Arg: "root:hunter2@tcp(127.0.0.1:3306/test", Want: "parse DSN"},
		{Name: "no slash", Arg: "root:hunter2@tcp(127.0.0.1:3306)", Want: "parse DSN"},
		{Name: "bad parameter", Arg: "root:hunter2@tcp(127.0.0.1:3306)/test?timeout=soon", Want: "parse DSN"},
		{Name: "negative timeout", Arg: "root@tcp(127.0.0.1:3306)/test", Opts: &Options{Timeout: -1}, Want: "negative Timeout"},
	})
}
