package grpccheck_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	grpccheck "github.com/vitalsgo/vitals/checks/grpc"
	"github.com/vitalsgo/vitals/internal/testservice"
)

const (
	serving    = healthpb.HealthCheckResponse_SERVING
	notServing = healthpb.HealthCheckResponse_NOT_SERVING
)

func TestCheckerAgainstServer(t *testing.T) {
	hs, addr := serveHealth(t)
	hs.SetServingStatus("jobs", serving)

	tests := []struct {
		name    string
		service string
		dbFails bool
		want    vitals.Status
		message string // a substring of the message
		status  string // Details["status"]
	}{
		{"overall serving", "", false, vitals.StatusPass, ": SERVING in ", "SERVING"},
		{"service serving", "db", false, vitals.StatusPass, `service "db": SERVING in `, "SERVING"},
		{"service not serving", "db", true, vitals.StatusFail, `service "db": NOT_SERVING`, "NOT_SERVING"},
		{"overall not serving", "", true, vitals.StatusFail, ": NOT_SERVING", "NOT_SERVING"},
		{"other service unaffected", "jobs", true, vitals.StatusPass, "SERVING", "SERVING"},
		{"unknown service", "nope", false, vitals.StatusFail, `does not know service "nope" (NotFound)`, "SERVICE_UNKNOWN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := serving
			if tt.dbFails {
				st = notServing
			}
			hs.SetServingStatus("db", st)
			hs.SetServingStatus("", st)
			c := open(t, addr, &grpccheck.Options{Service: tt.service})
			r := checkWithin(c, 10*time.Second)
			if r.Status != tt.want || !strings.Contains(r.Message, tt.message) {
				t.Fatalf("result = %v %q, want %v containing %q", r.Status, r.Message, tt.want, tt.message)
			}
			if r.Details["status"] != tt.status || r.Details["service"] != tt.service || r.Details["target"] != addr {
				t.Fatalf("details = %v", r.Details)
			}
			if ms, ok := r.Observed.(float64); !ok || ms < 0 || r.Unit != "ms" {
				t.Fatalf("observed = %v %q", r.Observed, r.Unit)
			}
		})
	}
}

// TestCheckerIdleConnection: a checker whose connection was never used (or
// went idle) still makes the call and passes.
func TestCheckerIdleConnection(t *testing.T) {
	_, addr := serveHealth(t)
	c := open(t, addr, nil)
	for i := range 3 {
		if r := checkWithin(c, 10*time.Second); r.Status != vitals.StatusPass {
			t.Fatalf("run %d: %v %q", i, r.Status, r.Message)
		}
	}
}

func TestCheckerExistingConnection(t *testing.T) {
	hs, addr := serveHealth(t)
	hs.SetServingStatus("db", serving)
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := checktest.MustNew(t, grpccheck.New, grpc.ClientConnInterface(conn), &grpccheck.Options{Service: "db"})
	if r := checkWithin(c, 10*time.Second); r.Status != vitals.StatusPass {
		t.Fatalf("%v %q", r.Status, r.Message)
	}
	for range 2 {
		if err := c.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	if r := checkWithin(c, 10*time.Second); r.Status != vitals.StatusFail || !errors.Is(r.Err, grpccheck.ErrClosed) {
		t.Fatalf("after Close: %v %q (Err %v)", r.Status, r.Message, r.Err)
	}
	// The caller's connection stays usable.
	if _, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatalf("caller's connection closed by Checker.Close: %v", err)
	}
}

// TestCheckerSeesServerComeUp: a checker that found nothing listening
// sees a server started on that port at its next run, not after gRPC's
// reconnect backoff.
func TestCheckerSeesServerComeUp(t *testing.T) {
	addr := testservice.ClosedAddr(t)
	c := open(t, addr, nil)
	r := checkWithin(c, 10*time.Second)
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "Unavailable") || r.Details["code"] != "Unavailable" {
		t.Fatalf("result = %v %q %v", r.Status, r.Message, r.Details)
	}

	lis, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("port %s was taken meanwhile: %v", addr, err)
	}
	serveOn(t, lis, health.NewServer())
	if r := checkWithin(c, 10*time.Second); r.Status != vitals.StatusPass {
		t.Fatalf("after the server started: %v %q", r.Status, r.Message)
	}
}

// TestCheckerNamesItsBudget: against a server that accepts connections and
// never answers, the message names the time the call was given, by the
// context's deadline or by Options.Timeout, whichever is shorter.
func TestCheckerNamesItsBudget(t *testing.T) {
	addr := testservice.BlackholeAddr(t)
	tests := []struct {
		name string
		opts *grpccheck.Options
		ctx  time.Duration
		want string
	}{
		{"context deadline", nil, 200 * time.Millisecond, "no answer within 200ms (DeadlineExceeded)"},
		{"option timeout", &grpccheck.Options{Timeout: 150 * time.Millisecond}, time.Minute, "no answer within 150ms (DeadlineExceeded)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := open(t, addr, tt.opts)
			r := checkWithin(c, tt.ctx)
			if r.Status != vitals.StatusFail || !strings.Contains(r.Message, tt.want) {
				t.Fatalf("result = %v %q, want Fail containing %q", r.Status, r.Message, tt.want)
			}
			if r.Details["code"] != "DeadlineExceeded" {
				t.Fatalf("details = %v", r.Details)
			}
		})
	}
}

