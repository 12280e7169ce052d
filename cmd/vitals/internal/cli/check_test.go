package cli

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	badgerdb "github.com/dgraph-io/badger/v4"
	"go.etcd.io/bbolt"

	"github.com/vitalsgo/vitals/internal/testservice"
)

func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vitals.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Every driver-backed type passes against its real server.
func TestCheckRealServices(t *testing.T) {
	t.Parallel()
	tests := []struct {
		service, addr string
		check         string
	}{
		{"PostgreSQL", testservice.PostgresAddr, "type: postgres\n    dsn: " + testservice.PostgresDSN},
		{"MariaDB", testservice.MySQLAddr, "type: mysql\n    dsn: " + testservice.MySQLDSN},
		{"Redis", testservice.RedisAddr, "type: redis\n    url: redis://" + testservice.RedisAddr + "\n    round_trip: true"},
		{"RabbitMQ", testservice.AMQPAddr, "type: amqp\n    url: " + testservice.AMQPURL + "\n    loopback: true"},
		{"Mosquitto", testservice.MQTTAddr, "type: mqtt\n    url: " + testservice.MQTTURL + "\n    loopback: true"},
		{"NATS", testservice.NATSAddr, "type: nats\n    url: " + testservice.NATSURL + "\n    loopback: true"},
		{"etcd", testservice.EtcdAddr, "type: etcd\n    endpoints: [" + testservice.EtcdEndpoint + "]\n    round_trip: true"},
		{"memcached", testservice.MemcachedAddr, "type: memcached\n    servers: " + testservice.MemcachedAddr},
		{"MongoDB (FerretDB)", testservice.MongoAddr, "type: mongo\n    uri: " + testservice.MongoURI},
		{"Consul", testservice.ConsulAddr, "type: consul\n    address: " + testservice.ConsulAddr + "\n    round_trip: true"},
	}
	for _, tt := range tests {
		t.Run(tt.service, func(t *testing.T) {
			t.Parallel()
			testservice.Require(t, tt.service, tt.addr)
			path := writeConfig(t, "checks:\n  - name: dep\n    timeout: 10s\n    "+tt.check+"\n")
			r := vitalsRun(t, "check", "--config", path)
			if r.code != 0 || !strings.Contains(r.stdout, "dep   pass") {
				t.Errorf("want a passing check, got %s", r)
			}
		})
	}
}

