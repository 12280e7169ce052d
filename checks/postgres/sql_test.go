package postgres_test

import (
	"database/sql"
	"net/url"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	sqlcheck "github.com/vitalsgo/vitals/checks/sql"
	"github.com/vitalsgo/vitals/internal/testservice"
)

// A service on database/sql with pgx's stdlib driver is checked by the
// core's database/sql checker; this module adds nothing for it.
func TestDatabaseSQL(t *testing.T) {
	checktest.Require(t, "PostgreSQL", testservice.PostgresAddr)

	t.Run("New with the service's *sql.DB", func(t *testing.T) {
		db, err := sql.Open("pgx", testservice.PostgresDSN)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		c, err := sqlcheck.New(db, &sqlcheck.Options{Query: "SELECT 1", Expect: 1})
		if err != nil {
			t.Fatal(err)
		}
		checktest.Want(t, c, timeout, vitals.StatusPass)
	})

	t.Run("Open", func(t *testing.T) {
		c, err := sqlcheck.Open("pgx", testservice.PostgresDSN, &sqlcheck.Options{Query: "SHOW server_version"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		checktest.Want(t, c, timeout, vitals.StatusPass)
	})

	t.Run("wrong password", func(t *testing.T) {
		const wrong = "not-the-vitals-password"
		u, _ := url.Parse(testservice.PostgresDSN)
		u.User = url.UserPassword(testservice.PostgresPasswordRole, wrong)
		c, err := sqlcheck.Open("pgx", u.String(), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		r := checktest.Want(t, c, timeout, vitals.StatusFail)
		if !strings.Contains(r.Message, "authentication failed") || strings.Contains(r.Message, wrong) {
			t.Errorf("message %q: want authentication failed, without the password", r.Message)
		}
	})

	t.Run("closed port", func(t *testing.T) {
		c, err := sqlcheck.Open("pgx", dsnAt(t, testservice.ClosedAddr(t)), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		r := checktest.Want(t, c, timeout, vitals.StatusFail)
		if !strings.Contains(r.Message, "refused") {
			t.Errorf("message %q does not say the connection was refused", r.Message)
		}
	})
}
