package testservice

import (
	"net"
	"strings"
	"testing"
)

func TestRequireReachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()

	var sub *testing.T
	t.Run("listening", func(t *testing.T) {
		sub = t
		Require(t, "test server", ln.Addr().String())
	})
	if sub.Skipped() || sub.Failed() {
		t.Errorf("Require skipped or failed for a listening address %s", ln.Addr())
	}
}

func TestRequireMissingSkips(t *testing.T) {
	t.Setenv(RequireEnv, "")
	addr := ClosedAddr(t)

	var sub *testing.T
	t.Run("missing", func(t *testing.T) {
		sub = t
		Require(t, "test server", addr)
		t.Error("Require returned for an address nothing listens on")
	})
	if !sub.Skipped() {
		t.Errorf("Require did not skip for the closed address %s", addr)
	}
}

func TestRequireMissing(t *testing.T) {
	addr := ClosedAddr(t)
	tests := []struct {
		name      string
		env       string
		wantFatal bool
	}{
		{name: "unset skips", env: "", wantFatal: false},
		{name: "0 skips", env: "0", wantFatal: false},
		{name: "1 fails", env: "1", wantFatal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(RequireEnv, tt.env)
			var r Recorder
			Require(&r, "Redis", addr)
			msg := r.Ended(t, tt.wantFatal)
			for _, want := range []string{"Redis", addr, "scripts/services"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not mention %q", msg, want)
				}
			}
		})
	}
}

func TestAddrs(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"postgres default", postgresAddr("postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "127.0.0.1:5432"},
		{"postgres no port", postgresAddr("postgresql://u:p@db.internal/test"), "db.internal:5432"},
		{"postgres keywords", postgresAddr("host=10.0.0.9 port=5433 user=postgres dbname=test"), "10.0.0.9:5433"},
		{"postgres keywords default", postgresAddr("user=postgres dbname=test"), "localhost:5432"},
		{"mysql default", mysqlAddr("root@tcp(127.0.0.1:3306)/test"), "127.0.0.1:3306"},
		{"mysql password with @", mysqlAddr("u:p@ss@tcp(db:3307)/test?parseTime=true"), "db:3307"},
		{"mysql no port", mysqlAddr("root@tcp(db)/test"), "db:3306"},
		{"mysql implicit", mysqlAddr("root@/test"), "127.0.0.1:3306"},
		{"mysql unix kept", mysqlAddr("root@unix(/tmp/mysql.sock)/test"), "root@unix(/tmp/mysql.sock)/test"},
		{"amqp", urlAddr("amqp://guest:guest@127.0.0.1:5672/", map[string]string{"amqp": "5672"}), "127.0.0.1:5672"},
		{"amqp no port", urlAddr("amqp://guest:guest@rabbit/", map[string]string{"amqp": "5672"}), "rabbit:5672"},
		{"etcd bare", urlAddr("127.0.0.1:2379", map[string]string{"http": "2379"}), "127.0.0.1:2379"},
		{"ipv6", urlAddr("nats://[::1]", map[string]string{"nats": "4222"}), "[::1]:4222"},
		{"mongo default", mongoAddr("mongodb://127.0.0.1:27017/"), "127.0.0.1:27017"},
		{"mongo no port, credentials", mongoAddr("mongodb://u:p@ss@db.internal/app?authSource=admin"), "db.internal:27017"},
		{"mongo replica set", mongoAddr("mongodb://a:27018,b:27019/?replicaSet=rs0"), "a:27018"},
		{"mongo srv kept", mongoAddr("mongodb+srv://cluster.example.com/"), "mongodb+srv://cluster.example.com/"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestDefaults(t *testing.T) {
	// The standard addresses must match the ports scripts/services checks,
	// unless the environment overrides them.
	tests := []struct{ env, got, want string }{
		{"VITALS_POSTGRES_DSN", PostgresAddr, "127.0.0.1:5432"},
		{"VITALS_MYSQL_DSN", MySQLAddr, "127.0.0.1:3306"},
		{"VITALS_REDIS_ADDR", RedisAddr, "127.0.0.1:6379"},
		{"VITALS_AMQP_URL", AMQPAddr, "127.0.0.1:5672"},
		{"VITALS_MQTT_URL", MQTTAddr, "127.0.0.1:1883"},
		{"VITALS_NATS_URL", NATSAddr, "127.0.0.1:4222"},
		{"VITALS_ETCD_ENDPOINT", EtcdAddr, "127.0.0.1:2379"},
		{"VITALS_MEMCACHED_ADDR", MemcachedAddr, "127.0.0.1:11211"},
		{"VITALS_MONGO_URI", MongoAddr, "127.0.0.1:27017"},
		{"VITALS_MONGO_AUTH_ADDR", MongoAuthAddr, "127.0.0.1:27018"},
		{"VITALS_CONSUL_ADDR", ConsulAddr, "127.0.0.1:8500"},
		{"VITALS_CONSUL_ACL_ADDR", ConsulACLAddr, "127.0.0.1:8510"},
		{"VITALS_SMTP_ADDR", SMTPAddr, "127.0.0.1:1025"},
		{"VITALS_MAILPIT_API", MailpitAPIAddr, "127.0.0.1:8025"},
	}
	for _, tt := range tests {
		if env(tt.env, "") != "" {
			continue
		}
		if tt.got != tt.want {
			t.Errorf("without %s: address %q, want %q", tt.env, tt.got, tt.want)
		}
	}
}
