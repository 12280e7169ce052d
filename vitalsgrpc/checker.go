package vitalsgrpc

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/redact"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// CheckerOptions configure [NewChecker] and [New]. A nil *CheckerOptions
// means all defaults.
type CheckerOptions struct {
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

	// The fields below configure the connection NewChecker dials; New
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

// Checker calls grpc.health.v1.Health/Check on another server. It is a
// [vitals.Checker].
type Checker struct {
	client  healthpb.HealthClient // set for New; NewChecker builds one per connection
	shown   string                // target, redacted, for messages
	service string
	timeout time.Duration
	md      metadata.MD

	// dial makes a new owned connection; nil for New.
	dial func() (*grpc.ClientConn, error)

	mu     sync.Mutex // protects the fields below
	conn   *grpc.ClientConn
	stale  bool // the last call failed below the RPC: dial again first
	closed bool
}

var _ vitals.Checker = (*Checker)(nil)

// NewChecker returns a Checker for target, a gRPC target such as
// "host:port" or "dns:///host:port". The connection is made lazily, by the
// first check; Close releases it. It returns an error for an empty target
// or conflicting options.
func NewChecker(target string, opts *CheckerOptions) (*Checker, error) {
	o, err := checkerOptions(opts)
	if err != nil {
		return nil, err
	}
	if target == "" {
		return nil, errors.New("vitalsgrpc: checker target is empty")
	}
	if o.Insecure && (o.TLSConfig != nil || o.InsecureSkipVerify) {
		return nil, errors.New("vitalsgrpc: Insecure (plaintext) cannot be combined with TLSConfig or InsecureSkipVerify")
	}
	creds := insecure.NewCredentials()
	if !o.Insecure {
		cfg := &tls.Config{}
		if o.TLSConfig != nil {
			cfg = o.TLSConfig.Clone()
		}
		cfg.InsecureSkipVerify = cfg.InsecureSkipVerify || o.InsecureSkipVerify
		creds = credentials.NewTLS(cfg)
	}
	dopts := append([]grpc.DialOption{grpc.WithTransportCredentials(creds)}, o.DialOptions...)
	c := newChecker(redact.URL(target), o)
	c.dial = func() (*grpc.ClientConn, error) { return grpc.NewClient(target, dopts...) }
	// grpc.NewClient only parses; it fails here for a bad target or
	// options, not for an unreachable server.
	if c.conn, err = c.dial(); err != nil {
		return nil, fmt.Errorf("vitalsgrpc: checker for %s: %w", c.shown, err)
	}
	return c, nil
}

// New returns a Checker that calls over conn, a connection the caller owns
// and closes: Close leaves it open. The transport fields of opts must be
// unset.
func New(conn grpc.ClientConnInterface, opts *CheckerOptions) (*Checker, error) {
	o, err := checkerOptions(opts)
	if err != nil {
		return nil, err
	}
	if conn == nil {
		return nil, errors.New("vitalsgrpc: New with a nil connection")
	}
	if o.Insecure || o.TLSConfig != nil || o.InsecureSkipVerify || len(o.DialOptions) > 0 {
		return nil, errors.New("vitalsgrpc: Insecure, TLSConfig, InsecureSkipVerify and DialOptions configure a dialled connection; configure conn instead")
	}
	shown := "connection"
	if cc, ok := conn.(*grpc.ClientConn); ok {
		shown = redact.URL(cc.CanonicalTarget())
	}
	c := newChecker(shown, o)
	c.client = healthpb.NewHealthClient(conn)
	return c, nil
}

func checkerOptions(opts *CheckerOptions) (CheckerOptions, error) {
	var o CheckerOptions
	if opts != nil {
		o = *opts
	}
	if o.Timeout < 0 {
		return o, fmt.Errorf("vitalsgrpc: negative checker Timeout %v", o.Timeout)
	}
	return o, nil
}

func newChecker(shown string, o CheckerOptions) *Checker {
	c := &Checker{shown: shown, service: o.Service, timeout: o.Timeout}
	if len(o.Metadata) > 0 {
		c.md = metadata.New(o.Metadata)
	}
	return c
}

// Close releases the connection NewChecker made; a later Check fails. A
// connection given to New is left open. Close is idempotent.
func (c *Checker) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.conn == nil {
		return nil
	}
	err := c.conn.Close()
	c.conn = nil
	return err
}

