package sqlcheck_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	sqlcheck "github.com/vitalsgo/vitals/checks/sql"
	"github.com/vitalsgo/vitals/internal/monitortest"
)

func check(c *sqlcheck.Checker) vitals.Result {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.Check(ctx)
}

func TestPing(t *testing.T) {
	s, _ := newServer(t)
	db := openDB(t, s)
	db.SetMaxOpenConns(4)
	r := check(checktest.MustNew(t, sqlcheck.New, sqlcheck.DB(db), nil))
	if r.Status != vitals.StatusPass || !strings.Contains(r.Message, "ping in") || r.Unit != "ms" {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
	want := map[string]any{"open": 1, "in_use": 0, "idle": 1, "max_open": 4, "wait_count": int64(0), "wait_duration": "0s", "wait_count_delta": int64(0)}
	for k, v := range want {
		if r.Details[k] != v {
			t.Errorf("%s = %#v, want %#v", k, r.Details[k], v)
		}
	}
	if _, ok := r.Details["ping_ms"].(float64); !ok {
		t.Errorf("no ping_ms in %v", r.Details)
	}
}

func TestQuery(t *testing.T) {
	s, _ := newServer(t)
	db := openDB(t, s)
	tests := []struct {
		query  string
		expect any
		ok     bool
		msg    string
	}{
		{"SELECT 1", nil, true, ""},
		{"SELECT 1", 1, true, ""},
		{"SELECT 1", "1", true, ""},
		{"SELECT 'ok'", "ok", true, ""},
		{"SELECT 1", 2, false, `query "SELECT 1" returned "1", want "2"`},
		{"SELECT NULL", "x", false, `returned "NULL"`},
		{"SELECT nothing", nil, false, "returned no rows"},
		{"SELEKT", nil, false, `syntax error at or near "SELEKT"`},
	}
	for _, tt := range tests {
		r := check(checktest.MustNew(t, sqlcheck.New, sqlcheck.DB(db), &sqlcheck.Options{Query: tt.query, Expect: tt.expect}))
		if (r.Status == vitals.StatusPass) != tt.ok || !strings.Contains(r.Message, tt.msg) {
			t.Errorf("%s = %v: %v %q", tt.query, tt.expect, r.Status, r.Message)
		}
		if r.Details["query"] != tt.query || r.Details["query_ms"] == nil {
			t.Errorf("%s: details %v", tt.query, r.Details)
		}
	}
}

func TestDown(t *testing.T) {
	s, _ := newServer(t)
	c := checktest.MustNew(t, sqlcheck.New, sqlcheck.DB(openDB(t, s)), &sqlcheck.Options{Query: "SELECT 1"})
	if r := check(c); r.Status != vitals.StatusPass {
		t.Fatalf("up: %v %q", r.Status, r.Message)
	}
	s.set(func(s *server) { s.down = true })
	r := check(c)
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "ping database: ") || !strings.Contains(r.Message, "connection refused") || !errors.Is(r.Err, errRefused) {
		t.Fatalf("down: %v %q %v", r.Status, r.Message, r.Err)
	}
	if _, ok := r.Details["open"]; !ok {
		t.Fatalf("a failure still reports the pool: %v", r.Details)
	}
	s.set(func(s *server) { s.down = false })
	if r := check(c); r.Status != vitals.StatusPass {
		t.Fatalf("back up: %v %q", r.Status, r.Message)
	}
}

