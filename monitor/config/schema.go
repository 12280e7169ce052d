package config

import (
	"slices"
	"time"
)

// Kind is the type of value a field takes.
type Kind uint8

// Kinds of field values. Every value is written as YAML; ${VAR} expansion
// happens before the text is converted to the kind.
const (
	KindString   Kind = iota // any scalar, as text
	KindBool                 // true or false
	KindInt                  // a decimal integer
	KindFloat                // a decimal number
	KindDuration             // a Go duration with a unit: 500ms, 2s, 1m30s
	KindBytes                // a byte count: 1073741824, 512MiB, 10GB
	KindStrings              // a list of strings, or one string
	KindInts                 // a list of integers, or one integer
	KindMap                  // a mapping of string keys to string values
)

func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindBool:
		return "boolean"
	case KindInt:
		return "integer"
	case KindFloat:
		return "number"
	case KindDuration:
		return "duration"
	case KindBytes:
		return "byte size"
	case KindStrings:
		return "list of strings"
	case KindInts:
		return "list of integers"
	case KindMap:
		return "mapping"
	}
	return "unknown"
}

// Field describes one type-specific field of a check.
type Field struct {
	Name     string
	Kind     Kind
	Required bool
	// Secret fields (connection strings, headers, metadata) may carry
	// passwords and tokens: errors never quote their values.
	Secret bool
	Doc    string
}

