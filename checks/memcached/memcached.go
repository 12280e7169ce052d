package memcached

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bradfitz/gomemcache/memcache"
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/blocking"
	"github.com/vitalsgo/vitals/checks/internal/endpoint"
	"github.com/vitalsgo/vitals/checks/internal/nonce"
	"github.com/vitalsgo/vitals/checks/internal/report"
)

// DefaultKeyPrefix starts the name of the key a check writes when
// [Options].KeyPrefix is empty.
const DefaultKeyPrefix = "vitals:health:"

// keyTTL is the expiry of a check's key, in seconds, so that a key whose
// delete was lost disappears on its own.
const keyTTL = 60

// maxKeyLen is memcached's limit on a key's length.
const maxKeyLen = 250

// Client is the part of a gomemcache client the checker uses;
// *memcache.Client satisfies it.
//
// gomemcache takes no context: each operation is bounded by the client's
// own Timeout (500ms by default) instead. The checker runs the operations
// on a goroutine of its own and stops waiting at the check's deadline; see
// [Checker.Check].
type Client interface {
	Ping() error
	Set(item *memcache.Item) error
	Get(key string) (*memcache.Item, error)
	Delete(key string) error
}

var _ Client = (*memcache.Client)(nil)

// Options configures a [Checker]. A nil *Options means the defaults.
type Options struct {
	// KeyPrefix starts the name of the key each check writes, reads back
	// and deletes; random hex follows it. It must be a valid memcached key
	// start: no spaces or control characters, and short enough to leave
	// room for the random part (at most 226 bytes). Default:
	// [DefaultKeyPrefix] ("vitals:health:").
	KeyPrefix string
}

// Checker checks memcached servers: every server answers a version
// request, and a key written to the server that owns it reads back
// intact. Use [New] or [Open] to make one; it is safe for concurrent use.
type Checker struct {
	client  Client
	prefix  string
	servers []string         // from Open, for Details
	owned   *memcache.Client // closed by Close; nil when the caller owns the client

	run blocking.Runner
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker that uses client, typically the client the service
// itself uses. The caller keeps ownership of client. It returns an error
// when opts holds an invalid value.
func New(client Client, opts *Options) (*Checker, error) {
	if opts == nil {
		opts = &Options{}
	}
	prefix := opts.KeyPrefix
	if prefix == "" {
		prefix = DefaultKeyPrefix
	}
	if err := validPrefix(prefix); err != nil {
		return nil, err
	}
	return &Checker{client: client, prefix: prefix}, nil
}

// Open returns a Checker that owns a new client for servers, a
// comma-separated list of "host:port" addresses (or socket paths), e.g.
// "cache1:11211,cache2:11211". Host names are resolved once, here, as
// gomemcache does. Close the Checker to close the client.
func Open(servers string, opts *Options) (*Checker, error) {
	addrs := endpoint.List(servers)
	if len(addrs) == 0 {
		return nil, errors.New("memcached: no server address")
	}
	list := new(memcache.ServerList)
	if err := list.SetServers(addrs...); err != nil {
		return nil, fmt.Errorf("memcached: %w", err)
	}
	client := memcache.NewFromSelector(list)
	c, err := New(client, opts)
	if err != nil {
		return nil, err
	}
	c.owned, c.servers = client, addrs
	return c, nil
}

func validPrefix(p string) error {
	if len(p) > maxKeyLen-2*keyRandomBytes {
		return fmt.Errorf("memcached: KeyPrefix is %d bytes, more than %d", len(p), maxKeyLen-2*keyRandomBytes)
	}
	for i := 0; i < len(p); i++ {
		if p[i] <= ' ' || p[i] == 0x7f {
			return fmt.Errorf("memcached: KeyPrefix %q has a space or control character", p)
		}
	}
	return nil
}

// Close waits for a round trip still running, then closes the client that
// [Open] created; a client passed to [New] is left open. A check after
// Close fails.
func (c *Checker) Close() error {
	c.run.Close()
	if c.owned != nil {
		return c.owned.Close()
	}
	return nil
}

// Check pings every server, then sets, gets and deletes a key of its own,
// and reports [vitals.StatusFail] when a server does not answer, the key
// does not read back as written, or ctx ends first; [vitals.StatusPass]
// otherwise. Observed is the time of the set, get and delete in
// milliseconds; Details hold round_trip_ms, ping_ms and, for [Open],
// servers.
//
// Because gomemcache takes no context, the operations run on a goroutine
// that the Checker owns, and Check returns at ctx's deadline even when
// they have not. At most one round trip runs at a time: a check that
// starts while one is running waits for that one's result. A hung server
// therefore costs one goroutine, for at most a few times the client's
// Timeout, and never more; [Checker.Close] waits for it.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	return c.run.Do(ctx, "memcached round trip", c.roundTrip)
}

func (c *Checker) roundTrip() vitals.Result {
	details := map[string]any{}
	if c.servers != nil {
		details["servers"] = c.servers
	}
	start := time.Now()
	if err := c.client.Ping(); err != nil {
		return report.Fail(details, "ping memcached: %w", err)
	}
	details["ping_ms"] = report.Ms(time.Since(start))

	start = time.Now()
	if err := c.setGetDelete(); err != nil {
		return report.Fail(details, "memcached round trip: %w", err)
	}
	rtt := report.Ms(time.Since(start))
	details["round_trip_ms"] = rtt
	r := vitals.Passf("memcached round trip in %.1fms", rtt)
	r.Details = details
	r.Observed, r.Unit = rtt, "ms"
	return r
}

const keyRandomBytes = 12

func (c *Checker) setGetDelete() error {
	key := c.prefix + nonce.Hex(keyRandomBytes)
	value := []byte(nonce.Hex(keyRandomBytes))

	if err := c.client.Set(&memcache.Item{Key: key, Value: value, Expiration: keyTTL}); err != nil {
		return fmt.Errorf("set: %w", err)
	}
	item, err := c.client.Get(key)
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	if err := c.client.Delete(key); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	if !bytes.Equal(item.Value, value) {
		return fmt.Errorf("read back %d bytes that differ from the %d written", len(item.Value), len(value))
	}
	return nil
}