// One file with every driver-backed type against its real server, the
// AMQP URL and its password from the environment: every check passes and
// the run exits 0. A critical check that the real PostgreSQL refuses (no
// such database) then fails the run with exit 1, and only that check.
func TestCheckRealServicesOneFile(t *testing.T) {
	t.Parallel()
	for _, s := range []struct{ name, addr string }{
		{"PostgreSQL", testservice.PostgresAddr}, {"MariaDB", testservice.MySQLAddr}, {"Redis", testservice.RedisAddr},
		{"RabbitMQ", testservice.AMQPAddr}, {"Mosquitto", testservice.MQTTAddr}, {"NATS", testservice.NATSAddr},
		{"etcd", testservice.EtcdAddr}, {"memcached", testservice.MemcachedAddr},
		{"MongoDB (FerretDB)", testservice.MongoAddr}, {"Consul", testservice.ConsulAddr},
	} {
		testservice.Require(t, s.name, s.addr)
	}
	api := startService(t, true)
	cfg := fmt.Sprintf(`service: {name: shop, version: "2.0"}
listen: "127.0.0.1:0"
checks:
  - {name: postgres, type: postgres, dsn: %q, timeout: 10s}
  - {name: mysql, type: mysql, dsn: %q, timeout: 10s}
  - {name: redis, type: redis, url: "redis://%s", round_trip: true, timeout: 10s}
  - {name: amqp, type: amqp, url: "${AMQP_URL}", loopback: true, timeout: 10s}
  - {name: mqtt, type: mqtt, url: %q, loopback: true, timeout: 10s}
  - {name: nats, type: nats, url: %q, loopback: true, timeout: 10s}
  - {name: etcd, type: etcd, endpoints: [%q], round_trip: true, timeout: 10s}
  - {name: memcached, type: memcached, servers: %q, timeout: 10s}
  - {name: mongo, type: mongo, uri: %q, timeout: 10s}
  - {name: consul, type: consul, address: %q, round_trip: true, timeout: 10s}
  - {name: api, type: http, url: "%s/readyz", groups: [readiness, startup], failure_threshold: 2, interval: 5s}
`, testservice.PostgresDSN, testservice.MySQLDSN, testservice.RedisAddr, testservice.MQTTURL,
		testservice.NATSURL, testservice.EtcdEndpoint, testservice.MemcachedAddr, testservice.MongoURI,
		testservice.ConsulAddr, api.url)
	env := []string{"AMQP_URL=" + testservice.AMQPURL}
	names := []string{"postgres", "mysql", "redis", "amqp", "mqtt", "nats", "etcd", "memcached", "mongo", "consul", "api"}

	r := vitalsRunEnv(t, env, "check", "--config", writeConfig(t, cfg), "--output", "json")
	if r.code != 0 {
		t.Fatalf("want exit 0, got %s", r)
	}
	got := statuses(t, r.stdout)
	for _, name := range append(names, "") {
		if got[name] != "pass" {
			t.Errorf("%q: status %q, want pass\n%s", name, got[name], r.stdout)
		}
	}

	u, err := url.Parse(testservice.PostgresDSN)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/vitals_no_such_database"
	failing := cfg + fmt.Sprintf("  - {name: orders-db, type: postgres, dsn: %q, timeout: 10s}\n", u.String())
	r = vitalsRunEnv(t, env, "check", "--config", writeConfig(t, failing))
	lines := strings.Split(r.stdout, "\n")
	if r.code != 1 || !hasRow(lines, "orders-db", "fail") || !strings.Contains(r.stdout, "vitals_no_such_database") {
		t.Fatalf("want exit 1 with orders-db failing on the missing database, got %s", r)
	}
	for _, name := range names {
		if !hasRow(lines, name, "pass") {
			t.Errorf("%s does not pass beside the failing check:\n%s", name, r.stdout)
		}
	}
	if strings.Contains(r.stdout+r.stderr, "guest:guest@") {
		t.Errorf("output shows the AMQP password:\n%s", r)
	}
}