// types lists the fields of every check type. Keep it in step with the
// builders in internal/checkers, which read exactly these fields.
var types = map[string][]Field{
	"postgres": {
		{Name: "dsn", Kind: KindString, Required: true, Secret: true, Doc: "postgres://user:pass@host:5432/db or key=value pairs"},
		{Name: "query", Kind: KindString, Doc: "statement to run (default SELECT 1)"},
		{Name: "connect_timeout", Kind: KindDuration, Doc: "bound on opening one connection (default 10s)"},
	},
	"mysql": {
		{Name: "dsn", Kind: KindString, Required: true, Secret: true, Doc: "user:pass@tcp(host:3306)/db"},
	},
	"redis": {
		{Name: "url", Kind: KindString, Required: true, Secret: true, Doc: "redis://[user:pass@]host:6379[/db], rediss:// for TLS"},
		{Name: "round_trip", Kind: KindBool, Doc: "also SET, GET and DEL a key"},
		{Name: "key_prefix", Kind: KindString, Doc: "prefix of the round-trip key"},
	},
	"amqp": {
		{Name: "url", Kind: KindString, Required: true, Secret: true, Doc: "amqp://user:pass@host:5672/vhost"},
		{Name: "loopback", Kind: KindBool, Doc: "also publish a message and receive it"},
	},
	"mqtt": {
		{Name: "url", Kind: KindString, Required: true, Secret: true, Doc: "tcp://[user:pass@]host:1883, ssl://, ws://"},
		{Name: "loopback", Kind: KindBool, Doc: "also publish a QoS 1 message and receive it"},
		{Name: "topic_prefix", Kind: KindString, Doc: "where loopback topics go"},
	},
	"nats": {
		{Name: "url", Kind: KindString, Required: true, Secret: true, Doc: "nats://host:4222, or a comma-separated list"},
		{Name: "loopback", Kind: KindBool, Doc: "also publish a message and receive it"},
		{Name: "jetstream", Kind: KindBool, Doc: "also ask for the account's JetStream usage"},
		{Name: "jetstream_domain", Kind: KindString, Doc: "JetStream domain to ask"},
		{Name: "reconnect_grace", Kind: KindDuration, Doc: "how long a reconnecting client warns before it fails (default 10s)"},
	},
	"etcd": {
		{Name: "endpoints", Kind: KindStrings, Required: true, Secret: true, Doc: "http://host:2379, a list or a comma-separated string"},
		{Name: "round_trip", Kind: KindBool, Doc: "also put, get and delete a key"},
		{Name: "key_prefix", Kind: KindString, Doc: "prefix of the round-trip key"},
	},
	"memcached": {
		{Name: "servers", Kind: KindStrings, Required: true, Doc: "host:11211, a list or a comma-separated string"},
		{Name: "key_prefix", Kind: KindString, Doc: "prefix of the round-trip key"},
	},
	"mongo": {
		{Name: "uri", Kind: KindString, Required: true, Secret: true, Doc: "mongodb://[user:pass@]host:27017[,host…][/db][?options], mongodb+srv://"},
		{Name: "database", Kind: KindString, Doc: "database of collection"},
		{Name: "collection", Kind: KindString, Doc: "also read one document of this collection (needs database)"},
	},
	"consul": {
		{Name: "address", Kind: KindString, Required: true, Doc: "agent's HTTP API: host:8500, http:// or https://"},
		{Name: "token", Kind: KindString, Secret: true, Doc: "ACL token (default CONSUL_HTTP_TOKEN)"},
		{Name: "round_trip", Kind: KindBool, Doc: "also put, get and delete a KV key"},
		{Name: "key_prefix", Kind: KindString, Doc: "prefix of the round-trip key"},
		{Name: "service", Kind: KindString, Doc: "also check the health of this service's instances"},
	},
	"bolt": {
		{Name: "path", Kind: KindString, Required: true, Doc: "database file, opened read-only"},
		{Name: "bucket", Kind: KindString, Doc: "top-level bucket that must exist"},
	},
	"badger": {
		{Name: "path", Kind: KindString, Required: true, Doc: "database directory, opened read-only"},
		{Name: "key", Kind: KindString, Doc: "key that must exist"},
	},
	"http": {
		{Name: "url", Kind: KindString, Required: true, Secret: true, Doc: "http:// or https:// URL"},
		{Name: "method", Kind: KindString, Doc: "GET or HEAD (default GET)"},
		{Name: "headers", Kind: KindMap, Secret: true, Doc: "request headers"},
		{Name: "status", Kind: KindInts, Doc: "expected status codes (default any 2xx)"},
		{Name: "body_contains", Kind: KindString, Doc: "text the body must contain"},
		{Name: "json_path", Kind: KindString, Doc: "field of a JSON body, e.g. details.db.status"},
		{Name: "json_value", Kind: KindString, Doc: "what json_path must equal"},
		{Name: "max_response_time", Kind: KindDuration, Doc: "warn when the response is slower"},
		{Name: "max_redirects", Kind: KindInt, Doc: "most redirects followed (default 10)"},
		{Name: "no_redirects", Kind: KindBool, Doc: "check the first response as it is"},
		{Name: "insecure", Kind: KindBool, Doc: "skip TLS certificate verification"},
		{Name: "keep_alive", Kind: KindDuration, Doc: "reuse a connection for the runs of this long, e.g. 1m (default 0s: a new connection every run)"},
		{Name: "expect", Kind: KindStrings, Doc: `conditions on the response, e.g. "code == 200", "latency < 300ms", "cert_expiry > 14d"`},
	},
	"health": {
		{Name: "url", Kind: KindString, Required: true, Secret: true, Doc: "another service's health endpoint, in any format the client reads; its sub-checks are shown as children"},
		{Name: "headers", Kind: KindMap, Secret: true, Doc: "request headers, e.g. an Authorization for a detailed report"},
		{Name: "expect", Kind: KindStrings, Doc: `conditions on the response, e.g. "status == pass", "latency < 1s"`},
	},
	"push": {
		{Name: "token", Kind: KindString, Required: true, Secret: true, Doc: "secret of the push URL /api/v1/push/{token}; at least 16 characters"},
		{Name: "every", Kind: KindDuration, Required: true, Doc: "how often the job pushes"},
		{Name: "grace", Kind: KindDuration, Doc: "how late a push may be before the target fails (default 1m)"},
	},
	"remote": {
		{Name: "url", Kind: KindString, Required: true, Secret: true, Doc: "another service's health endpoint; passes on 2xx"},
	},
	"tcp": {
		{Name: "address", Kind: KindString, Required: true, Doc: "host:port"},
		{Name: "warn_after", Kind: KindDuration, Doc: "warn when connecting takes longer"},
	},
	"dns": {
		{Name: "host", Kind: KindString, Required: true, Doc: "name to resolve"},
		{Name: "network", Kind: KindString, Doc: "ip, ip4 or ip6 (default ip)"},
		{Name: "min_results", Kind: KindInt, Doc: "fewest addresses that pass (default 1)"},
		{Name: "expect", Kind: KindStrings, Doc: "addresses that must be among the results"},
		{Name: "warn_after", Kind: KindDuration, Doc: "warn when the lookup takes longer"},
	},
	"tls": {
		{Name: "address", Kind: KindString, Required: true, Doc: "host:port"},
		{Name: "server_name", Kind: KindString, Doc: "name to verify (default the host of address)"},
		{Name: "insecure", Kind: KindBool, Doc: "skip chain and host verification; dates are still checked"},
		{Name: "warn_days", Kind: KindInt, Doc: "warn when a certificate expires sooner (default 14)"},
	},
	"grpc": {
		{Name: "address", Kind: KindString, Required: true, Doc: "host:port or a gRPC target such as dns:///host:port"},
		{Name: "service", Kind: KindString, Doc: "service name asked about (default the server's overall health)"},
		{Name: "plaintext", Kind: KindBool, Doc: "connect without TLS"},
		{Name: "insecure", Kind: KindBool, Doc: "skip TLS certificate verification"},
		{Name: "metadata", Kind: KindMap, Secret: true, Doc: "metadata sent with the call, e.g. authorization"},
	},
	"disk": {
		{Name: "path", Kind: KindString, Required: true, Doc: "a path on the file system to check"},
		{Name: "warn_free_percent", Kind: KindFloat, Doc: "warn under this much free space, in % (default 10)"},
		{Name: "fail_free_percent", Kind: KindFloat, Doc: "fail under this much free space, in % (default 5)"},
		{Name: "warn_free_bytes", Kind: KindBytes, Doc: "warn under this much free space"},
		{Name: "fail_free_bytes", Kind: KindBytes, Doc: "fail under this much free space"},
		{Name: "warn_free_inodes_percent", Kind: KindFloat, Doc: "warn under this share of free inodes"},
		{Name: "fail_free_inodes_percent", Kind: KindFloat, Doc: "fail under this share of free inodes"},
	},
	"writable": {
		{Name: "path", Kind: KindString, Required: true, Doc: "directory to write, fsync and remove a file in"},
	},
	"memory": {
		{Name: "warn_rss_bytes", Kind: KindBytes, Doc: "warn at this resident set size"},
		{Name: "fail_rss_bytes", Kind: KindBytes, Doc: "fail at this resident set size"},
		{Name: "warn_heap_bytes", Kind: KindBytes, Doc: "warn at this Go heap size"},
		{Name: "fail_heap_bytes", Kind: KindBytes, Doc: "fail at this Go heap size"},
		{Name: "warn_percent", Kind: KindFloat, Doc: "warn at this % of the cgroup memory limit (default 80)"},
		{Name: "fail_percent", Kind: KindFloat, Doc: "fail at this % of the cgroup memory limit (default 90)"},
	},
	"goroutines": {
		{Name: "warn", Kind: KindInt, Doc: "warn at this many goroutines (default 10000)"},
		{Name: "fail", Kind: KindInt, Doc: "fail at this many goroutines (default 100000)"},
	},
}

