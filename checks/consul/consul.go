package consul

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/owned"
	"github.com/vitalsgo/vitals/checks/internal/report"
	"github.com/vitalsgo/vitals/checks/internal/roundtrip"
	"github.com/vitalsgo/vitals/redact"
)

// DefaultKeyPrefix starts the name of the key a round trip writes when
// [Options].KeyPrefix is empty.
const DefaultKeyPrefix = "vitals/health/"

// Options configures a [Checker]. A nil *Options means the defaults.
type Options struct {
	// Token is the ACL token of the client [Open] makes. Empty means the
	// consul command's default: CONSUL_HTTP_TOKEN (or the file
	// CONSUL_HTTP_TOKEN_FILE names), else none. [New] refuses it: the
	// caller's client carries its own token.
	Token string

	// RoundTrip adds a put, a get and a delete of a KV key of its own to
	// every check and fails the check unless the get reads back what was
	// put. It proves the servers commit writes (which needs a quorum),
	// not only that the agent answers. The key is KeyPrefix followed by
	// random hex. Default: false.
	RoundTrip bool

	// KeyPrefix starts the name of the round-trip key, e.g. to place it
	// where the token may write. Default: [DefaultKeyPrefix]
	// ("vitals/health/").
	KeyPrefix string

	// Service, when set, adds the health of that service, as the catalog
	// knows it, to every check (see [Checker.Check]). Default: none.
	Service string
}

// Checker checks a Consul agent and the cluster behind it: the agent
// answers and the servers have a leader, optionally a KV round trip and
// the health of a service. Use [New] or [Open] to make one; it is safe for
// concurrent use.
type Checker struct {
	client    *api.Client
	roundTrip bool
	prefix    string
	service   string
	own       owned.Client // the transport Open made, whose idle connections Close closes
}

var _ vitals.Checker = (*Checker)(nil)

// ErrClosed is the error of a check run on a Checker made by [Open] after
// [Checker.Close].
var ErrClosed = errors.New("consul: checker closed")

// New returns a Checker that uses client, typically the client the service
// itself uses. The caller keeps ownership of client.
func New(client *api.Client, opts *Options) (*Checker, error) {
	if client == nil {
		return nil, errors.New("consul: nil client")
	}
	if opts == nil {
		opts = &Options{}
	}
	if opts.Token != "" {
		return nil, errors.New("consul: Options.Token is for Open; New uses the client's token")
	}
	prefix := opts.KeyPrefix
	if prefix == "" {
		prefix = DefaultKeyPrefix
	}
	return &Checker{client: client, roundTrip: opts.RoundTrip, prefix: prefix, service: opts.Service}, nil
}

// Open returns a Checker that owns a new client for the agent at address:
// "host:port", "http://host:port" or "https://host:port" (TLS as the
// CONSUL_CACERT family of variables configures it, as for the consul
// command). The client connects only when a check runs. Close the Checker
// to close its idle connections. An error never quotes the token.
func Open(address string, opts *Options) (*Checker, error) {
	if address == "" {
		return nil, errors.New("consul: empty address")
	}
	var token string
	if opts != nil {
		token = opts.Token
		o := *opts
		o.Token = ""
		opts = &o
	}
	transport := api.DefaultConfig().Transport // a pooled transport of its own
	client, err := api.NewClient(&api.Config{Address: address, Token: token, Transport: transport})
	if err != nil {
		return nil, fmt.Errorf("consul: %w", redact.Error(err))
	}
	closeIdle := func() error {
		transport.CloseIdleConnections()
		return nil
	}
	return owned.Adopt(New, client, opts, closeIdle, (*Checker).owner)
}

func (c *Checker) owner() *owned.Client { return &c.own }

// Close closes the idle connections of the client that [Open] created; a
// check after Close fails with [ErrClosed]. For a Checker made by [New] it
// does nothing: the client belongs to the caller.
func (c *Checker) Close() error {
	return c.own.Close()
}

// agentSelf is the part of /v1/agent/self the checker reads.
type agentSelf struct {
	Config struct {
		Datacenter string
		NodeName   string
		Version    string
		Revision   string
		Server     bool
	}
}

