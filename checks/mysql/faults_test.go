package mysql

import (
	"context"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/internal/testproxy"
	"github.com/vitalsgo/vitals/internal/testservice"
)

const (
	passwordUser   = "vitals_pw"
	passwordSecret = "vitals-secret"
)

// userWithPassword returns a user whose login a wrong password fails. That
// is root (scripts/services gives root@127.0.0.1 an empty
// mysql_native_password), unless this server lets root in whatever the
// password; then it is vitals_pw, created here as root.
func userWithPassword(t *testing.T) string {
	t.Helper()
	db := openDB(t, withAddr(t, "", "root", "surely-not-roots-password"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		return "root"
	}
	root := openDB(t, testservice.MySQLDSN)
	for _, host := range []string{"127.0.0.1", "localhost"} {
		for _, stmt := range []string{
			"CREATE USER IF NOT EXISTS '" + passwordUser + "'@'" + host + "' IDENTIFIED WITH mysql_native_password",
			"ALTER USER '" + passwordUser + "'@'" + host + "' IDENTIFIED WITH mysql_native_password USING PASSWORD('" + passwordSecret + "')",
		} {
			if _, err := root.ExecContext(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
	}
	return passwordUser
}

// TestConformance runs the checker suite against MariaDB, wrong
// credentials included.
func TestConformance(t *testing.T) {
	checktest.Require(t, "MariaDB", testservice.MySQLAddr)
	user := userWithPassword(t)
	// Options.Timeout is also the driver's dial timeout; past the suite's
	// deadline, so that the deadline is what ends a check.
	opts := &Options{Timeout: time.Minute}
	checktest.Run(t, checktest.Config{
		Name: "MariaDB",
		Addr: testservice.MySQLAddr,
		Open: func(addr string) (checktest.Checker, error) {
			return Open(withAddr(t, addr, "", ""), opts)
		},
		OpenWithPassword: func(addr, password string) (checktest.Checker, error) {
			return Open(withAddr(t, addr, user, password), opts)
		},
		Details: []string{"server_version", "ping_ms", "open"},
	})
}

// TestWrongPasswordMessage: a refused login says so in the server's words.
func TestWrongPasswordMessage(t *testing.T) {
	checktest.Require(t, "MariaDB", testservice.MySQLAddr)
	user := userWithPassword(t)
	c := checktest.MustNew(t, Open, withAddr(t, "", user, "wrong-secret-42"), nil)
	checktest.WantMessage(t, checktest.Want(t, c, 5*time.Second, vitals.StatusFail), "Access denied for user '"+user+"'")
}

// TestProxyCutRestore: the application's pool loses its connection with
// the network, the check fails with the new dial's refusal while no new
// one can be made, and passes once the network is back and database/sql
// has dialed again.
func TestProxyCutRestore(t *testing.T) {
	checktest.Require(t, "MariaDB", testservice.MySQLAddr)
	p := testproxy.Start(t, testservice.MySQLAddr)
	c := checktest.MustNew(t, New, DB(openDB(t, withAddr(t, p.Addr(), "", ""))), nil)
	checktest.Want(t, c, 2*time.Second, vitals.StatusPass)
	p.Cut()
	checktest.WantMessage(t, checktest.Want(t, c, 2*time.Second, vitals.StatusFail), "connection refused")
	p.Restore()
	checktest.Want(t, c, 2*time.Second, vitals.StatusPass)
}

// TestStall: a server that stops answering on a live connection fails the
// check at its deadline.
func TestStall(t *testing.T) {
	checktest.Require(t, "MariaDB", testservice.MySQLAddr)
	p := testproxy.Start(t, testservice.MySQLAddr)
	c := checktest.MustNew(t, Open, withAddr(t, p.Addr(), "", ""), nil)
	checktest.WantStall(t, c, p, 500*time.Millisecond)
	// The stalled connection is gone (the driver closes a connection whose
	// query was cancelled); a new one works once the server answers.
	p.Restore()
	checktest.Want(t, c, 2*time.Second, vitals.StatusPass)
}

// TestBrokenPooledConnection: a pooled connection that broke since its last
// use (here: the network blinked) is not the server's fault; the check
// passes on a fresh connection. The driver's liveness check, which would
// catch most such connections before use, is off so that every one reaches
// the ping, as it does when the break comes just after that check.
func TestBrokenPooledConnection(t *testing.T) {
	checktest.Require(t, "MariaDB", testservice.MySQLAddr)
	p := testproxy.Start(t, testservice.MySQLAddr)
	cfg, err := mysql.ParseDSN(withAddr(t, p.Addr(), "", ""))
	if err != nil {
		t.Fatal(err)
	}
	cfg.CheckConnLiveness = false
	c := checktest.MustNew(t, New, DB(openDB(t, cfg.FormatDSN())), nil)
	for range 3 {
		checktest.Want(t, c, 2*time.Second, vitals.StatusPass)
		p.Cut()
		p.Restore()
	}
}
