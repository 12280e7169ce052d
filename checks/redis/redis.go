package redis

import (
	"context"
	"errors"
	"fmt"
	neturl "net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/owned"
	"github.com/vitalsgo/vitals/checks/internal/report"
	"github.com/vitalsgo/vitals/checks/internal/roundtrip"
	"github.com/vitalsgo/vitals/redact"
)

// DefaultKeyPrefix starts the name of the key a round trip writes when
// [Options].KeyPrefix is empty.
const DefaultKeyPrefix = "vitals:health:"

// keyTTL is the expiry of a round-trip key, so that a key whose DEL was
// lost (timeout, connection cut) disappears on its own.
const keyTTL = time.Minute

// Client is the part of a go-redis client the checker uses. *redis.Client,
// *redis.ClusterClient, *redis.Ring and every redis.UniversalClient
// satisfy it.
//
// The commands honor the check's deadline only if the client was created
// with ContextTimeoutEnabled: otherwise go-redis bounds each command by its
// ReadTimeout and WriteTimeout (3s by default) instead, and a check against
// a hung server can outlast its own timeout. [Open] turns it on.
type Client interface {
	Ping(ctx context.Context) *redis.StatusCmd
	Info(ctx context.Context, section ...string) *redis.StringCmd
	Set(ctx context.Context, key string, value any, expiration time.Duration) *redis.StatusCmd
	Get(ctx context.Context, key string) *redis.StringCmd
	Del(ctx context.Context, keys ...string) *redis.IntCmd
}

var _ Client = redis.UniversalClient(nil)

// Options configures a [Checker]. A nil *Options means the defaults.
type Options struct {
	// RoundTrip adds a SET, GET and DEL of a key of its own to every check
	// and fails the check unless GET reads back what SET wrote. It proves
	// the server accepts writes, so enable it only against a writable
	// endpoint (a replica answers SET with READONLY). The key is
	// KeyPrefix followed by random hex and expires after a minute in case
	// its DEL is lost. Default: false (PING and INFO only).
	RoundTrip bool

	// KeyPrefix starts the name of the round-trip key, e.g. to place it in
	// a key space the service's ACL user may write. Default:
	// [DefaultKeyPrefix] ("vitals:health:").
	KeyPrefix string
}

