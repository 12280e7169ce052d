package grpccheck

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/vitalsgo/vitals/checks/internal/lazyconn"
	"github.com/vitalsgo/vitals/redact"
)

// Open returns a Checker that owns its connection to target, a gRPC target
// such as "host:port" or "dns:///host:port", for configuration-driven use:
// TLS with the system roots unless opts say otherwise. It does not
// connect: the first check does, and after a check whose call failed below
// the RPC (unreachable, no answer in time) the next one dials afresh, so a
// recovered server is seen at once rather than after gRPC's reconnect
// backoff. Close releases the connection.
//
// Open returns an error, without a password the target may hold, for an
// empty or unparsable target or conflicting options.
func Open(target string, opts *Options) (*Checker, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if target == "" {
		return nil, errors.New("grpccheck: empty target")
	}
	if o.Insecure && (o.TLSConfig != nil || o.InsecureSkipVerify) {
		return nil, errors.New("grpccheck: Insecure (plaintext) cannot be combined with TLSConfig or InsecureSkipVerify")
	}
	dopts := append([]grpc.DialOption{grpc.WithTransportCredentials(transport(o))}, o.DialOptions...)
	shown := redact.URL(target)
	// grpc.NewClient only parses and does no I/O: called once here, a bad
	// target or option is Open's error rather than every check's.
	first, err := grpc.NewClient(target, dopts...)
	if err != nil {
		return nil, fmt.Errorf("grpccheck: target %s: %w", shown, redact.Error(err))
	}
	// The connection made to check the target serves the first dial (it
	// does no I/O until then): a one-shot probe, `vitals probe`, makes
	// one, not two.
	c := newChecker(shown, o)
	unused := &c.unused
	unused.Store(first)
	c.owned = lazyconn.New(lazyconn.Config[*grpc.ClientConn]{
		Name: "gRPC server at " + shown,
		Dial: func(context.Context) (*grpc.ClientConn, error) {
			if conn := unused.Swap(nil); conn != nil {
				return conn, nil
			}
			return grpc.NewClient(target, dopts...)
		},
		Close:  (*grpc.ClientConn).Close,
		Closed: ErrClosed,
	})
	return c, nil
}

// transport returns the credentials o asks for: TLS on a clone of
// TLSConfig, whose caller may share it with clients that verify, or none.
func transport(o Options) credentials.TransportCredentials {
	if o.Insecure {
		return insecure.NewCredentials()
	}
	cfg := &tls.Config{}
	if o.TLSConfig != nil {
		cfg = o.TLSConfig.Clone()
	}
	cfg.InsecureSkipVerify = cfg.InsecureSkipVerify || o.InsecureSkipVerify
	return credentials.NewTLS(cfg)
}

// Close closes the connection of a Checker made by [Open]. For a Checker
// made by [New] it leaves the caller's connection open. Either way, checks
// after Close fail with [ErrClosed], and a second Close returns nil.
func (c *Checker) Close() error {
	if c.owned == nil {
		c.closed.Store(true)
		return nil
	}
	if conn := c.unused.Swap(nil); conn != nil {
		conn.Close() //nolint:errcheck // never used
	}
	return c.owned.Close()
}