func TestCheckerMetadata(t *testing.T) {
	got := make(chan metadata.MD, 1)
	_, addr := serveHealth(t, grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		md, _ := metadata.FromIncomingContext(ctx)
		got <- md
		return h(ctx, req)
	}))
	c := open(t, addr, &grpccheck.Options{Metadata: map[string]string{"authorization": "Bearer s3cret-token"}})
	r := checkWithin(c, 10*time.Second)
	if r.Status != vitals.StatusPass {
		t.Fatalf("%v %q", r.Status, r.Message)
	}
	if md := <-got; strings.Join(md.Get("authorization"), "") != "Bearer s3cret-token" {
		t.Fatalf("server saw metadata %v", md)
	}
	if strings.Contains(r.Message, "s3cret") {
		t.Fatalf("secret in message %q", r.Message)
	}
}

func TestCheckerUnimplemented(t *testing.T) {
	c := open(t, serve(t, nil), nil)
	if r := checkWithin(c, 10*time.Second); r.Status != vitals.StatusFail || !strings.Contains(r.Message, "Unimplemented") {
		t.Fatalf("%v %q", r.Status, r.Message)
	}
}

func TestCheckerOptionErrors(t *testing.T) {
	conn, err := grpc.NewClient("127.0.0.1:1", grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tests := []struct {
		name string
		new  func() (*grpccheck.Checker, error)
		want string
	}{
		{"empty target", func() (*grpccheck.Checker, error) {
			return grpccheck.Open("", &grpccheck.Options{Insecure: true})
		}, "empty target"},
		{"unparsable target", func() (*grpccheck.Checker, error) {
			return grpccheck.Open("dns://user:hunter2@host/%zz", &grpccheck.Options{Insecure: true})
		}, "target"},
		{"insecure with TLS", func() (*grpccheck.Checker, error) {
			return grpccheck.Open("localhost:1", &grpccheck.Options{Insecure: true, InsecureSkipVerify: true})
		}, "Insecure"},
		{"negative timeout", func() (*grpccheck.Checker, error) {
			return grpccheck.Open("localhost:1", &grpccheck.Options{Timeout: -time.Second})
		}, "negative Timeout"},
		{"nil conn", func() (*grpccheck.Checker, error) { return grpccheck.New(nil, nil) }, "nil connection"},
		{"transport options with conn", func() (*grpccheck.Checker, error) {
			return grpccheck.New(conn, &grpccheck.Options{Insecure: true})
		}, "configure conn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.new()
			if err == nil {
				c.Close()
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("error %q, want one containing %q and no password", err, tt.want)
			}
		})
	}
}

// TestCheckerInMonitor registers the checker on a monitor and follows the
// server it checks from SERVING to NOT_SERVING.
func TestCheckerInMonitor(t *testing.T) {
	hs, addr := serveHealth(t)
	m := vitals.New(nil)
	defer m.Close()
	if err := m.Add("upstream", open(t, addr, nil), vitals.Timeout(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	snap, err := m.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := snap.Check("upstream"); st.Status != vitals.StatusPass {
		t.Fatalf("upstream = %v %q", st.Status, st.Last.Message)
	}
	hs.SetServingStatus("", notServing)
	snap, _ = m.RunOnce(context.Background())
	if st, _ := snap.Check("upstream"); st.Status != vitals.StatusFail {
		t.Fatalf("upstream = %v %q", st.Status, st.Last.Message)
	}
}

// ConnectivityOnly passes on a server without the health service once the
// connection is READY, over an owned connection and the caller's own, and
// fails on a closed port with the state it saw.
func TestConnectivityOnly(t *testing.T) {
	addr := serve(t, nil) // no health service
	c := open(t, addr, &grpccheck.Options{ConnectivityOnly: true})
	if r := checkWithin(c, 10*time.Second); r.Status != vitals.StatusPass || r.Details["state"] != "READY" || !strings.Contains(r.Message, "READY") {
		t.Errorf("owned connection: %v %q %v", r.Status, r.Message, r.Details)
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	own := checktest.MustNew(t, grpccheck.New, grpc.ClientConnInterface(conn), &grpccheck.Options{ConnectivityOnly: true})
	if r := checkWithin(own, 10*time.Second); r.Status != vitals.StatusPass || r.Details["state"] != "READY" {
		t.Errorf("the caller's idle connection: %v %q", r.Status, r.Message)
	}
	closed := open(t, testservice.ClosedAddr(t), &grpccheck.Options{ConnectivityOnly: true})
	if r := checkWithin(closed, 10*time.Second); r.Status != vitals.StatusFail || r.Details["state"] != "TRANSIENT_FAILURE" {
		t.Errorf("closed port: %v %q %v", r.Status, r.Message, r.Details)
	}
	if _, err := grpccheck.New(notAClientConn{conn}, &grpccheck.Options{ConnectivityOnly: true}); err == nil || !strings.Contains(err.Error(), "*grpc.ClientConn") {
		t.Errorf("ConnectivityOnly over a ClientConnInterface: %v", err)
	}
}

// notAClientConn is a grpc.ClientConnInterface that is not a
// *grpc.ClientConn, such as an interceptor's wrapper.
type notAClientConn struct{ grpc.ClientConnInterface }