// Checker checks a Redis server: PING, then INFO for the server's version
// and replication state, then optionally a write/read round trip. Use
// [New] or [Open] to make one; it is safe for concurrent use.
type Checker struct {
	client    Client
	roundTrip bool
	prefix    string
	own       owned.Client // the client Open made; nothing for New
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker that uses client, typically the client the service
// itself uses. The caller keeps ownership of client.
func New(client Client, opts *Options) (*Checker, error) {
	if client == nil {
		return nil, errors.New("redis: nil client")
	}
	if opts == nil {
		opts = &Options{}
	}
	prefix := opts.KeyPrefix
	if prefix == "" {
		prefix = DefaultKeyPrefix
	}
	return &Checker{client: client, roundTrip: opts.RoundTrip, prefix: prefix}, nil
}

// Open parses url ("redis://[[user]:password@]host[:port][/db]",
// "rediss://…" for TLS, "unix://…", with go-redis' query options such as
// dial_timeout) and returns a Checker that owns a new client for it, with
// ContextTimeoutEnabled so that every command honors the check's deadline.
// A check reports the server's state now, so the client makes one attempt:
// a failed dial is not retried, and neither is a failed command unless
// the URL sets max_retries. No connection is opened until the first check. Close the Checker to
// close the client. An error never quotes the password.
func Open(url string, opts *Options) (*Checker, error) {
	o, err := redis.ParseURL(url)
	if err != nil {
		// url.Parse errors quote the URL: the text is redacted, and the
		// original stays reachable only through errors.As.
		return nil, fmt.Errorf("redis: parse URL: %w", redact.Error(err))
	}
	o.ContextTimeoutEnabled = true
	o.DialerRetries = 1
	if u, err := neturl.Parse(url); err == nil && !u.Query().Has("max_retries") {
		o.MaxRetries = -1 // go-redis reads 0 as its default, 3
	}
	client := redis.NewClient(o)
	return owned.Adopt(New, Client(client), opts, client.Close, (*Checker).owner)
}

func (c *Checker) owner() *owned.Client { return &c.own }

// Close closes the client that [Open] created. For a Checker made by [New]
// it does nothing: the client belongs to the caller.
func (c *Checker) Close() error {
	return c.own.Close()
}

// Check sends PING, then INFO, then (with [Options].RoundTrip) SET, GET and
// DEL, and reports:
//
//   - [vitals.StatusFail] when PING fails (server down, wrong password:
//     the message then says "authentication failed", timeout) or the round
//     trip fails or reads back something else than it wrote;
//   - [vitals.StatusWarn] when the server is a replica whose link to its
//     master is down: it serves stale data;
//   - [vitals.StatusPass] otherwise.
//
// Observed is PING's round-trip time in milliseconds. Details hold
// redis_version, redis_mode, role, connected_slaves (on a master),
// master_link_status (on a replica) and, with RoundTrip, round_trip_ms.
// A server that refuses INFO (an ACL, a renamed command) is not a failure:
// Details then hold info_error instead.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	start := time.Now()
	err := c.client.Ping(ctx).Err()
	rtt := time.Since(start)
	if err != nil {
		return fail("ping redis", err, nil)
	}

	details := map[string]any{}
	info, err := c.client.Info(ctx).Result()
	if err != nil {
		if ctx.Err() != nil {
			return fail("info redis", err, details)
		}
		details["info_error"] = err.Error()
	} else {
		infoDetails(parseInfo(info), details)
	}

	if c.roundTrip {
		if err := roundtrip.Run(ctx, c.store(), c.prefix, details); err != nil {
			return fail("redis round trip", err, details)
		}
	}

	r := vitals.Passf("Redis %sanswered PING in %.1fms", versionWord(details["redis_version"]), report.Ms(rtt))
	if link, ok := details["master_link_status"]; ok && details["role"] == "slave" && link != "up" {
		r = vitals.Warnf("replica's link to its master is %v", link)
	}
	r.Details = details
	r.Observed, r.Unit = report.Ms(rtt), "ms"
	return r
}

// store is the client as a round trip uses it; the key expires after
// keyTTL in case its DEL is lost.
func (c *Checker) store() roundtrip.Store {
	return roundtrip.Store{
		Put: func(ctx context.Context, key, value string) error {
			return c.client.Set(ctx, key, value, keyTTL).Err()
		},
		Get: func(ctx context.Context, key string) ([]string, error) {
			v, err := c.client.Get(ctx, key).Result()
			return []string{v}, err
		},
		Delete: func(ctx context.Context, key string) error {
			return c.client.Del(ctx, key).Err()
		},
		PutVerb:    "set",
		DeleteVerb: "del",
	}
}

// fail reports err, naming an authentication failure as such: Redis says
// WRONGPASS or NOAUTH, which people do not always recognize.
func fail(what string, err error, details map[string]any) vitals.Result {
	msg := err.Error()
	if strings.HasPrefix(msg, "WRONGPASS") || strings.HasPrefix(msg, "NOAUTH") {
		what += ": authentication failed"
	}
	r := vitals.Failf("%s: %w", what, err)
	r.Details = details
	return r
}

// parseInfo reads the "key:value" lines of an INFO reply.
func parseInfo(info string) map[string]string {
	m := map[string]string{}
	for line := range strings.Lines(info) {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[k] = v
		}
	}
	return m
}

// infoDetails copies the fields of INFO that tell the server's health.
func infoDetails(info map[string]string, details map[string]any) {
	for _, k := range []string{"redis_version", "redis_mode", "role", "master_link_status"} {
		if v, ok := info[k]; ok {
			details[k] = v
		}
	}
	if v, ok := info["connected_slaves"]; ok {
		if n, err := strconv.Atoi(v); err == nil {
			details["connected_slaves"] = n
		}
	}
}

func versionWord(v any) string {
	if s, ok := v.(string); ok && s != "" {
		return s + " "
	}
	return ""
}
