package mysql

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/vitalsgo/vitals"
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

func TestWrongPassword(t *testing.T) {
	testservice.Require(t, "MariaDB", testservice.MySQLAddr)
	const wrong = "wrong-secret-42"
	user := userWithPassword(t)
	c := open(t, withAddr(t, "", user, wrong), nil)

	r, _ := check(t, c, 5*time.Second)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "Access denied for user '"+user+"'") {
		t.Errorf("message %q does not say the login was refused", r.Message)
	}
	if strings.Contains(r.Message, wrong) || strings.Contains(r.Err.Error(), wrong) {
		t.Errorf("result %q shows the password", r.Message)
	}
}

func TestClosedPort(t *testing.T) {
	addr := testservice.ClosedAddr(t)
	c := open(t, "root:hunter2@tcp("+addr+")/test", nil)

	r, elapsed := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "connection refused") || !strings.Contains(r.Message, addr) {
		t.Errorf("message %q does not say that %s refused the connection", r.Message, addr)
	}
	if strings.Contains(r.Message, "hunter2") {
		t.Errorf("message %q shows the password", r.Message)
	}
	if elapsed > time.Second {
		t.Errorf("a refused connection took %v to report", elapsed)
	}
}

// TestBlackhole: a server that accepts the connection and never greets
// fails the check at its deadline, not at the driver's dial timeout.
func TestBlackhole(t *testing.T) {
	addr := testservice.BlackholeAddr(t)
	c := open(t, "root@tcp("+addr+")/test", &Options{Timeout: 10 * time.Second})

	const timeout = time.Second
	r, elapsed := check(t, c, timeout)
	wantStatus(t, r, vitals.StatusFail)
	if elapsed > timeout+time.Second {
		t.Errorf("check took %v with a %v deadline", elapsed, timeout)
	}
	if !strings.Contains(r.Message, "deadline exceeded") && !strings.Contains(r.Message, "timeout") {
		t.Errorf("message %q does not say the check timed out", r.Message)
	}
}

// TestProxyCutRestore: the pool's connection dies with the network, the
// check fails while no new one can be made, and passes once the network is
// back and database/sql has dialed again.
func TestProxyCutRestore(t *testing.T) {
	testservice.Require(t, "MariaDB", testservice.MySQLAddr)
	p := testproxy.Start(t, testservice.MySQLAddr)
	db := openDB(t, withAddr(t, p.Addr(), "", ""))
	c := newChecker(t, db, nil)
	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)

	p.Cut()
	r, _ = check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "connection refused") {
		t.Errorf("message %q: want the new dial's refusal", r.Message)
	}

	p.Restore()
	r, _ = check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)
}

// TestStall: a server that stops answering on a live connection fails the
// check at its deadline.
func TestStall(t *testing.T) {
	testservice.Require(t, "MariaDB", testservice.MySQLAddr)
	p := testproxy.Start(t, testservice.MySQLAddr)
	c := open(t, withAddr(t, p.Addr(), "", ""), nil)
	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)

	p.Blackhole()
	const timeout = 500 * time.Millisecond
	r, elapsed := check(t, c, timeout)
	wantStatus(t, r, vitals.StatusFail)
	if elapsed > timeout+time.Second {
		t.Errorf("check took %v with a %v deadline", elapsed, timeout)
	}

	// The stalled connection is gone (the driver closes a connection whose
	// query was cancelled); a new one works once the server answers.
	p.Restore()
	r, _ = check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)
}

// TestBrokenPooledConnection: a pooled connection that broke since its last
// use (here: the network blinked) is not the server's fault; the check
// passes on a fresh connection. The driver's liveness check, which would
// catch most such connections before use, is off so that every one reaches
// the ping, as it does when the break comes just after that check.
func TestBrokenPooledConnection(t *testing.T) {
	testservice.Require(t, "MariaDB", testservice.MySQLAddr)
	p := testproxy.Start(t, testservice.MySQLAddr)
	cfg, err := mysql.ParseDSN(withAddr(t, p.Addr(), "", ""))
	if err != nil {
		t.Fatal(err)
	}
	cfg.CheckConnLiveness = false
	c := newChecker(t, openDB(t, cfg.FormatDSN()), nil)
	for range 3 {
		r, _ := check(t, c, 2*time.Second)
		wantStatus(t, r, vitals.StatusPass)
		p.Cut()
		p.Restore()
	}
}
