// Package testservice lets tests of vitals' checkers find the real servers
// they talk to, and skip or fail clearly when one is missing.
//
// scripts/services installs and starts every server on its standard local
// port; the variables of this package hold those addresses and connection
// strings. A test calls [Require] before it connects:
//
//	func TestPing(t *testing.T) {
//		testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
//		db, err := sql.Open("pgx", testservice.PostgresDSN)
//		…
//	}
//
// # Missing servers
//
// When nothing answers at the address, [Require] skips the test with a
// message that names the service, the address and scripts/services. With
// VITALS_REQUIRE_SERVICES=1 in the environment (make test and CI set it) it
// fails the test instead, so that a missing server cannot pass as a green
// run.
//
// # Environment
//
// Each connection string can be overridden by an environment variable; the
// address [Require] dials is then taken from it:
//
//	VITALS_POSTGRES_DSN    PostgresDSN    postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//	VITALS_MYSQL_DSN       MySQLDSN       root@tcp(127.0.0.1:3306)/test
//	VITALS_REDIS_ADDR      RedisAddr      127.0.0.1:6379
//	VITALS_AMQP_URL        AMQPURL        amqp://guest:guest@127.0.0.1:5672/
//	VITALS_MQTT_URL        MQTTURL        tcp://127.0.0.1:1883
//	VITALS_NATS_URL        NATSURL        nats://127.0.0.1:4222
//	VITALS_ETCD_ENDPOINT   EtcdEndpoint   http://127.0.0.1:2379
//	VITALS_MEMCACHED_ADDR  MemcachedAddr  127.0.0.1:11211
//	VITALS_MONGO_URI       MongoURI       mongodb://127.0.0.1:27017/
//	VITALS_MONGO_AUTH_ADDR MongoAuthAddr  127.0.0.1:27018 (PLAIN login: PostgresPasswordRole)
//	VITALS_CONSUL_ADDR     ConsulAddr     127.0.0.1:8500
//	VITALS_CONSUL_ACL_ADDR ConsulACLAddr  127.0.0.1:8510 (ACLs on, ConsulACLToken)
//	VITALS_SMTP_ADDR       SMTPAddr       127.0.0.1:1025 (mailpit: no TLS, no auth)
//	VITALS_MAILPIT_API     MailpitAPI     http://127.0.0.1:8025 (mailpit's HTTP API)
//
// The variables are read once, when the package is initialised.
//
// # Programs
//
// Some tests start a server of their own, with a configuration of theirs
// (TLS, auth, a route), from a binary scripts/services installs but does
// not start for them. [MailpitBin] and [AlertmanagerBin] return its path,
// or skip (fail under VITALS_REQUIRE_SERVICES=1) as [Require] does:
//
//	VITALS_MAILPIT_BIN       mailpit-<MailpitVersion> in ServicesBuildDir()/bin, or mailpit on PATH
//	VITALS_ALERTMANAGER_BIN  alertmanager or prometheus-alertmanager on PATH
//
// [StartMailpit] and [StartAlertmanager] start one on free loopback ports
// for the rest of the test, and read back through its API what it
// received:
//
//	cert := testservice.NewCert(t, "test CA")
//	mp := testservice.StartMailpit(t, &testservice.MailpitOptions{TLS: "starttls", Cert: cert})
//	… send to mp.SMTPAddr, trusting cert.CAFile …
//	got := mp.WaitMessages(t, 1)
//
// Each process runs under a deadline ([ProcessLimit]) and is interrupted,
// killed if it lingers, and waited for when the test ends; its output is
// logged if the test failed. [SharedMailpit] reads the mailpit that
// scripts/services starts at [SMTPAddr].
//
// # Faults
//
// For tests of a server that is down or hangs, without a server at all,
// [ClosedAddr] returns an address where connections are refused and
// [BlackholeAddr] one where they are accepted and never answered. To cut
// or hang a real server part-way through a test, put the proxy of
// internal/testproxy in front of it.
package testservice
