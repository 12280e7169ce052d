package vitalsgrpc_test

import (
	"context"
	"net"
	"sync/atomic"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalsgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// switchable is a check whose next result the test sets.
type switchable struct{ st atomic.Uint32 }

func newSwitch(st vitals.Status) *switchable {
	s := &switchable{}
	s.set(st)
	return s
}

func (s *switchable) set(st vitals.Status) { s.st.Store(uint32(st)) }

func (s *switchable) Check(context.Context) vitals.Result {
	return vitals.Result{Status: vitals.Status(s.st.Load())}
}

// env is a monitor served by a real gRPC server on 127.0.0.1, and a real
// client connected to it.
type env struct {
	m      *vitals.Monitor
	srv    *vitalsgrpc.Server
	gs     *grpc.Server
	addr   string
	conn   *grpc.ClientConn
	client healthpb.HealthClient
}

// serve starts a gRPC server for m. Everything is stopped at cleanup, the
// monitor last.
func serve(t testing.TB, m *vitals.Monitor, opts *vitalsgrpc.Options) *env {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{m: m, gs: grpc.NewServer(), addr: lis.Addr().String()}
	e.srv = vitalsgrpc.NewServer(m, opts)
	healthpb.RegisterHealthServer(e.gs, e.srv)
	served := make(chan struct{})
	go func() {
		defer close(served)
		e.gs.Serve(lis)
	}()
	e.conn, err = grpc.NewClient(e.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	e.client = healthpb.NewHealthClient(e.conn)
	t.Cleanup(func() {
		e.conn.Close()
		e.gs.Stop()
		<-served
		m.Close()
	})
	return e
}

// runOnce runs every check of m once.
func runOnce(t testing.TB, m *vitals.Monitor) {
	t.Helper()
	if _, err := m.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func add(t testing.TB, m *vitals.Monitor, name string, c vitals.Checker, opts ...vitals.CheckOption) {
	t.Helper()
	if err := m.Add(name, c, opts...); err != nil {
		t.Fatal(err)
	}
}

func newGRPCServer() *grpc.Server { return grpc.NewServer() }