// Check calls Health/Check. It always makes the call, whatever state the
// connection is in: an idle connection, dialled lazily or idle for a while,
// is not a sign of trouble, so it is connected on demand.
//
//   - StatusPass: the server answered SERVING.
//   - StatusFail: it answered NOT_SERVING or any other status, does not know
//     the service (NotFound), does not implement the health service, could
//     not be reached, or did not answer before the deadline.
//
// Observed is the round-trip time in ms. Details hold the target, the
// service, the status answered and, for a failed call, the gRPC code.
func (c *Checker) Check(ctx context.Context) vitals.Result {
	d := map[string]any{"target": c.shown, "service": c.service}
	// The time the call is given, taken first so that the message of a
	// call that ran out of it names the caller's budget, not what was
	// left of it after dialling; -1 for none.
	budget := time.Duration(-1)
	if dl, ok := ctx.Deadline(); ok {
		budget = time.Until(dl)
	}
	if c.timeout > 0 && (budget < 0 || c.timeout <= budget) {
		budget = c.timeout
	}
	client, err := c.acquire()
	if err != nil {
		return c.fail(d, err, "%v", err)
	}
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	if c.md != nil {
		ctx = metadata.NewOutgoingContext(ctx, c.md)
	}
	start := time.Now()
	resp, err := client.Check(ctx, &healthpb.HealthCheckRequest{Service: c.service})
	rtt := time.Since(start)
	r := c.judge(resp, err, d, budget)
	r.Observed, r.Unit = float64(rtt.Microseconds())/1000, "ms"
	if r.Status == vitals.StatusPass {
		r.Message += " in " + rtt.Round(time.Microsecond).String()
	}
	return r
}

// acquire returns the client to call, dialling a fresh owned connection
// when the last call failed below the RPC. grpc-go keeps a failed
// connection in transient failure, failing calls fast with the old error
// until its backoff ends; a health check must see a recovered server at
// its next run, not minutes later.
func (c *Checker) acquire() (healthpb.HealthClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return nil, fmt.Errorf("grpc health %s: checker is closed", c.shown)
	case c.dial == nil:
		return c.client, nil
	}
	if c.stale || c.conn == nil {
		conn, err := c.dial()
		if err != nil {
			return nil, fmt.Errorf("grpc health %s: %w", c.shown, err)
		}
		if c.conn != nil {
			c.conn.Close()
		}
		c.conn, c.stale = conn, false
	}
	return healthpb.NewHealthClient(c.conn), nil
}

// markStale makes the next call dial again (owned connections only).
func (c *Checker) markStale() {
	if c.dial != nil {
		c.mu.Lock()
		c.stale = true
		c.mu.Unlock()
	}
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
		return c.fail(d, nil, "%s: %s", what, st)
	}
	s := status.Convert(err)
	d["code"] = s.Code().String()
	switch s.Code() {
	case codes.NotFound:
		d["status"] = healthpb.HealthCheckResponse_SERVICE_UNKNOWN.String()
		return c.fail(d, err, "%s: the server does not know service %q (NotFound)", what, c.service)
	case codes.Unimplemented:
		return c.fail(d, err, "%s: the server does not implement grpc.health.v1.Health (Unimplemented)", what)
	case codes.DeadlineExceeded:
		c.markStale()
		if budget > 0 {
			// Rounded up: a budget of 200ms read a few µs late is still 200ms.
			shown := (budget + time.Millisecond - 1).Truncate(time.Millisecond)
			return c.fail(d, err, "%s: no answer within %v (DeadlineExceeded)", what, shown)
		}
		return c.fail(d, err, "%s: no answer before the deadline (DeadlineExceeded)", what)
	case codes.Unavailable, codes.Canceled:
		c.markStale()
	}
	return c.fail(d, err, "%s: %s: %s", what, s.Code(), s.Message())
}

func (c *Checker) fail(d map[string]any, err error, format string, args ...any) vitals.Result {
	return vitals.Result{Status: vitals.StatusFail, Message: redact.String(fmt.Sprintf(format, args...)), Details: d, Err: err}
}
