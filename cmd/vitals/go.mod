module github.com/vitalsgo/vitals/cmd/vitals

go 1.26.7

require (
	github.com/creack/pty v1.1.24
	github.com/dgraph-io/badger/v4 v4.9.6
	github.com/goccy/go-yaml v1.19.2
	github.com/vitalsgo/vitals v0.0.0-00010101000000-000000000000
	github.com/vitalsgo/vitals/checks/amqp v0.0.0-00010101000000-000000000000
	github.com/vitalsgo/vitals/checks/badger v0.0.0-00010101000000-000000000000
	github.com/vitalsgo/vitals/checks/bolt v0.0.0-00010101000000-000000000000
	github.com/vitalsgo/vitals/checks/consul v0.0.0-00010101000000-000000000000
	github.com/vitalsgo/vitals/checks/etcd v0.0.0-00010101000000-000000000000
	github.com/vitalsgo/vitals/checks/grpc v0.0.0-00010101000000-000000000000
	github.com/vitalsgo/vitals/checks/memcached v0.0.0-00010101000000-000000000000
	github.com/vitalsgo/vitals/checks/mongo v0.0.0-00010101000000-000000000000
	github.com/vitalsgo/vitals/checks/mqtt v0.0.0-00010101000000-000000000000
	github.com/vitalsgo/vitals/checks/mysql v0.0.0-00010101000000-000000000000
	github.com/vitalsgo/vitals/checks/nats v0.0.0-00010101000000-000000000000
	github.com/vitalsgo/vitals/checks/postgres v0.0.0-00010101000000-000000000000
	github.com/vitalsgo/vitals/checks/redis v0.0.0-00010101000000-000000000000
	github.com/vitalsgo/vitals/vitalsgrpc v0.0.0-00010101000000-000000000000
	go.etcd.io/bbolt v1.5.0
	go.uber.org/goleak v1.3.0
	golang.org/x/term v0.47.0
	google.golang.org/grpc v1.83.2
)

require (
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/munnerz/goautoneg v0.0.0-20191010083416-a7dc8b61c822 // indirect
	github.com/ncruces/go-strftime v1.1.0 // indirect
	github.com/prometheus/client_golang v1.25.0 // indirect
	github.com/prometheus/client_model v0.6.3 // indirect
	github.com/prometheus/common v0.72.0 // indirect
	github.com/prometheus/procfs v0.22.0 // indirect
	github.com/remyoudompheng/bigfft v0.0.0-20230129092748-24d4a6f8daec // indirect
	github.com/robfig/cron/v3 v3.0.1 // indirect
	github.com/vitalsgo/vitals/vitalsprom v0.0.0-00010101000000-000000000000 // indirect
	modernc.org/libc v1.80.1 // indirect
	modernc.org/mathutil v1.7.1 // indirect
	modernc.org/memory v1.12.1 // indirect
	modernc.org/sqlite v1.62.0 // indirect
)