func TestCheckEmbeddedDatabases(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	boltPath := filepath.Join(dir, "app.db")
	db, err := bbolt.Open(boltPath, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket([]byte("users")); return err }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	badgerPath := filepath.Join(dir, "badger")
	bdb, err := badgerdb.Open(badgerdb.DefaultOptions(badgerPath).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := bdb.Update(func(txn *badgerdb.Txn) error { return txn.Set([]byte("schema"), []byte("1")) }); err != nil {
		t.Fatal(err)
	}
	bdb.Close()

	path := writeConfig(t, fmt.Sprintf(`checks:
  - {name: bolt, type: bolt, path: %q, bucket: users}
  - {name: bolt-missing-bucket, type: bolt, path: %q, bucket: orders, critical: false}
  - {name: badger, type: badger, path: %q, key: schema}
`, boltPath, boltPath, badgerPath))
	r := vitalsRun(t, "check", "--config", path, "--output", "json")
	if r.code != 0 {
		t.Fatalf("want exit 0, got %s", r)
	}
	got := statuses(t, r.stdout)
	want := map[string]string{"bolt": "pass", "bolt-missing-bucket": "fail", "badger": "pass"}
	for name, st := range want {
		if got[name] != st {
			t.Errorf("%s: status %q, want %q\n%s", name, got[name], st, r.stdout)
		}
	}
}

func statuses(t *testing.T, out string) map[string]string {
	t.Helper()
	var doc struct {
		Status string
		Checks []struct{ Name, Status, Message string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	m := map[string]string{"": doc.Status}
	for _, c := range doc.Checks {
		m[c.Name] = c.Status
	}
	return m
}

// The stdlib checkers and the remote ones against this test's servers, in
// one file: the table shows each, and the exit code follows criticality.
func TestCheckTableAndExitCode(t *testing.T) {
	t.Parallel()
	up := startService(t, true)
	down := startService(t, false)
	closed := testservice.ClosedAddr(t)
	tlsSrv := httptest.NewTLSServer(nil)
	defer tlsSrv.Close()
	base := fmt.Sprintf(`service:
  name: shop
  version: "1.0"
checks:
  - {name: api, type: http, url: "%s/readyz", timeout: 2s}
  - {name: api-remote, type: remote, url: "%s/readyz"}
  - {name: users, type: grpc, address: "%s", plaintext: true}
  - {name: port, type: tcp, address: "%s"}
  - {name: port-from-env, type: tcp, address: "${PORT_ADDR}"}
  - {name: cert, type: tls, address: "%s", insecure: true}
  - {name: resolver, type: dns, host: localhost}
  - {name: disk, type: disk, path: /, fail_free_percent: 0.001, warn_free_percent: 0.002}
  - {name: scratch, type: writable, path: %q}
  - {name: memory, type: memory, fail_heap_bytes: 1TiB}
  - {name: goroutines, type: goroutines}
  - {name: off, type: tcp, address: "%s", enabled: false}
  - {name: optional, type: tcp, address: "%s", critical: false, timeout: 1s}
`, up.url, up.url, up.grpcAddr, up.grpcAddr, tlsSrv.Listener.Addr(), t.TempDir(), closed, closed)
	env := []string{"PORT_ADDR=" + up.grpcAddr}

	r := vitalsRunEnv(t, env, "check", "--config", writeConfig(t, base))
	if r.code != 0 {
		t.Fatalf("a non-critical failure must not fail the run: %s", r)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if !strings.HasPrefix(lines[0], "NAME") || !strings.Contains(lines[0], "STATUS") || !strings.Contains(lines[0], "DURATION") || !strings.Contains(lines[0], "MESSAGE") {
		t.Errorf("header: %q", lines[0])
	}
	for _, name := range []string{"api", "api-remote", "users", "port", "port-from-env", "cert", "resolver", "disk", "scratch", "memory", "goroutines"} {
		if !hasRow(lines, name, "pass") {
			t.Errorf("no passing row for %s:\n%s", name, r.stdout)
		}
	}
	if !hasRow(lines, "off", "disabled") || !hasRow(lines, "optional", "fail (non-critical)") {
		t.Errorf("disabled or non-critical rows wrong:\n%s", r.stdout)
	}
	if last := lines[len(lines)-1]; last != "shop: warn" {
		t.Errorf("last line %q, want the service's status", last)
	}

	// A critical failure fails the run.
	failing := base + fmt.Sprintf("  - {name: down, type: http, url: \"%s/readyz\"}\n", down.url)
	r = vitalsRunEnv(t, env, "check", "--config", writeConfig(t, failing), "--output", "json")
	if r.code != 1 {
		t.Fatalf("want exit 1, got %s", r)
	}
	if st := statuses(t, r.stdout); st["down"] != "fail" || st[""] != "fail" {
		t.Errorf("json statuses: %v", st)
	}
}

func hasRow(lines []string, name, status string) bool {
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) >= 2 && f[0] == name && strings.HasPrefix(strings.Join(f[1:], " "), status) {
			return true
		}
	}
	return false
}

// Passwords from the file or the environment appear in no output: not in
// the table, not in the JSON, not in a config error.
func TestCheckRedactsSecrets(t *testing.T) {
	t.Parallel()
	testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
	dsn := fmt.Sprintf("postgres://%s:wrong-sekrit@%s/postgres?sslmode=disable", testservice.PostgresPasswordRole, testservice.PostgresAddr)
	path := writeConfig(t, "checks:\n  - {name: db, type: postgres, dsn: \"${DB_DSN}\"}\n  - {name: api, type: http, url: \"http://u:${PW}@"+testservice.ClosedAddr(t)+"/\", headers: {Authorization: \"Bearer ${PW}\"}}\n")
	env := []string{"DB_DSN=" + dsn, "PW=sekrit-two"}
	for _, output := range []string{"table", "json"} {
		r := vitalsRunEnv(t, env, "check", "--config", path, "--output", output)
		if r.code != 1 {
			t.Errorf("%s: want exit 1, got %s", output, r)
		}
		if strings.Contains(r.stdout+r.stderr, "sekrit") {
			t.Errorf("%s output leaks a password:\n%s", output, r)
		}
	}
	bad := writeConfig(t, "checks:\n  - {name: api, type: http, url: \"${PW}\", timeout: \"${PW}\"}\n")
	r := vitalsRunEnv(t, env, "check", "--config", bad)
	if r.code != 2 || strings.Contains(r.stderr, "sekrit") {
		t.Errorf("config error: want exit 2 without the secret, got %s", r)
	}
}

func TestCheckConfigErrors(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, `service: {name: s}
checks:
  - name: a
    type: tcp
    address: 127.0.0.1:1
  - name: b
    type: tcp
    address: 127.0.0.1:1
    timeout: 2x
  - name: c
    type: postgress
`)
	r := vitalsRun(t, "check", "--config", path)
	if r.code != 2 {
		t.Fatalf("want exit 2, got %s", r)
	}
	// The file is named as given on the command line.
	want := "vitals check: " + path + ":9: checks[1].timeout: \"2x\" is not a duration (e.g. 500ms, 2s, 1m30s)\n" +
		"vitals check: " + path + ":11: checks[2].type: unknown check type \"postgress\" (did you mean postgres?)\n"
	if r.stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.stderr, want)
	}
	if r.stdout != "" {
		t.Errorf("stdout: %q", r.stdout)
	}
}

