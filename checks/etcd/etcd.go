package etcd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/endpoint"
	"github.com/vitalsgo/vitals/checks/internal/owned"
	"github.com/vitalsgo/vitals/checks/internal/report"
	"github.com/vitalsgo/vitals/checks/internal/roundtrip"
	"github.com/vitalsgo/vitals/redact"
)

// DefaultKeyPrefix starts the name of the key a round trip writes when
// [Options].KeyPrefix is empty.
const DefaultKeyPrefix = "vitals/health/"

// Client is the part of a [*clientv3.Client] the checker uses: the
// configured endpoints, the maintenance Status call, and (for
// [Options].RoundTrip) the KV calls.
type Client interface {
	Endpoints() []string
	Status(ctx context.Context, endpoint string) (*clientv3.StatusResponse, error)
	Put(ctx context.Context, key, val string, opts ...clientv3.OpOption) (*clientv3.PutResponse, error)
	Get(ctx context.Context, key string, opts ...clientv3.OpOption) (*clientv3.GetResponse, error)
	Delete(ctx context.Context, key string, opts ...clientv3.OpOption) (*clientv3.DeleteResponse, error)
}

var _ Client = (*clientv3.Client)(nil)

// Options configures a [Checker]. A nil *Options means the defaults.
type Options struct {
	// RoundTrip adds a put, a get and a delete of a key of its own to
	// every check and fails the check unless the get reads back what was
	// put. It proves the cluster commits writes (which needs a quorum),
	// not only that members answer. The key is KeyPrefix followed by
	// random hex. Default: false (endpoint status only).
	RoundTrip bool

	// KeyPrefix starts the name of the round-trip key, e.g. to place it
	// where the client's etcd role may write. Default:
	// [DefaultKeyPrefix] ("vitals/health/").
	KeyPrefix string
}

// Checker checks an etcd cluster: the status of every endpoint the client
// knows (version, leader, raft term, database size, alarms) and optionally
// a write/read round trip. Use [New] or [Open] to make one; it is safe for
// concurrent use.
type Checker struct {
	client    Client
	roundTrip bool
	prefix    string
	own       owned.Client // the client Open made; nothing for New
}

var _ vitals.Checker = (*Checker)(nil)

// ErrClosed is the error of a check run on a Checker made by [Open] after
// [Checker.Close].
var ErrClosed = errors.New("etcd: checker closed")

// New returns a Checker that uses client, typically the client the service
// itself uses. The caller keeps ownership of client.
func New(client Client, opts *Options) (*Checker, error) {
	if client == nil {
		return nil, errors.New("etcd: nil client")
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

// Open returns a Checker that owns a new client for endpoints, a
// comma-separated list such as "http://etcd1:2379,http://etcd2:2379".
// The client logs nothing and connects lazily: Open does not wait for a
// connection. A check reports the cluster's state now, so the client does
// not retry a failed request (clientv3's MaxUnaryRetries is 1). Close the
// Checker to close the client.
func Open(endpoints string, opts *Options) (*Checker, error) {
	eps := endpoint.List(endpoints)
	if len(eps) == 0 {
		return nil, errors.New("etcd: no endpoint")
	}
	client, err := clientv3.New(clientv3.Config{Endpoints: eps, Logger: zap.NewNop(), MaxUnaryRetries: 1})
	if err != nil {
		return nil, fmt.Errorf("etcd: %w", redact.Error(err))
	}
	return owned.Adopt(New, Client(client), opts, client.Close, (*Checker).owner)
}

func (c *Checker) owner() *owned.Client { return &c.own }

// Close closes the client that [Open] created. For a Checker made by [New]
// it does nothing: the client belongs to the caller.
func (c *Checker) Close() error {
	return c.own.Close()
}

// errNoLeader is the text of the error a member without a leader lists
// in its status.
const errNoLeader = "etcdserver: no leader"

// endpointStatus is the answer of one endpoint.
type endpointStatus struct {
	endpoint string
	resp     *clientv3.StatusResponse
	err      error
	rtt      time.Duration
}

// Check asks every endpoint for its status, at the same time, then (with
// [Options].RoundTrip) puts, gets and deletes a key of its own, and
// reports:
//
//   - [vitals.StatusFail] when no endpoint answers, no answering member
//     knows a leader, a member reports an alarm (such as NOSPACE: the
//     cluster refuses writes), or the round trip fails;
//   - [vitals.StatusWarn] when some endpoints do not answer or some members
//     have lost their leader while others still have one;
//   - [vitals.StatusPass] otherwise.
//
// The v3 client waits for a connection until the deadline (its requests
// are gRPC WaitForReady), so an endpoint that refuses connections or hangs
// fails at the deadline with "context deadline exceeded", not at once.
// With RoundTrip, the status requests get half of the time left before
// ctx's deadline and the round trip the rest, so that an endpoint that
// hangs cannot starve the round trip.
//
// Observed is the slowest answering endpoint's status time in
// milliseconds. Details describe the first endpoint, in the client's
// order, that answered and knows a leader (or else the first that
// answered): endpoint, version, db_size, db_size_in_use (bytes),
// leader, member_id, cluster_id (hex, as etcdctl prints them), raft_term,
// raft_index, revision, is_learner; plus endpoints (configured),
// endpoints_healthy, endpoint_errors (endpoint → error) when some failed,
// and round_trip_ms with RoundTrip.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	if c.own.Closed() {
		return vitals.Failf("%w", ErrClosed)
	}
	eps := c.client.Endpoints()
	if len(eps) == 0 {
		return vitals.Failf("etcd: client has no endpoints")
	}
	statuses := c.statuses(ctx, eps)

	details := map[string]any{"endpoints": len(eps)}
	var (
		first      *endpointStatus
		slowest    time.Duration
		answered   int
		leaderless []string
		alarms     []string
		errs       = map[string]string{}
	)
	for i := range statuses {
		s := &statuses[i]
		if s.err != nil {
			errs[s.endpoint] = s.err.Error()
			continue
		}
		answered++
		slowest = max(slowest, s.rtt)
		if first == nil || (first.resp.Leader == 0 && s.resp.Leader != 0) {
			first = s // the first that answered, preferably with a leader
		}
		if s.resp.Leader == 0 {
			leaderless = append(leaderless, s.endpoint)
		}
		for _, e := range s.resp.Errors {
			if e != errNoLeader { // counted above
				alarms = append(alarms, s.endpoint+": "+strings.TrimSpace(e))
			}
		}
	}
	details["endpoints_healthy"] = answered - len(leaderless)
	if len(errs) > 0 {
		details["endpoint_errors"] = errs
	}
	if first == nil {
		r := vitals.Failf("etcd status of %s: %w", redact.URL(statuses[0].endpoint), statuses[0].err)
		if len(eps) > 1 {
			r = vitals.Failf("no etcd endpoint answered: %s", joinErrors(statuses))
			r.Err = statuses[0].err
		}
		r.Details = details
		return r
	}
	statusDetails(first, details)

	var r vitals.Result
	switch {
	case len(leaderless) == answered:
		r = vitals.Failf("etcd has no leader (%s)", strings.Join(leaderless, ", "))
	case len(alarms) > 0:
		r = vitals.Failf("etcd alarm: %s", strings.Join(alarms, "; "))
	case c.roundTrip:
		if err := roundtrip.Run(ctx, c.store(), c.prefix, details); err != nil {
			r = vitals.Failf("etcd round trip: %w", err)
		}
	}
	if r.Status == vitals.StatusUnknown {
		r = degraded(len(eps), answered, leaderless, errs)
	}
	if r.Status == vitals.StatusUnknown {
		r = vitals.Passf("etcd %s, leader %x, answered in %.1fms", first.resp.Version, first.resp.Leader, report.Ms(slowest))
	}
	r.Details = details
	r.Observed, r.Unit = report.Ms(slowest), "ms"
	return r
}