func TestHungDatabaseFailsAtTimeout(t *testing.T) {
	s, _ := newServer(t)
	s.set(func(s *server) { s.hang = true })
	c := checktest.MustNew(t, sqlcheck.New, sqlcheck.DB(openDB(t, s)), nil)
	const timeout = 200 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	r := c.Check(ctx)
	if el := time.Since(start); el > timeout+time.Second {
		t.Fatalf("returned after %v, past the %v timeout", el, timeout)
	}
	if r.Status != vitals.StatusFail || !errors.Is(r.Err, context.DeadlineExceeded) {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
}

func TestSaturatedPoolWarns(t *testing.T) {
	s, _ := newServer(t)
	db := openDB(t, s)
	db.SetMaxOpenConns(1)
	c := checktest.MustNew(t, sqlcheck.New, sqlcheck.DB(db), nil)
	if r := check(c); r.Status != vitals.StatusPass {
		t.Fatalf("idle pool: %v %q", r.Status, r.Message)
	}

	// The only connection is busy when the check starts; it is released
	// while the check's ping waits for it.
	held, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	before := db.Stats().WaitCount
	t.Cleanup(func() { held.Close() }) // releases a check left waiting by a failed wait
	checked := make(chan vitals.Result, 1)
	go func() { checked <- check(c) }()
	monitortest.Eventually(t, "the check's ping waiting for the busy connection", func() bool { return db.Stats().WaitCount != before })
	held.Close()
	r := <-checked
	if r.Status != vitals.StatusWarn || !strings.Contains(r.Message, "all 1 connections were in use") {
		t.Fatalf("busy pool: %v %q", r.Status, r.Message)
	}

	// Nothing waited since: pass again.
	if r := check(c); r.Status != vitals.StatusPass {
		t.Fatalf("after release: %v %q %v", r.Status, r.Message, r.Details)
	}

	// Someone else waits for a connection between two checks.
	held, err = db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	waited := make(chan error)
	go func() { waited <- db.PingContext(context.Background()) }()
	// The first wait was the check's own.
	monitortest.Eventually(t, "the ping waiting for the busy connection", func() bool { return db.Stats().WaitCount != before+1 })
	held.Close()
	if err := <-waited; err != nil {
		t.Fatal(err)
	}
	r = check(c)
	if r.Status != vitals.StatusWarn || !strings.Contains(r.Message, "waited for a connection 1 times") || r.Details["wait_count_delta"] != int64(1) {
		t.Fatalf("after a wait: %v %q %v", r.Status, r.Message, r.Details)
	}
	if r := check(c); r.Status != vitals.StatusPass {
		t.Fatalf("quiet again: %v %q", r.Status, r.Message)
	}
}

func TestFailingSaturatedPoolSaysSo(t *testing.T) {
	s, _ := newServer(t)
	db := openDB(t, s)
	db.SetMaxOpenConns(1)
	held, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	r := checktest.MustNew(t, sqlcheck.New, sqlcheck.DB(db), nil).Check(ctx)
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "pool saturated: 1 of 1 connections in use") {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
}

func TestOpen(t *testing.T) {
	s, name := newServer(t)
	c, err := sqlcheck.Open(fakeDriver, "fake://app:s3cret@"+name+"/", &sqlcheck.Options{Query: "SELECT 1", Expect: 1})
	if err != nil {
		t.Fatal(err)
	}
	r := check(c)
	if r.Status != vitals.StatusPass || r.Details["max_open"] != 2 {
		t.Fatalf("result = %v %q %v", r.Status, r.Message, r.Details)
	}
	s.set(func(s *server) { s.down = true })
	if r := check(c); r.Status != vitals.StatusFail {
		t.Fatalf("down: %v %q", r.Status, r.Message)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	// The pool is closed: the check now fails instead of connecting.
	if r := check(c); r.Status != vitals.StatusFail || !strings.Contains(r.Message, "database is closed") {
		t.Fatalf("after Close: %v %q", r.Status, r.Message)
	}
}

func TestOpenErrorsHidePassword(t *testing.T) {
	tests := []struct{ driver, dsn, msg string }{
		{"no-such-driver", "fake://app:s3cret@db0/", "unknown driver"},
		{fakeDriver, "fake://app:s3cret@nowhere/", `no database "nowhere"`},
		{fakeDriver, "mysql://app:s3cret@db0/", "cannot parse DSN"},
		{fakeDriver, "", "required"},
		{"", "fake://db0/", "required"},
	}
	for _, tt := range tests {
		_, err := sqlcheck.Open(tt.driver, tt.dsn, nil)
		if err == nil || !strings.Contains(err.Error(), tt.msg) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Open(%q, %q) = %v, want an error with %q and without the password", tt.driver, tt.dsn, err, tt.msg)
		}
	}
}

func TestNewOwnsNothing(t *testing.T) {
	s, _ := newServer(t)
	db := openDB(t, s)
	c := checktest.MustNew(t, sqlcheck.New, sqlcheck.DB(db), nil)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(); err != nil {
		t.Fatalf("Close closed the application's pool: %v", err)
	}
}

func TestInvalidOptions(t *testing.T) {
	s, _ := newServer(t)
	db := openDB(t, s)
	if _, err := sqlcheck.New(nil, nil); err == nil {
		t.Error("nil db: no error")
	}
	if _, err := sqlcheck.New(db, &sqlcheck.Options{Expect: 1}); err == nil {
		t.Error("Expect without Query: no error")
	}
	if _, err := sqlcheck.New(db, &sqlcheck.Options{MaxOpenConns: -1}); err == nil {
		t.Error("negative MaxOpenConns: no error")
	}
}