// More bad files, each refused with exit 2 and one line per problem that
// names the file, the line and the field, before any check runs.
func TestCheckBadConfigs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml string
		want       []string // after "vitals check: FILE:"
	}{
		{"unknown field", "checks:\n  - name: db\n    type: tcp\n    adress: db:5432\n", []string{
			"2: checks[0]: address is required for type tcp",
			"4: checks[0].adress: unknown field for type tcp (did you mean address?)",
		}},
		{"unset variable", "checks:\n  - name: db\n    type: postgres\n    dsn: ${VITALS_TEST_UNSET_DSN}\n", []string{
			"4: checks[0].dsn: environment variable VITALS_TEST_UNSET_DSN is not set (use ${VITALS_TEST_UNSET_DSN:-default} for a default)",
		}},
		{"bad boolean and threshold", "checks:\n  - name: m\n    type: memory\n    critical: sometimes\n    failure_threshold: 0\n", []string{
			`4: checks[0].critical: "sometimes" is not a boolean (true or false)`,
			"5: checks[0].failure_threshold: must be at least 1",
		}},
		{"duplicate name", "checks:\n  - {name: a, type: memory}\n  - {name: a, type: goroutines}\n", []string{
			`3: checks[1].name: "a" is already the name of checks[0]`,
		}},
		{"bad listen", "listen: 8080\nchecks:\n  - {name: a, type: memory}\n", []string{
			`1: listen: "8080" is not a host:port address`,
		}},
		{"invalid YAML", "checks:\n  - name: a\n   type: memory\n", []string{
			"3: invalid YAML: ",
		}},
		{"builder refuses", "checks:\n  - name: g\n    type: grpc\n    address: x:1\n    plaintext: true\n    insecure: true\n", []string{
			"6: checks[0].insecure: skips TLS verification, but plaintext turns TLS off: set one of them",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeConfig(t, tt.yaml)
			r := vitalsRun(t, "check", "--config", path)
			if r.code != 2 || r.stdout != "" {
				t.Fatalf("want exit 2 and no table, got %s", r)
			}
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("want %d lines, got %s", len(tt.want), r)
			}
			for i, want := range tt.want {
				if !strings.HasPrefix(lines[i], "vitals check: "+path+":"+want) {
					t.Errorf("line %d:\ngot  %s\nwant vitals check: %s:%s", i, lines[i], path, want)
				}
			}
		})
	}
}

func TestCheckUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"check"},
		{"check", "--config", "does-not-exist.yaml"},
		{"check", "--config", writeConfig(t, "checks: []\n")},
		{"check", "--config", writeConfig(t, "checks: []\n"), "--output", "xml"},
	} {
		r := vitalsRun(t, args...)
		if r.code != 2 {
			t.Errorf("%v: want exit 2, got %s", args, r)
		}
		assertOneLine(t, "stderr", r.stderr)
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"probe", "wait", "check", "version"} {
		r := vitalsRun(t, cmd, "--help")
		if r.code != 0 || !strings.Contains(r.stdout, "Usage: vitals "+cmd) || !strings.Contains(r.stdout, "Examples:") {
			t.Errorf("%s --help: %s", cmd, r)
		}
	}
	r := vitalsRun(t, "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "Commands:") {
		t.Errorf("--help: %s", r)
	}
	if r := vitalsRun(t); r.code != 2 || !strings.Contains(r.stderr, "Commands:") {
		t.Errorf("no arguments: %s", r)
	}
	if r := vitalsRun(t, "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "vitals ") {
		t.Errorf("version: %s", r)
	}
}

