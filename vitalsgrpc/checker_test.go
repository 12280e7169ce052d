package vitalsgrpc_test

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalsgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
)

func newChecker(t testing.TB, target string, opts *vitalsgrpc.CheckerOptions) *vitalsgrpc.Checker {
	t.Helper()
	if opts == nil {
		opts = &vitalsgrpc.CheckerOptions{}
	}
	opts.Insecure = true
	c, err := vitalsgrpc.NewChecker(target, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func checkWithin(c vitals.Checker, d time.Duration) vitals.Result {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return c.Check(ctx)
}

func TestCheckerAgainstServer(t *testing.T) {
	m := vitals.New(nil)
	db := newSwitch(vitals.StatusPass)
	add(t, m, "db", db)
	e := serve(t, m, nil)
	runOnce(t, m)

	tests := []struct {
		name    string
		service string
		dbFails bool
		want    vitals.Status
		message string // a substring of the message
		status  string // Details["status"]
	}{
		{"overall serving", "", false, vitals.StatusPass, ": SERVING in ", "SERVING"},
		{"check serving", "db", false, vitals.StatusPass, `service "db": SERVING in `, "SERVING"},
		{"check not serving", "db", true, vitals.StatusFail, `service "db": NOT_SERVING`, "NOT_SERVING"},
		{"overall not serving", "", true, vitals.StatusFail, ": NOT_SERVING", "NOT_SERVING"},
		{"liveness unaffected", "liveness", true, vitals.StatusPass, "SERVING", "SERVING"},
		{"unknown service", "nope", false, vitals.StatusFail, `does not know service "nope" (NotFound)`, "SERVICE_UNKNOWN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.dbFails {
				db.set(vitals.StatusFail)
			} else {
				db.set(vitals.StatusPass)
			}
			runOnce(t, m)
			c := newChecker(t, e.addr, &vitalsgrpc.CheckerOptions{Service: tt.service})
			r := checkWithin(c, 10*time.Second)
			if r.Status != tt.want || !strings.Contains(r.Message, tt.message) {
				t.Fatalf("result = %v %q, want %v containing %q", r.Status, r.Message, tt.want, tt.message)
			}
			if r.Details["status"] != tt.status || r.Details["service"] != tt.service || r.Details["target"] != e.addr {
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
	m := vitals.New(nil)
	add(t, m, "db", newSwitch(vitals.StatusPass))
	e := serve(t, m, nil)
	runOnce(t, m)
	c := newChecker(t, e.addr, nil)
	for i := range 3 {
		if r := checkWithin(c, 10*time.Second); r.Status != vitals.StatusPass {
			t.Fatalf("run %d: %v %q", i, r.Status, r.Message)
		}
	}
}

func TestCheckerExistingConnection(t *testing.T) {
	m := vitals.New(nil)
	add(t, m, "db", newSwitch(vitals.StatusPass))
	e := serve(t, m, nil)
	runOnce(t, m)
	c, err := vitalsgrpc.New(e.conn, &vitalsgrpc.CheckerOptions{Service: "db"})
	if err != nil {
		t.Fatal(err)
	}
	if r := checkWithin(c, 10*time.Second); r.Status != vitals.StatusPass {
		t.Fatalf("%v %q", r.Status, r.Message)
	}
	c.Close()
	if r := checkWithin(c, 10*time.Second); r.Status != vitals.StatusFail || !strings.Contains(r.Message, "closed") {
		t.Fatalf("after Close: %v %q", r.Status, r.Message)
	}
	// The caller's connection stays usable.
	if _, err := e.client.Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatalf("caller's connection closed by Checker.Close: %v", err)
	}
}

func TestCheckerClosedPort(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close()
	c := newChecker(t, addr, nil)
	r := checkWithin(c, 10*time.Second)
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "Unavailable") || r.Details["code"] != "Unavailable" {
		t.Fatalf("result = %v %q %v", r.Status, r.Message, r.Details)
	}

	// The server comes up on that port: the next run sees it.
	lis, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("port %s was taken meanwhile: %v", addr, err)
	}
	m := vitals.New(nil)
	defer m.Close()
	runOnce(t, m)
	gs := grpc.NewServer()
	vitalsgrpc.Register(gs, m)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		gs.Serve(lis)
	}()
	defer wg.Wait()
	defer gs.Stop()
	if r := checkWithin(c, 10*time.Second); r.Status != vitals.StatusPass {
		t.Fatalf("after the server started: %v %q", r.Status, r.Message)
	}
}

