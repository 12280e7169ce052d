package testservice

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// RequireEnv is the environment variable that turns a missing server from a
// skipped test into a failed one when it is "1".
const RequireEnv = "VITALS_REQUIRE_SERVICES"

// dialTimeout bounds the reachability probe; a local server answers at once,
// so a second only matters for an address that drops packets.
const dialTimeout = time.Second

// Connection strings of the servers scripts/services starts, each overridable
// by the environment variable named beside it (see the package doc).
var (
	PostgresDSN   = env("VITALS_POSTGRES_DSN", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	MySQLDSN      = env("VITALS_MYSQL_DSN", "root@tcp(127.0.0.1:3306)/test")
	RedisAddr     = env("VITALS_REDIS_ADDR", "127.0.0.1:6379")
	AMQPURL       = env("VITALS_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
	MQTTURL       = env("VITALS_MQTT_URL", "tcp://127.0.0.1:1883")
	NATSURL       = env("VITALS_NATS_URL", "nats://127.0.0.1:4222")
	EtcdEndpoint  = env("VITALS_ETCD_ENDPOINT", "http://127.0.0.1:2379")
	MemcachedAddr = env("VITALS_MEMCACHED_ADDR", "127.0.0.1:11211")
	MongoURI      = env("VITALS_MONGO_URI", "mongodb://127.0.0.1:27017/")
	// MongoAuthAddr is a FerretDB that keeps its data in PostgreSQL and
	// logs in there with the credentials a client gives
	// (authMechanism=PLAIN): only PostgresPasswordRole with
	// PostgresPasswordSecret gets in.
	MongoAuthAddr = env("VITALS_MONGO_AUTH_ADDR", "127.0.0.1:27018")
	ConsulAddr    = env("VITALS_CONSUL_ADDR", "127.0.0.1:8500")
	ConsulACLAddr = env("VITALS_CONSUL_ACL_ADDR", "127.0.0.1:8510")
	// SMTPAddr is mailpit's SMTP server: no TLS, no auth (a local relay).
	// What it takes is shown by the HTTP API at MailpitAPI.
	SMTPAddr   = env("VITALS_SMTP_ADDR", "127.0.0.1:1025")
	MailpitAPI = env("VITALS_MAILPIT_API", "http://127.0.0.1:8025")
)

// TCP addresses of the servers, taken from the connection strings above, for
// [Require].
var (
	PostgresAddr = postgresAddr(PostgresDSN)
	MySQLAddr    = mysqlAddr(MySQLDSN)
	AMQPAddr     = urlAddr(AMQPURL, map[string]string{"amqp": "5672", "amqps": "5671"})
	MQTTAddr     = urlAddr(MQTTURL, map[string]string{"tcp": "1883", "mqtt": "1883", "ssl": "8883", "tls": "8883", "mqtts": "8883", "ws": "80", "wss": "443"})
	NATSAddr     = urlAddr(NATSURL, map[string]string{"nats": "4222", "tls": "4222"})
	EtcdAddr     = urlAddr(EtcdEndpoint, map[string]string{"http": "2379", "https": "2379"})
	MongoAddr    = mongoAddr(MongoURI)
	// MailpitAPIAddr is the address of MailpitAPI.
	MailpitAPIAddr = urlAddr(MailpitAPI, map[string]string{"http": "80", "https": "443"})
)

// The PostgreSQL role scripts/services creates for tests of wrong
// credentials: it logs in only with this password, over TCP from 127.0.0.1.
const (
	PostgresPasswordRole   = "vitals_pw"
	PostgresPasswordSecret = "vitals-secret"
)

// ConsulACLToken is the management token of the Consul agent with ACLs
// (deny by default) that scripts/services starts at [ConsulACLAddr], for
// tests of a wrong token.
const ConsulACLToken = "vitals-consul-root-token"

// Require makes the test depend on a server named name listening at the TCP
// address addr. It returns if a connection can be opened within a second.
// Otherwise it skips the test, or fails it when VITALS_REQUIRE_SERVICES=1;
// either way the message says how to start the server.
func Require(t testing.TB, name, addr string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, dialTimeout)
	if err == nil {
		conn.Close()
		return
	}
	missing(t, fmt.Sprintf("%s is not reachable at %s (%v); scripts/services installs and starts it", name, addr, err))
}

// missing skips the test with msg, or fails it under VITALS_REQUIRE_SERVICES=1.
func missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%s [%s=1 makes this a failure]", msg, RequireEnv)
		return
	}
	t.Skip(msg)
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// urlAddr returns the host:port of a URL, with the port its scheme implies
// when none is given. A value without a scheme is taken as host[:port].
// A value it cannot read is returned as it is, so that Require's dial
// error shows it.
func urlAddr(s string, defPorts map[string]string) string {
	scheme, host := "", s
	if i := strings.Index(s, "://"); i >= 0 {
		u, err := url.Parse(s)
		if err != nil {
			return s
		}
		scheme, host = u.Scheme, u.Host
	}
	return withPort(host, defPorts[scheme])
}

// postgresAddr reads a PostgreSQL connection string in either URL or
// keyword=value form.
func postgresAddr(dsn string) string {
	if strings.Contains(dsn, "://") {
		return urlAddr(dsn, map[string]string{"postgres": "5432", "postgresql": "5432"})
	}
	host, port := "localhost", "5432"
	for _, f := range strings.Fields(dsn) {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "host":
			host = strings.Trim(v, "'")
		case "port":
			port = strings.Trim(v, "'")
		}
	}
	return net.JoinHostPort(host, port)
}

// mysqlAddr reads the address of a go-sql-driver/mysql DSN,
// [user[:password]@][tcp(host:port)]/dbname.
func mysqlAddr(dsn string) string {
	const def = "127.0.0.1:3306"
	// As the driver does: the database name follows the last slash, the
	// credentials end at the last @ before it.
	slash := strings.LastIndex(dsn, "/")
	if slash < 0 {
		return dsn
	}
	rest := dsn[:slash]
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		rest = rest[i+1:]
	}
	if rest == "" {
		return def
	}
	proto, rest, ok := strings.Cut(rest, "(")
	if !ok || proto != "tcp" {
		return dsn
	}
	addr, _, ok := strings.Cut(rest, ")")
	if !ok {
		return dsn
	}
	return withPort(addr, "3306")
}

// mongoAddr returns the first host of a MongoDB connection string,
// mongodb://[user:password@]host[:port][,host…][/db][?options].
func mongoAddr(uri string) string {
	rest, ok := strings.CutPrefix(uri, "mongodb://")
	if !ok {
		return uri
	}
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		rest = rest[i+1:]
	}
	host, _, _ := strings.Cut(rest, ",")
	return withPort(host, "27017")
}

func withPort(host, port string) string {
	if _, _, err := net.SplitHostPort(host); err == nil || port == "" {
		return host
	}
	return net.JoinHostPort(strings.Trim(host, "[]"), port)
}