// A dependency that accepts connections and never answers fails its check
// at the check's timeout; the run does not hang on it. Which says so first
// is a race the core documents: the monitor abandoning the run ("timed out
// after 500ms"), or the check returning at its deadline with its own error
// (the HTTP check's connection has the run's deadline: "context deadline
// exceeded").
func TestCheckHungDependency(t *testing.T) {
	t.Parallel()
	hole := testservice.BlackholeAddr(t)
	path := writeConfig(t, fmt.Sprintf("checks:\n  - {name: hung, type: http, url: \"http://%s/health\", timeout: 500ms}\n", hole))
	r := vitalsRun(t, "check", "--config", path)
	timedOut := strings.Contains(r.stdout, "timed out after 500ms") || strings.Contains(r.stdout, "context deadline exceeded")
	if r.code != 1 || !hasRow(strings.Split(r.stdout, "\n"), "hung", "fail") || !timedOut {
		t.Errorf("want a failed check that timed out, got %s", r)
	}
}

// vitals hands a configuration with a driver type to the vitals-full
// beside it, with the same arguments; vitals-full runs the driver's check.
func TestDriverTypesRunInVitalsFull(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope.db")
	path := writeConfig(t, fmt.Sprintf("checks:\n  - {name: mem, type: memory}\n  - {name: db, type: bolt, path: %q}\n", missing))
	r := vitalsRun(t, "check", "--config", path, "--output", "json")
	if r.code != 1 || !strings.Contains(r.stdout, `"name": "db"`) || !strings.Contains(r.stdout, "nope.db") || r.stderr != "" {
		t.Errorf("want vitals-full's JSON with the failed bolt check, got %s", r)
	}
	if r := vitalsRun(t, "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "vitals ") {
		t.Errorf("vitals version: %s", r)
	}
	if r := runBinary(t, filepath.Join(filepath.Dir(binary), fullName), runLimit, nil, "version"); r.code != 0 || !strings.HasPrefix(r.stdout, fullName+" ") {
		t.Errorf("vitals-full version: %s", r)
	}
}

// Without vitals-full, vitals still probes, and a configuration with a
// driver type is exit 2 with what to install; a vitals-full that lacks the
// driver too is not started again.
func TestDriverTypesWithoutVitalsFull(t *testing.T) {
	t.Parallel()
	svc := startService(t, true)
	noPath := []string{"PATH=" + t.TempDir()}
	for _, url := range []string{svc.url + "/readyz", "grpc://" + svc.grpcAddr, "tcp://" + svc.grpcAddr} {
		if r := runBinary(t, loneBinary, runLimit, noPath, "probe", url); r.code != 0 {
			t.Errorf("probe %s: %s", url, r)
		}
	}
	path := writeConfig(t, "checks:\n  - {name: mem, type: memory}\n  - name: db\n    type: postgres\n    dsn: postgres://db/app\n  - {name: q, type: redis, url: \"redis://x\"}\n")
	r := runBinary(t, loneBinary, runLimit, noPath, "check", "--config", path)
	want := "vitals check: " + path + ": check type postgres, redis runs in vitals-full (vitals leaves the drivers out to start fast), which is not installed: not at " +
		filepath.Join(filepath.Dir(loneBinary), fullName) + " nor on PATH; " + installHint + "\n"
	if r.code != 2 || r.stdout != "" || r.stderr != want {
		t.Errorf("check with driver types and no vitals-full: %s\nwant stderr %q", r, want)
	}
	r = runBinary(t, loneBinary, runLimit, append(noPath, delegatedEnv+"=1"), "check", "--config", path)
	if r.code != 2 || !strings.HasSuffix(r.stderr, "but this vitals-full cannot run it either\n") {
		t.Errorf("a vitals-full without the driver: %s", r)
	}
}
