package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/postgres"
	"github.com/vitalsgo/vitals/internal/testservice"
)

const timeout = 2 * time.Second

// dsnAt returns the test DSN pointed at addr instead of the server.
func dsnAt(t *testing.T, addr string) string {
	t.Helper()
	u, err := url.Parse(testservice.PostgresDSN)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = addr
	return u.String()
}

func newPool(t *testing.T, dsn string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func TestHealthy(t *testing.T) {
	checktest.Require(t, "PostgreSQL", testservice.PostgresAddr)
	pool := newPool(t, testservice.PostgresDSN)
	c := checktest.MustNew(t, postgres.New, postgres.Pool(pool), nil)

	r := checktest.Want(t, c, timeout, vitals.StatusPass)
	version, _ := r.Details["server_version"].(string)
	if version == "" {
		t.Errorf("no server_version in details %v", r.Details)
	}
	if !strings.HasPrefix(r.Message, "PostgreSQL "+strings.Fields(version)[0]) {
		t.Errorf("message %q does not name the version %q", r.Message, version)
	}
	checktest.WantRTT(t, r)
	for _, key := range []string{"pool_total", "pool_idle", "pool_acquired", "pool_max", "pool_acquire_count", "pool_empty_acquire_count", "acquire_ms"} {
		if _, ok := r.Details[key]; !ok {
			t.Errorf("details lack %s: %v", key, r.Details)
		}
	}
	if got := r.Details["pool_max"]; got != pool.Stat().MaxConns() {
		t.Errorf("pool_max %v, want %d", got, pool.Stat().MaxConns())
	}

	// The second check counts the first one's acquire and finds its
	// connection idle.
	r = checktest.Want(t, c, timeout, vitals.StatusPass)
	if got := r.Details["pool_acquire_count"]; got != int64(1) {
		t.Errorf("pool_acquire_count %v after one check, want 1", got)
	}
	if got := r.Details["pool_idle"]; got != int32(1) {
		t.Errorf("pool_idle %v after one check, want 1", got)
	}
}

func TestQuery(t *testing.T) {
	checktest.Require(t, "PostgreSQL", testservice.PostgresAddr)
	pool := newPool(t, testservice.PostgresDSN)

	r := checktest.Want(t, checktest.MustNew(t, postgres.New, postgres.Pool(pool), &postgres.Options{Query: "SELECT count(*) FROM pg_stat_activity"}), timeout, vitals.StatusPass)

	r = checktest.Want(t, checktest.MustNew(t, postgres.New, postgres.Pool(pool), &postgres.Options{Query: "SELECT * FROM vitals_no_such_table"}), timeout, vitals.StatusFail)
	if !strings.Contains(r.Message, "query postgres") || !strings.Contains(r.Message, "does not exist") {
		t.Errorf("message %q does not say the query failed on a missing table", r.Message)
	}
	if r.Details["server_version"] == "" {
		t.Errorf("a failed query still reports the server version: %v", r.Details)
	}
}

// TestSaturated holds the only connection of a one-connection pool, as a
// busy service would.
func TestSaturated(t *testing.T) {
	checktest.Require(t, "PostgreSQL", testservice.PostgresAddr)
	pool := newPool(t, testservice.PostgresDSN+"&pool_max_conns=1")
	c := checktest.MustNew(t, postgres.New, postgres.Pool(pool), nil)

	held, err := pool.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	t.Run("no connection within the deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		r := c.Check(ctx)
		checktest.WantStatus(t, r, vitals.StatusFail)
		if !strings.Contains(r.Message, "pool saturated: 1 of 1 connections in use") {
			t.Errorf("message %q does not say the pool is saturated", r.Message)
		}
	})

	t.Run("connection freed while waiting", func(t *testing.T) {
		release := time.AfterFunc(100*time.Millisecond, held.Release)
		defer release.Stop()
		r := checktest.Want(t, c, timeout, vitals.StatusWarn)
		if r.Message != "pool saturated: 1 of 1 connections in use" {
			t.Errorf("message %q", r.Message)
		}
		if r.Details["pool_acquired"] != int32(1) || r.Details["pool_max"] != int32(1) {
			t.Errorf("details %v, want pool_acquired = pool_max = 1", r.Details)
		}
	})

	// Once the service gives its connection back, the check passes.
	checktest.Want(t, c, timeout, vitals.StatusPass)
}

func TestWrongPassword(t *testing.T) {
	checktest.Require(t, "PostgreSQL", testservice.PostgresAddr)
	const wrong = "not-the-vitals-password"
	dsn := func(pw string) string {
		u, _ := url.Parse(dsnAt(t, testservice.PostgresAddr))
		u.User = url.UserPassword(testservice.PostgresPasswordRole, pw)
		return u.String()
	}

	// The right password works, so the failure below is the password's.
	checktest.Want(t, checktest.MustNew(t, postgres.Open, dsn(testservice.PostgresPasswordSecret), nil), timeout, vitals.StatusPass)

	r := checktest.Want(t, checktest.MustNew(t, postgres.Open, dsn(wrong), nil), timeout, vitals.StatusFail)
	if !strings.Contains(r.Message, "authentication failed") {
		t.Errorf("message %q does not say authentication failed", r.Message)
	}
	all := r.Message + " " + r.Err.Error() + " " + fmt.Sprint(r.Details)
	if strings.Contains(all, wrong) {
		t.Errorf("result quotes the password: %s", all)
	}
}

func TestOpenErrors(t *testing.T) {
	const secret = "s3cret-pw"
	tests := []struct {
		name, dsn string
		opts      *postgres.Options
	}{
		{"bad port", "postgres://u:" + secret + "@127.0.0.1:notaport/db", nil},
		{"bad keyword value", "host=127.0.0.1 password=" + secret + " port=x", nil},
		{"negative connect timeout", testservice.PostgresDSN, &postgres.Options{ConnectTimeout: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := postgres.Open(tt.dsn, tt.opts)
			if err == nil {
				c.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.HasPrefix(err.Error(), "postgres: ") || strings.Contains(err.Error(), secret) {
				t.Errorf("error %q: want a postgres: prefix and no password", err)
			}
		})
	}
}

func TestClosedPool(t *testing.T) {
	checktest.Require(t, "PostgreSQL", testservice.PostgresAddr)
	pool, err := pgxpool.New(context.Background(), testservice.PostgresDSN)
	if err != nil {
		t.Fatal(err)
	}
	pool.Close()
	r := checktest.Want(t, checktest.MustNew(t, postgres.New, postgres.Pool(pool), nil), timeout, vitals.StatusFail)
	if !strings.Contains(r.Message, "closed pool") {
		t.Errorf("message %q does not say the pool is closed", r.Message)
	}
}

func TestConformance(t *testing.T) {
	checktest.Run(t, checktest.Config{
		Name:    "PostgreSQL",
		Details: []string{"server_version", "pool_total", "acquire_ms"},
		Addr:    testservice.PostgresAddr,
		Open: func(addr string) (checktest.Checker, error) {
			return postgres.Open("postgres://postgres@"+addr+"/test?sslmode=disable", nil)
		},
		OpenWithPassword: func(addr, password string) (checktest.Checker, error) {
			return postgres.Open("postgres://"+testservice.PostgresPasswordRole+":"+password+"@"+addr+"/test?sslmode=disable", nil)
		},
	})
}
