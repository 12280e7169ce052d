package grpccheck

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/lazyconn"
	"github.com/vitalsgo/vitals/checks/internal/report"
	"github.com/vitalsgo/vitals/checks/internal/timeout"
	"github.com/vitalsgo/vitals/redact"
)

// ErrClosed is the error of a check run on a Checker after [Checker.Close].
var ErrClosed = errors.New("grpccheck: checker closed")

// Options configure a [Checker]. A nil *Options means all defaults.
type Options struct {
	// Service is the service name asked about; "" asks for the server's
	// overall health.
	Service string

	// Timeout bounds each call when it is shorter than the deadline of the
	// context passed to Check (which the monitor sets from
	// vitals.Timeout). Default 0: the context alone.
	Timeout time.Duration

	// Metadata is sent with every call, e.g. an authorization token. Its
	// values never appear in a result.
	Metadata map[string]string

	// ConnectivityOnly checks only that the connection reaches READY,
	// connecting it if it is idle, without calling the health service: for
	// servers that do not implement grpc.health.v1, as regiocom's
	// GrpcProbe(cc) checks them. [New] then needs a *grpc.ClientConn.
	ConnectivityOnly bool

	// The fields below configure the connection [Open] makes; [New]
	// rejects them, since its connection is configured already.

	// Insecure dials without TLS (plaintext HTTP/2). Default false: TLS.
	Insecure bool

	// TLSConfig is the TLS configuration, e.g. for a private CA or client
	// certificates; it is cloned. Default the system roots.
	TLSConfig *tls.Config

	// InsecureSkipVerify turns off certificate verification.
	InsecureSkipVerify bool

	// DialOptions are passed to grpc.NewClient after the transport
	// credentials, e.g. a custom dialer or an authority.
	DialOptions []grpc.DialOption
}

func (o *Options) withDefaults() (Options, error) {
	var out Options
	if o != nil {
		out = *o
	}
	var err error
	out.Timeout, err = timeout.Option("grpccheck", out.Timeout, 0)
	return out, err
}

// dialled reports whether o sets any field that only [Open] uses.
func (o *Options) dialled() bool {
	return o.Insecure || o.TLSConfig != nil || o.InsecureSkipVerify || len(o.DialOptions) > 0
}

