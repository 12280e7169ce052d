package vitalsgrpc

import (
	"context"
	"sync"

	"github.com/vitalsgo/vitals"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// DefaultMaxListServices is the most services [Server.List] returns when
// [Options.MaxListServices] is 0; it is grpc-go's own limit.
const DefaultMaxListServices = 100

// Options configure a [Server]. A nil *Options means all defaults.
type Options struct {
	// MaxListServices is the most services List answers with; beyond it
	// List fails with ResourceExhausted, as the protocol allows. Default
	// [DefaultMaxListServices]; negative means no limit.
	MaxListServices int
}

// Server implements grpc.health.v1.Health over a [vitals.Monitor]. Every
// answer is read from the monitor's current snapshot; nothing is stored
// per service, so checks added or removed later are picked up at once.
type Server struct {
	healthpb.UnimplementedHealthServer

	m       *vitals.Monitor
	maxList int

	mu       sync.Mutex // protects the fields below
	shutdown bool
	down     chan struct{} // closed by Shutdown, replaced by Resume
}

var _ healthpb.HealthServer = (*Server)(nil)

// NewServer returns a health server reading from m. It panics if m is nil.
func NewServer(m *vitals.Monitor, opts *Options) *Server {
	if m == nil {
		panic("vitalsgrpc: NewServer with a nil monitor")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MaxListServices == 0 {
		o.MaxListServices = DefaultMaxListServices
	}
	return &Server{m: m, maxList: o.MaxListServices, down: make(chan struct{})}
}

// Register creates a [Server] for m with default options and registers it
// on s (a *grpc.Server, or anything else that registers services).
func Register(s grpc.ServiceRegistrar, m *vitals.Monitor) *Server {
	srv := NewServer(m, nil)
	healthpb.RegisterHealthServer(s, srv)
	return srv
}

// Check answers the status of one service: "" (readiness), a group or a
// check. It runs expired on-demand checks first, bounded by the call's
// deadline, as an HTTP probe does. An unknown service is NotFound.
func (s *Server) Check(ctx context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	snap := s.m.Current(ctx)
	down, _ := s.isDown(snap)
	st, ok := servingOf(snap, req.GetService(), down)
	if !ok {
		return nil, status.Errorf(codes.NotFound, "unknown service %q", req.GetService())
	}
	return &healthpb.HealthCheckResponse{Status: st}, nil
}

// List answers the status of every service [Server.Check] knows: "", the
// groups, and each enabled check by name.
func (s *Server) List(ctx context.Context, _ *healthpb.HealthListRequest) (*healthpb.HealthListResponse, error) {
	snap := s.m.Current(ctx)
	names := services(snap)
	if s.maxList >= 0 && len(names) > s.maxList {
		return nil, status.Errorf(codes.ResourceExhausted, "%d services exceed the list limit of %d", len(names), s.maxList)
	}
	down, _ := s.isDown(snap)
	out := make(map[string]*healthpb.HealthCheckResponse, len(names))
	for _, n := range names {
		st, _ := servingOf(snap, n, down)
		out[n] = &healthpb.HealthCheckResponse{Status: st}
	}
	return &healthpb.HealthListResponse{Statuses: out}, nil
}

// Watch sends the status of a service at once and then every change,
// until the client goes away or the health service shuts down.
//
// An unknown service is sent SERVICE_UNKNOWN and the stream stays open: if
// a check or group of that name appears later, its status follows.
//
// A slow client gets only the latest status, never a backlog: the stream
// is driven by the monitor's snapshots, and after a Send that was held up
// by flow control the handler reads the newest snapshot, skipping every
// one published meanwhile. The snapshot pointer is the size-1 mailbox
// grpc-go's health server builds with a channel, so Watch needs no
// goroutine besides the one gRPC runs it on.
//
// When the monitor shuts down ([vitals.Monitor.Shutdown] or Close) or
// [Server.Shutdown] is called, a known service is sent NOT_SERVING and the
// stream ends with status OK.
func (s *Server) Watch(req *healthpb.HealthCheckRequest, stream healthpb.Health_WatchServer) error {
	service := req.GetService()
	ctx := stream.Context()
	last := healthpb.HealthCheckResponse_ServingStatus(-1)
	for snap := s.m.Snapshot(); ; {
		down, downCh := s.isDown(snap)
		st, _ := servingOf(snap, service, down)
		if st != last {
			if err := stream.Send(&healthpb.HealthCheckResponse{Status: st}); err != nil {
				return err
			}
			last = st
		}
		if down {
			return nil
		}
		select {
		case <-snap.Changed():
			// Snapshot, not the next in line: a client that kept Send
			// waiting gets the newest state only.
			snap = s.m.Snapshot()
		case <-downCh:
		case <-ctx.Done():
			return status.FromContextError(ctx.Err()).Err()
		}
	}
}

// Shutdown turns every known service NOT_SERVING regardless of the
// monitor, and ends every Watch stream after sending NOT_SERVING, as
// grpc-go's health.Server.Shutdown does. Call it before stopping the
// gRPC server so clients move away first. Watch calls made after it answer
// NOT_SERVING and end at once.
func (s *Server) Shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.shutdown {
		s.shutdown = true
		close(s.down)
	}
}

// Resume undoes [Server.Shutdown]: statuses follow the monitor again (which
// still reports NOT_SERVING if it is shutting down itself). Streams ended
// by Shutdown stay ended; clients watch again.
func (s *Server) Resume() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutdown {
		s.shutdown = false
		s.down = make(chan struct{})
	}
}

// isDown reports whether services must read NOT_SERVING in snap, and
// returns the channel that Shutdown closes.
func (s *Server) isDown(snap *vitals.Snapshot) (bool, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shutdown || snap.Stopping(), s.down
}