// TestCheckerBlackhole: a listener that accepts connections and never
// answers makes the check fail at its deadline.
func TestCheckerBlackhole(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	defer func() {
		lis.Close()
		wg.Wait()
		for _, c := range conns {
			c.Close()
		}
	}()

	tests := []struct {
		name string
		opts *vitalsgrpc.CheckerOptions
		ctx  time.Duration
		want string
	}{
		{"context deadline", nil, 200 * time.Millisecond, "no answer within 200ms (DeadlineExceeded)"},
		{"option timeout", &vitalsgrpc.CheckerOptions{Timeout: 150 * time.Millisecond}, time.Minute, "no answer within 150ms (DeadlineExceeded)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChecker(t, lis.Addr().String(), tt.opts)
			r := checkWithin(c, tt.ctx)
			if r.Status != vitals.StatusFail || !strings.Contains(r.Message, tt.want) {
				t.Fatalf("result = %v %q, want Fail containing %q", r.Status, r.Message, tt.want)
			}
		})
	}
}

func TestCheckerMetadata(t *testing.T) {
	got := make(chan metadata.MD, 1)
	m := vitals.New(nil)
	runOnce(t, m)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer(grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		md, _ := metadata.FromIncomingContext(ctx)
		got <- md
		return h(ctx, req)
	}))
	vitalsgrpc.Register(gs, m)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		gs.Serve(lis)
	}()
	defer func() { gs.Stop(); wg.Wait(); m.Close() }()

	c := newChecker(t, lis.Addr().String(), &vitalsgrpc.CheckerOptions{Metadata: map[string]string{"authorization": "Bearer s3cret-token"}})
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
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer() // no health service
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		gs.Serve(lis)
	}()
	defer func() { gs.Stop(); wg.Wait() }()
	c := newChecker(t, lis.Addr().String(), nil)
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
		new  func() (*vitalsgrpc.Checker, error)
	}{
		{"empty target", func() (*vitalsgrpc.Checker, error) {
			return vitalsgrpc.NewChecker("", &vitalsgrpc.CheckerOptions{Insecure: true})
		}},
		{"insecure with TLS", func() (*vitalsgrpc.Checker, error) {
			return vitalsgrpc.NewChecker("localhost:1", &vitalsgrpc.CheckerOptions{Insecure: true, InsecureSkipVerify: true})
		}},
		{"negative timeout", func() (*vitalsgrpc.Checker, error) {
			return vitalsgrpc.NewChecker("localhost:1", &vitalsgrpc.CheckerOptions{Timeout: -time.Second})
		}},
		{"nil conn", func() (*vitalsgrpc.Checker, error) { return vitalsgrpc.New(nil, nil) }},
		{"transport options with conn", func() (*vitalsgrpc.Checker, error) {
			return vitalsgrpc.New(conn, &vitalsgrpc.CheckerOptions{Insecure: true})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c, err := tt.new(); err == nil {
				c.Close()
				t.Fatal("no error")
			}
		})
	}
}

// TestCheckerInMonitor registers the checker on a monitor whose health is
// served by another monitor's gRPC server.
func TestCheckerInMonitor(t *testing.T) {
	upstream := vitals.New(nil)
	db := newSwitch(vitals.StatusPass)
	add(t, upstream, "db", db)
	e := serve(t, upstream, nil)
	runOnce(t, upstream)

	m := vitals.New(nil)
	defer m.Close()
	add(t, m, "upstream", newChecker(t, e.addr, nil), vitals.Timeout(10*time.Second))
	snap, err := m.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := snap.Check("upstream"); st.Status != vitals.StatusPass {
		t.Fatalf("upstream = %v %q", st.Status, st.Last.Message)
	}
	db.set(vitals.StatusFail)
	runOnce(t, upstream)
	snap, _ = m.RunOnce(context.Background())
	if st, _ := snap.Check("upstream"); st.Status != vitals.StatusFail {
		t.Fatalf("upstream = %v %q", st.Status, st.Last.Message)
	}
}