// commonFields are the fields every check has, whatever its type.
var commonFields = []Field{
	{Name: "name", Kind: KindString, Required: true, Doc: "unique name of the check"},
	{Name: "type", Kind: KindString, Required: true, Doc: "checker type"},
	{Name: "description", Kind: KindString, Doc: "what the check verifies"},
	{Name: "interval", Kind: KindDuration, Doc: "run every interval (default 10s; 0s: on demand)"},
	{Name: "timeout", Kind: KindDuration, Doc: "bound on one run (default 5s)"},
	{Name: "initial_delay", Kind: KindDuration, Doc: "postpone the first run"},
	{Name: "jitter", Kind: KindDuration, Doc: "random delay added to each run"},
	{Name: "max_age", Kind: KindDuration, Doc: "a result older than this counts as failed"},
	{Name: "critical", Kind: KindBool, Doc: "a failure fails the groups (default true); false only degrades them"},
	{Name: "enabled", Kind: KindBool, Doc: "run the check (default true)"},
	{Name: "groups", Kind: KindStrings, Doc: "liveness, readiness (default), startup or custom groups"},
	{Name: "failure_threshold", Kind: KindInt, Doc: "consecutive failures before the check fails (default 1)"},
	{Name: "success_threshold", Kind: KindInt, Doc: "consecutive passes before a failed check passes again (default 1)"},
}

func init() { commonFields = append(commonFields, alertFields...) }

// Types returns the names of the check types a configuration may use,
// sorted.
func Types() []string {
	names := make([]string, 0, len(types))
	for name := range types {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Fields returns the type-specific fields of a check type, or nil for a type
// that does not exist. The fields every check has are in [CommonFields].
func Fields(typ string) []Field {
	return slices.Clone(types[typ])
}

// CommonFields returns the fields every check has, whatever its type.
func CommonFields() []Field {
	return slices.Clone(commonFields)
}

func field(typ, name string) (Field, bool) {
	for _, f := range commonFields {
		if f.Name == name {
			return f, true
		}
	}
	for _, f := range types[typ] {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// maxDuration bounds every duration field: beyond a week, a value is a typo
// ("10000h") rather than a wish.
const maxDuration = 7 * 24 * time.Hour