// Checker calls grpc.health.v1.Health/Check on another server. Use [New]
// or [Open] to make one; it is safe for concurrent use.
type Checker struct {
	client healthpb.HealthClient              // set by New
	conn   *grpc.ClientConn                   // set by New in ConnectivityOnly mode
	owned  *lazyconn.Client[*grpc.ClientConn] // set by Open
	unused atomic.Pointer[grpc.ClientConn]    // Open's connection until its first dial takes it
	closed atomic.Bool                        // set by Close, for New's Checker

	shown            string // the target, without a password, for messages
	service          string
	connectivityOnly bool
	timeout          time.Duration
	md               metadata.MD
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker that calls over conn, a connection the caller owns
// and closes: typically the one the service itself calls the server
// through, so that the check sees what the service sees. [Checker.Close]
// leaves conn open. The transport fields of opts (Insecure, TLSConfig,
// InsecureSkipVerify, DialOptions) must be unset.
func New(conn grpc.ClientConnInterface, opts *Options) (*Checker, error) {
	if conn == nil {
		return nil, errors.New("grpccheck: nil connection")
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if o.dialled() {
		return nil, errors.New("grpccheck: Insecure, TLSConfig, InsecureSkipVerify and DialOptions configure the connection Open makes; configure conn instead")
	}
	shown := "connection"
	cc, ok := conn.(*grpc.ClientConn)
	if ok {
		shown = redact.URL(cc.CanonicalTarget())
	}
	if o.ConnectivityOnly && !ok {
		return nil, fmt.Errorf("grpccheck: ConnectivityOnly needs a *grpc.ClientConn, whose state it reads, not a %T", conn)
	}
	c := newChecker(shown, o)
	c.client, c.conn = healthpb.NewHealthClient(conn), cc
	return c, nil
}

func newChecker(shown string, o Options) *Checker {
	c := &Checker{shown: shown, service: o.Service, timeout: o.Timeout, connectivityOnly: o.ConnectivityOnly}
	if len(o.Metadata) > 0 {
		c.md = metadata.New(o.Metadata)
	}
	return c
}

// Check calls Health/Check. It always makes the call, whatever state the
// connection is in: an idle connection, dialled lazily or idle for a while,
// is not a sign of trouble, so it is connected on demand.
//
//   - [vitals.StatusPass]: the server answered SERVING.
//   - [vitals.StatusFail]: it answered NOT_SERVING or any other status,
//     does not know the service (NotFound), does not implement the health
//     service, could not be reached, or did not answer before the deadline.
//
// Observed is the round-trip time in ms. Details hold the target, the
// service, the status answered and, for a failed call, the gRPC code.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	d := map[string]any{"target": c.shown, "service": c.service}
	// The time the call is given, taken first so that the message of a
	// call that ran out of it names the caller's budget; -1 for none.
	budget := time.Duration(-1)
	if dl, ok := ctx.Deadline(); ok {
		budget = time.Until(dl)
	}
	if c.timeout > 0 && (budget < 0 || c.timeout <= budget) {
		budget = c.timeout
	}
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	client, conn, err := c.acquire(ctx)
	if err != nil {
		return fail(d, err, "grpc health %s: %v", c.shown, err)
	}
	if c.connectivityOnly {
		delete(d, "service")
		if conn == nil {
			conn = c.conn
		} else if conn.GetState() == connectivity.TransientFailure {
			// Failed before this check: judge a fresh connection.
			c.owned.Discard(conn)
			if _, conn, err = c.acquire(ctx); err != nil {
				return fail(d, err, "grpc connection %s: %v", c.shown, err)
			}
		}
		return c.connected(ctx, conn, d, budget)
	}
	if c.md != nil {
		ctx = metadata.NewOutgoingContext(ctx, c.md)
	}
	start := time.Now()
	resp, err := client.Check(ctx, &healthpb.HealthCheckRequest{Service: c.service})
	rtt := time.Since(start)
	if conn != nil && belowRPC(err) {
		// grpc-go keeps a failed connection in transient failure, failing
		// calls fast with the old error until its backoff ends; a health
		// check must see a recovered server at its next run, not minutes
		// later, so the next check dials afresh.
		c.owned.Discard(conn)
	}
	r := c.judge(resp, err, d, budget)
	r.Observed, r.Unit = float64(rtt.Microseconds())/1000, "ms"
	if r.Status == vitals.StatusPass {
		r.Message += " in " + rtt.Round(time.Microsecond).String()
	}
	return r
}

// connected waits until conn is READY, connecting it when idle, and fails
// when it falls into TRANSIENT_FAILURE or SHUTDOWN, or ctx ends first.
func (c *Checker) connected(ctx context.Context, conn *grpc.ClientConn, d map[string]any, budget time.Duration) vitals.Result {
	what := "grpc connection " + c.shown
	start := time.Now()
	for {
		st := conn.GetState()
		d["state"] = st.String()
		switch st {
		case connectivity.Ready:
			took := time.Since(start)
			return vitals.Result{Status: vitals.StatusPass, Message: fmt.Sprintf("%s: READY in %v", what, took.Round(time.Microsecond)),
				Details: d, Observed: float64(took.Microseconds()) / 1000, Unit: "ms"}
		case connectivity.TransientFailure:
			// The connection stays in TRANSIENT_FAILURE until it is READY
			// (grpc's sticky failure), so this is the verdict; the next
			// check starts afresh: an owned connection is dialled anew,
			// the caller's tries again without waiting out its backoff.
			if c.owned != nil {
				c.owned.Discard(conn)
			} else {
				conn.ResetConnectBackoff()
			}
			return fail(d, nil, "%s: %s", what, st)
		case connectivity.Shutdown:
			return fail(d, nil, "%s: %s", what, st)
		case connectivity.Idle:
			conn.Connect()
		}
		if !conn.WaitForStateChange(ctx, st) {
			if budget > 0 {
				return fail(d, ctx.Err(), "%s: still %s after %v", what, st, (budget + time.Millisecond - 1).Truncate(time.Millisecond))
			}
			return fail(d, ctx.Err(), "%s: still %s when the context ended", what, st)
		}
	}
}

// acquire returns the client to call and, for an owned connection, the
// connection it calls over.
func (c *Checker) acquire(ctx context.Context) (healthpb.HealthClient, *grpc.ClientConn, error) {
	if c.owned == nil {
		if c.closed.Load() {
			return nil, nil, ErrClosed
		}
		return c.client, nil, nil
	}
	conn, err := c.owned.Get(ctx)
	if err != nil {
		return nil, nil, err
	}
	return healthpb.NewHealthClient(conn), conn, nil
}

// belowRPC reports whether err says the connection, not the server's
// answer, failed.
func belowRPC(err error) bool {
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded, codes.Canceled:
		return true
	}
	return false
}

// judge turns the answer into a Result; a passing one gets its timing
// appended by Check.
func (c *Checker) judge(resp *healthpb.HealthCheckResponse, err error, d map[string]any, budget time.Duration) vitals.Result {
	what := "grpc health " + c.shown
	if c.service != "" {
		what += " service " + strconv.Quote(c.service)
	}
	if err == nil {
		st := resp.GetStatus()
		d["status"] = st.String()
		if st == healthpb.HealthCheckResponse_SERVING {
			return vitals.Result{Status: vitals.StatusPass, Message: what + ": SERVING", Details: d}
		}
		return fail(d, nil, "%s: %s", what, st)
	}
	s := status.Convert(err)
	d["code"] = s.Code().String()
	switch s.Code() {
	case codes.NotFound:
		d["status"] = healthpb.HealthCheckResponse_SERVICE_UNKNOWN.String()
		return fail(d, err, "%s: the server does not know service %q (NotFound)", what, c.service)
	case codes.Unimplemented:
		return fail(d, err, "%s: the server does not implement grpc.health.v1.Health (Unimplemented)", what)
	case codes.DeadlineExceeded:
		if budget > 0 {
			// Rounded up: a budget of 200ms read a few µs late is still 200ms.
			shown := (budget + time.Millisecond - 1).Truncate(time.Millisecond)
			return fail(d, err, "%s: no answer within %v (DeadlineExceeded)", what, shown)
		}
		return fail(d, err, "%s: no answer before the deadline (DeadlineExceeded)", what)
	}
	return fail(d, err, "%s: %s: %s", what, s.Code(), s.Message())
}

// fail returns a failing Result whose Err is err. The message is not
// redacted here: the monitor redacts every result once.
func fail(d map[string]any, err error, format string, args ...any) vitals.Result {
	return vitals.Result{Status: vitals.StatusFail, Message: fmt.Sprintf(format, args...), Details: d, Err: err}
}