// Check asks the agent about itself (/v1/agent/self), then for the raft
// leader (/v1/status/leader), then (with [Options].RoundTrip) puts, gets
// and deletes a key of its own, then (with [Options].Service) reads the
// health of every instance of the service, and reports:
//
//   - [vitals.StatusFail] when the agent does not answer or refuses the
//     token (ACL not found, permission denied), when the cluster has no
//     leader, when the round trip fails, or when the service has no
//     instance that is not critical (none registered counts as none);
//   - [vitals.StatusWarn] when some instances of the service are
//     critical or some are warning, but not all are critical;
//   - [vitals.StatusPass] otherwise.
//
// An instance's status is the worst of its checks and its node's (a node
// or service in maintenance counts as critical), so for a service with
// one instance passing, warning and critical are Pass, Warn and Fail.
//
// Observed is the agent's answer time in milliseconds. Details hold
// version, datacenter, node_name, server (whether the agent is a server),
// leader (its address); round_trip_ms with RoundTrip; and service,
// instances, passing, warning and critical with Service.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	if c.own.Closed() {
		return vitals.Failf("%w", ErrClosed)
	}
	q := (&api.QueryOptions{}).WithContext(ctx)
	start := time.Now()
	var self agentSelf
	if _, err := c.client.Raw().Query("/v1/agent/self", &self, q); err != nil {
		return vitals.Failf("consul agent: %w", err)
	}
	rtt := time.Since(start)
	details := map[string]any{
		"version":    self.Config.Version,
		"datacenter": self.Config.Datacenter,
		"node_name":  self.Config.NodeName,
		"server":     self.Config.Server,
	}

	leader, err := c.client.Status().LeaderWithQueryOptions(q)
	switch {
	case err != nil:
		return withDetails(vitals.Failf("consul leader: %w", err), details)
	case leader == "":
		return withDetails(vitals.Failf("consul datacenter %s has no leader", self.Config.Datacenter), details)
	}
	details["leader"] = leader

	if c.roundTrip {
		if err := roundtrip.Run(ctx, c.store(), c.prefix, details); err != nil {
			return withDetails(vitals.Failf("consul KV round trip: %w", err), details)
		}
	}

	r := vitals.Passf("consul %s in %s, leader %s, agent answered in %.1fms", self.Config.Version, self.Config.Datacenter, leader, report.Ms(rtt))
	if c.service != "" {
		entries, _, err := c.client.Health().Service(c.service, "", false, q)
		if err != nil {
			return withDetails(vitals.Failf("consul health of service %s: %w", c.service, err), details)
		}
		// A passing service adds its line to the agent's; any other
		// status is the service's alone.
		if sr := serviceResult(c.service, statuses(entries), details); sr.Status == vitals.StatusPass {
			r.Message += "; " + strings.TrimPrefix(sr.Message, "consul ")
		} else {
			r = sr
		}
	}
	r.Details = details
	r.Observed, r.Unit = report.Ms(rtt), "ms"
	return r
}

func withDetails(r vitals.Result, details map[string]any) vitals.Result {
	r.Details = details
	return r
}

// store is the client's KV store as a round trip uses it; its read is
// consistent, so that it sees the write on any server.
func (c *Checker) store() roundtrip.Store {
	kv := c.client.KV()
	return roundtrip.Store{
		Put: func(ctx context.Context, key, value string) error {
			_, err := kv.Put(&api.KVPair{Key: key, Value: []byte(value)}, (&api.WriteOptions{}).WithContext(ctx))
			return err
		},
		Get: func(ctx context.Context, key string) ([]string, error) {
			pair, _, err := kv.Get(key, (&api.QueryOptions{RequireConsistent: true}).WithContext(ctx))
			if err != nil || pair == nil {
				return nil, err
			}
			return []string{string(pair.Value)}, nil
		},
		Delete: func(ctx context.Context, key string) error {
			_, err := kv.Delete(key, (&api.WriteOptions{}).WithContext(ctx))
			return err
		},
	}
}
