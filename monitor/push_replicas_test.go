package monitor_test

import (
	"database/sql"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// A push acknowledged (200) by a replica that does not run its target
// reaches the owner even when the owner's LISTEN connection is being
// opened again (a PostgreSQL restart, a dropped connection) and misses the
// NOTIFY: the push is kept in the database, and the owner reads it within
// a renewal period. (Found by an adversarial review: it was lost, and the
// target failed at every + grace though the job had pushed.)
func TestPushReachesTheOwnerThatMissedItsNotice(t *testing.T) {
	dsn, _, _, a, b := twoReplicas(t, 8, 500*time.Millisecond)
	owner, other := a, b
	if _, err := a.Targets().State("job"); err != nil {
		owner, other = b, a
	}
	lastPush := func() string {
		st, err := owner.Targets().State("job")
		if err != nil {
			return ""
		}
		return st.Last.Message
	}
	push := func(msg string) {
		t.Helper()
		if code, body := post(t, other.url+"/api/v1/push/replica-push-token-0001?msg="+msg); code != http.StatusOK {
			t.Fatalf("push = %d %s", code, body)
		}
	}
	push("first")
	waitFor(t, 20*time.Second, "the owner reports the first push", func() bool { return strings.Contains(lastPush(), "first") })

	// The push listeners' connections drop, as in a PostgreSQL restart.
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	terminate(t, db)
	// The push lands while the owner's listener waits to listen again.
	// The replica that takes it may answer 503 (its own connection was
	// dropped too, so the push is not kept): the job pushes again, as
	// told.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		code, body := post(t, other.url+"/api/v1/push/replica-push-token-0001?msg=second")
		if code == http.StatusOK {
			break
		}
		if code != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("push = %d %s", code, body)
		}
	}

	deadline := time.Now().Add(40 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(lastPush(), "second") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("the job's second push was answered 200 by the replica that does not run it; 40 s on, the owner still reports %q", lastPush())
}

// terminate ends every other connection to the test's database, the
// replicas' listeners among them, as a PostgreSQL restart does.
func terminate(t *testing.T, db *sql.DB) {
	t.Helper()
	if _, err := db.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
}
