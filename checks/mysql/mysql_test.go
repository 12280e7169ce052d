package mysql

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/testservice"
)

// check runs c.Check with a timeout, as the monitor does.
func check(t *testing.T, c *Checker, timeout time.Duration) (vitals.Result, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	r := c.Check(ctx)
	return r, time.Since(start)
}

func openDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatalf("sql.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newChecker(t *testing.T, db DB, opts *Options) *Checker {
	t.Helper()
	c, err := New(db, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func open(t *testing.T, dsn string, opts *Options) *Checker {
	t.Helper()
	c, err := Open(dsn, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func wantStatus(t *testing.T, r vitals.Result, want vitals.Status) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status = %v (%q), want %v", r.Status, r.Message, want)
	}
}

// withAddr returns the test DSN with another address, user and password,
// and a dial timeout.
func withAddr(t *testing.T, addr, user, password string) string {
	t.Helper()
	cfg, err := mysql.ParseDSN(testservice.MySQLDSN)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Timeout = 2 * time.Second
	if addr != "" {
		cfg.Addr = addr
	}
	if user != "" {
		cfg.User, cfg.Passwd = user, password
	}
	return cfg.FormatDSN()
}

func TestHealthy(t *testing.T) {
	testservice.Require(t, "MariaDB", testservice.MySQLAddr)
	c := newChecker(t, openDB(t, testservice.MySQLDSN), nil)

	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)
	v, _ := r.Details["server_version"].(string)
	if v == "" {
		t.Fatalf("Details[server_version] = %v, want the server's version", r.Details["server_version"])
	}
	if !strings.Contains(r.Message, strings.SplitN(v, "-", 2)[0]) {
		t.Errorf("message %q does not name version %s", r.Message, v)
	}
	for _, k := range []string{"open", "in_use", "idle", "max_open", "wait_count", "ping_ms", "version_ms"} {
		if _, ok := r.Details[k]; !ok {
			t.Errorf("Details lack %q: %v", k, r.Details)
		}
	}
	if rtt, ok := r.Observed.(float64); !ok || rtt <= 0 || r.Unit != "ms" {
		t.Errorf("Observed = %v %q, want a positive RTT in ms", r.Observed, r.Unit)
	}
	// No deadline: Options.Timeout bounds the check.
	wantStatus(t, c.Check(context.Background()), vitals.StatusPass)
}

// TestSaturated: a check that began with every connection of the pool in
// use warns, even though it got a connection in the end.
func TestSaturated(t *testing.T) {
	testservice.Require(t, "MariaDB", testservice.MySQLAddr)
	db := openDB(t, testservice.MySQLDSN)
	db.SetMaxOpenConns(1)
	c := newChecker(t, db, nil)

	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	release := time.AfterFunc(200*time.Millisecond, func() { conn.Close() })
	defer release.Stop()
	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusWarn)
	if !strings.Contains(r.Message, "all 1 connections were in use") {
		t.Errorf("message %q does not count the connections in use", r.Message)
	}
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
	testservice.Require(t, "MariaDB", testservice.MySQLAddr)
	c := open(t, testservice.MySQLDSN, nil)

	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)
	if r.Details["max_open"] != 2 {
		t.Errorf("Details[max_open] = %v, want Open's 2", r.Details["max_open"])
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	r, _ = check(t, c, time.Second)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "database is closed") {
		t.Errorf("after Close: %q, want a closed pool", r.Message)
	}
}

func TestOpenInvalid(t *testing.T) {
	tests := []struct {
		name, dsn string
		opts      *Options
		want      string
	}{
		{"unterminated address", "root:hunter2@tcp(127.0.0.1:3306/test", nil, "parse DSN"},
		{"no slash", "root:hunter2@tcp(127.0.0.1:3306)", nil, "parse DSN"},
		{"bad parameter", "root:hunter2@tcp(127.0.0.1:3306)/test?timeout=soon", nil, "parse DSN"},
		{"negative timeout", "root@tcp(127.0.0.1:3306)/test", &Options{Timeout: -1}, "negative Timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Open(tt.dsn, tt.opts)
			if err == nil {
				c.Close()
				t.Fatalf("Open(%q) succeeded", tt.dsn)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}