require (
	filippo.io/edwards25519 v1.2.0 // indirect
	github.com/armon/go-metrics v0.4.1 // indirect
	github.com/bradfitz/gomemcache v0.0.0-20260422231931-4d751bb6e37c // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/coreos/go-semver v0.3.0 // indirect
	github.com/coreos/go-systemd/v22 v22.3.3-0.20220203105225-a9a7ef127534 // indirect
	github.com/dgraph-io/ristretto/v2 v2.2.0 // indirect
	github.com/dustin/go-humanize v1.1.0 // indirect
	github.com/eclipse/paho.mqtt.golang v1.5.1 // indirect
	github.com/fatih/color v1.19.0 // indirect
	github.com/go-logr/logr v1.4.4 // indirect
	github.com/go-logr/stdr v1.2.2 // indirect
	github.com/go-sql-driver/mysql v1.10.1 // indirect
	github.com/go-viper/mapstructure/v2 v2.5.0 // indirect
	github.com/gogo/protobuf v1.3.2 // indirect
	github.com/golang/protobuf v1.5.4 // indirect
	github.com/google/flatbuffers v25.2.10+incompatible // indirect
	github.com/gorilla/websocket v1.5.3 // indirect
	github.com/hashicorp/consul/api v1.34.5 // indirect
	github.com/hashicorp/errwrap v1.1.0 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-hclog v1.6.3 // indirect
	github.com/hashicorp/go-immutable-radix v1.3.1 // indirect
	github.com/hashicorp/go-metrics v0.6.0 // indirect
	github.com/hashicorp/go-multierror v1.1.1 // indirect
	github.com/hashicorp/go-rootcerts v1.0.2 // indirect
	github.com/hashicorp/golang-lru v1.0.2 // indirect
	github.com/hashicorp/serf v0.10.4 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/pgx/v5 v5.12.0 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/mattn/go-colorable v0.1.15 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/mitchellh/go-homedir v1.1.0 // indirect
	github.com/nats-io/nats.go v1.55.0 // indirect
	github.com/nats-io/nkeys v0.4.16 // indirect
	github.com/nats-io/nuid v1.0.1 // indirect
	github.com/rabbitmq/amqp091-go v1.16.0 // indirect
	github.com/redis/go-redis/v9 v9.23.0 // indirect
	github.com/vitalsgo/vitals/monitor v0.0.0-00010101000000-000000000000
	github.com/xdg-go/scram v1.4.0 // indirect
	github.com/xdg-go/stringprep v1.0.4 // indirect
	github.com/youmark/pkcs8 v0.0.0-20240726163527-a2c0da244d78 // indirect
	go.etcd.io/etcd/api/v3 v3.5.35 // indirect
	go.etcd.io/etcd/client/pkg/v3 v3.5.35 // indirect
	go.etcd.io/etcd/client/v3 v3.5.35 // indirect
	go.mongodb.org/mongo-driver/v2 v2.10.0 // indirect
	go.opentelemetry.io/auto/sdk v1.2.1 // indirect
	go.opentelemetry.io/otel v1.45.0 // indirect
	go.opentelemetry.io/otel/metric v1.45.0 // indirect
	go.opentelemetry.io/otel/trace v1.45.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	go.uber.org/multierr v1.6.0 // indirect
	go.uber.org/zap v1.17.0 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/exp v0.0.0-20260218203240-3dfff04db8fa // indirect
	golang.org/x/net v0.61.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
	google.golang.org/genproto/googleapis/api v0.0.0-20260817212433-ac3dfec99bb1 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260817212433-ac3dfec99bb1 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)

replace (
	github.com/vitalsgo/vitals => ../..
	github.com/vitalsgo/vitals/checks/amqp => ../../checks/amqp
	github.com/vitalsgo/vitals/checks/badger => ../../checks/badger
	github.com/vitalsgo/vitals/checks/bolt => ../../checks/bolt
	github.com/vitalsgo/vitals/checks/consul => ../../checks/consul
	github.com/vitalsgo/vitals/checks/etcd => ../../checks/etcd
	github.com/vitalsgo/vitals/checks/grpc => ../../checks/grpc
	github.com/vitalsgo/vitals/checks/memcached => ../../checks/memcached
	github.com/vitalsgo/vitals/checks/mongo => ../../checks/mongo
	github.com/vitalsgo/vitals/checks/mqtt => ../../checks/mqtt
	github.com/vitalsgo/vitals/checks/mysql => ../../checks/mysql
	github.com/vitalsgo/vitals/checks/nats => ../../checks/nats
	github.com/vitalsgo/vitals/checks/postgres => ../../checks/postgres
	github.com/vitalsgo/vitals/checks/redis => ../../checks/redis
	github.com/vitalsgo/vitals/vitalsgrpc => ../../vitalsgrpc
)

replace (
	github.com/vitalsgo/vitals/monitor => ../../monitor
	github.com/vitalsgo/vitals/vitalsprom => ../../vitalsprom
)
