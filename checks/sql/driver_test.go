package sqlcheck_test

// A tiny database/sql/driver implementation for testing sqlcheck in the
// core module, which may not depend on real drivers, not even in tests
// (test imports become requirements of the core go.mod, and the core stays
// stdlib-only apart from goleak). This is the one place where vitals
// tests a checker against a stand-in: the same checker runs against real
// PostgreSQL and MariaDB servers in the tests of the checks/postgres and
// checks/mysql driver modules. What this fake exercises is database/sql
// itself — its pool, its waits and its statistics are real.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sync"
	"testing"
)

const fakeDriver = "vitals-fake"

func init() { sql.Register(fakeDriver, fakeDrv{}) }

// server is the state of one fake database.
type server struct {
	mu    sync.Mutex
	down  bool // pings and queries fail
	hang  bool // pings block until their context ends
	pings int
}

func (s *server) set(f func(s *server)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

var (
	serversMu sync.Mutex
	servers   = map[string]*server{}
)

// newServer registers a fake database; DSNs name it as their host:
// fake://user:password@<name>/.
func newServer(t *testing.T) (*server, string) {
	s := &server{}
	serversMu.Lock()
	defer serversMu.Unlock()
	name := fmt.Sprintf("db%d", len(servers))
	servers[name] = s
	return s, name
}

// openDB opens a pool on s, closed when the test ends.
func openDB(t *testing.T, s *server) *sql.DB {
	t.Helper()
	db := sql.OpenDB(connector{s})
	t.Cleanup(func() { db.Close() })
	return db
}

type fakeDrv struct{}

func (fakeDrv) Open(dsn string) (driver.Conn, error) {
	c, err := fakeDrv{}.OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

// OpenConnector parses the DSN; like many drivers, it quotes the DSN in
// full when it cannot.
func (fakeDrv) OpenConnector(dsn string) (driver.Connector, error) {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme != "fake" {
		return nil, fmt.Errorf("cannot parse DSN %s: want fake://user:password@db/", dsn)
	}
	serversMu.Lock()
	s, ok := servers[u.Host]
	serversMu.Unlock()
	if !ok {
		return nil, fmt.Errorf("no database %q", u.Host)
	}
	return connector{s}, nil
}

type connector struct{ s *server }

func (c connector) Connect(context.Context) (driver.Conn, error) { return &conn{s: c.s}, nil }
func (c connector) Driver() driver.Driver                        { return fakeDrv{} }

type conn struct{ s *server }

var errRefused = errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")

func (c *conn) Ping(ctx context.Context) error {
	c.s.mu.Lock()
	c.s.pings++
	down, hang := c.s.down, c.s.hang
	c.s.mu.Unlock()
	if hang {
		<-ctx.Done()
		return ctx.Err()
	}
	if down {
		return errRefused
	}
	return nil
}

// QueryContext knows a few queries.
func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.s.mu.Lock()
	down := c.s.down
	c.s.mu.Unlock()
	if down {
		return nil, errRefused
	}
	switch query {
	case "SELECT 1":
		return &rows{vals: []driver.Value{int64(1)}}, nil
	case "SELECT 'ok'":
		return &rows{vals: []driver.Value{[]byte("ok")}}, nil
	case "SELECT NULL":
		return &rows{vals: []driver.Value{nil}}, nil
	case "SELECT nothing":
		return &rows{}, nil
	}
	return nil, fmt.Errorf("syntax error at or near %q", query)
}

func (c *conn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("prepare: not supported") }
func (c *conn) Close() error                        { return nil }
func (c *conn) Begin() (driver.Tx, error)           { return nil, errors.New("begin: not supported") }

// rows is a one-column result of len(vals) rows.
type rows struct {
	vals []driver.Value
	i    int
}

func (r *rows) Columns() []string { return []string{"v"} }
func (r *rows) Close() error      { return nil }
func (r *rows) Next(dest []driver.Value) error {
	if r.i >= len(r.vals) {
		return io.EOF
	}
	dest[0] = r.vals[r.i]
	r.i++
	return nil
}