// degraded reports a cluster that works with some members missing, or a
// zero Result when every member is fine.
func degraded(total, answered int, leaderless []string, errs map[string]string) vitals.Result {
	var parts []string
	if len(errs) > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d endpoints did not answer", total-answered, total))
	}
	if len(leaderless) > 0 {
		parts = append(parts, "no leader at "+strings.Join(leaderless, ", "))
	}
	if len(parts) == 0 {
		return vitals.Result{}
	}
	return vitals.Warnf("%s", strings.Join(parts, "; "))
}

// statuses asks every endpoint at once, so that one that hangs does not
// use up the time of the others, and returns when all have answered or
// ctx has ended. With a round trip to follow, they get half of the time
// left, so that an endpoint that hangs (or that a client retries until
// the deadline) leaves time for the round trip.
func (c *Checker) statuses(ctx context.Context, eps []string) []endpointStatus {
	if deadline, ok := ctx.Deadline(); ok && c.roundTrip {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-time.Until(deadline)/2))
		defer cancel()
	}
	out := make([]endpointStatus, len(eps))
	var wg sync.WaitGroup
	for i, ep := range eps {
		wg.Go(func() {
			start := time.Now()
			resp, err := c.client.Status(ctx, ep)
			out[i] = endpointStatus{endpoint: ep, resp: resp, err: err, rtt: time.Since(start)}
		})
	}
	wg.Wait()
	return out
}

func statusDetails(s *endpointStatus, d map[string]any) {
	r := s.resp
	d["endpoint"] = s.endpoint
	d["version"] = r.Version
	d["db_size"] = r.DbSize
	d["db_size_in_use"] = r.DbSizeInUse
	d["leader"] = fmt.Sprintf("%x", r.Leader)
	d["raft_term"] = r.RaftTerm
	d["raft_index"] = r.RaftIndex
	d["is_learner"] = r.IsLearner
	if h := r.Header; h != nil {
		d["member_id"] = fmt.Sprintf("%x", h.MemberId)
		d["cluster_id"] = fmt.Sprintf("%x", h.ClusterId)
		d["revision"] = h.Revision
	}
}

func joinErrors(statuses []endpointStatus) string {
	parts := make([]string, len(statuses))
	for i, s := range statuses {
		parts[i] = s.endpoint + ": " + s.err.Error()
	}
	return strings.Join(parts, "; ")
}

// store is the client as a round trip uses it.
func (c *Checker) store() roundtrip.Store {
	return roundtrip.Store{
		Put: func(ctx context.Context, key, value string) error {
			_, err := c.client.Put(ctx, key, value)
			return err
		},
		Get: func(ctx context.Context, key string) ([]string, error) {
			resp, err := c.client.Get(ctx, key)
			if err != nil {
				return nil, err
			}
			values := make([]string, len(resp.Kvs))
			for i, kv := range resp.Kvs {
				values[i] = string(kv.Value)
			}
			return values, nil
		},
		Delete: func(ctx context.Context, key string) error {
			_, err := c.client.Delete(ctx, key)
			return err
		},
	}
}
