package vitalsgrpc_test

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalsgrpc"
	"go.uber.org/goleak"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// watch opens a Watch stream; it is cancelled at cleanup.
func watch(t testing.TB, e *env, service string) healthpb.Health_WatchClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s, err := e.client.Watch(ctx, &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func recv(t testing.TB, s healthpb.Health_WatchClient) healthpb.HealthCheckResponse_ServingStatus {
	t.Helper()
	resp, err := s.Recv()
	if err != nil {
		t.Fatalf("Recv: %v", err)
	}
	return resp.GetStatus()
}

// expectEnd asserts that the server ended the stream cleanly (status OK).
func expectEnd(t testing.TB, s healthpb.Health_WatchClient) {
	t.Helper()
	if resp, err := s.Recv(); err != io.EOF {
		t.Fatalf("Recv = %v, %v; want the stream to end with io.EOF", resp, err)
	}
}

func TestWatchTransitions(t *testing.T) {
	const none = healthpb.HealthCheckResponse_ServingStatus(-1)
	type step struct {
		db   vitals.Status                              // db's next result
		want healthpb.HealthCheckResponse_ServingStatus // what the stream sends; none: nothing
	}
	tests := []struct {
		service string
		first   vitals.Status
		want    healthpb.HealthCheckResponse_ServingStatus
		steps   []step
	}{
		{"", vitals.StatusPass, serving, []step{{vitals.StatusFail, notServing}, {vitals.StatusPass, serving}}},
		{"db", vitals.StatusFail, notServing, []step{{vitals.StatusWarn, serving}, {vitals.StatusFail, notServing}, {vitals.StatusPass, serving}}},
		// A run that changes nothing sends nothing.
		{"readiness", vitals.StatusPass, serving, []step{{vitals.StatusPass, none}, {vitals.StatusFail, notServing}}},
		// Liveness does not follow a readiness check.
		{"liveness", vitals.StatusPass, serving, []step{{vitals.StatusFail, none}, {vitals.StatusPass, none}}},
	}
	for _, tt := range tests {
		t.Run(tt.service, func(t *testing.T) {
			m := vitals.New(nil)
			db := newSwitch(tt.first)
			add(t, m, "db", db)
			e := serve(t, m, nil)
			runOnce(t, m)
			s := watch(t, e, tt.service)
			if got := recv(t, s); got != tt.want {
				t.Fatalf("first status %v, want %v", got, tt.want)
			}
			last := tt.want
			for i, st := range tt.steps {
				db.set(st.db)
				runOnce(t, m)
				if st.want == none {
					continue
				}
				if got := recv(t, s); got != st.want {
					t.Fatalf("step %d (db %v): got %v, want %v", i, st.db, got, st.want)
				}
				last = st.want
			}
			// Shutdown sends a final NOT_SERVING (unless that was the last
			// status) and ends the stream, so anything sent that was not
			// expected shows up here, without waiting on a clock.
			if err := m.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			if last != notServing {
				if got := recv(t, s); got != notServing {
					t.Fatalf("at shutdown: %v, want NOT_SERVING", got)
				}
			}
			expectEnd(t, s)
		})
	}
}

func TestWatchUnknownThenAdded(t *testing.T) {
	m := vitals.New(nil)
	e := serve(t, m, nil)
	runOnce(t, m)
	s := watch(t, e, "late")
	if got := recv(t, s); got != unknownSvc {
		t.Fatalf("first status = %v, want SERVICE_UNKNOWN", got)
	}
	late := newSwitch(vitals.StatusPass)
	add(t, m, "late", late)
	runOnce(t, m)
	if got := recv(t, s); got != serving {
		t.Fatalf("after the check was added: %v, want SERVING", got)
	}
	late.set(vitals.StatusFail)
	runOnce(t, m)
	if got := recv(t, s); got != notServing {
		t.Fatalf("after it failed: %v, want NOT_SERVING", got)
	}
	if err := m.Remove("late"); err != nil {
		t.Fatal(err)
	}
	m.Snapshot() // publish the removal
	if got := recv(t, s); got != unknownSvc {
		t.Fatalf("after it was removed: %v, want SERVICE_UNKNOWN", got)
	}
}

// TestWatchManyStreamsEndOnShutdown opens 100 streams and shuts the
// monitor down: every stream gets NOT_SERVING and ends cleanly, and no
// goroutine is left behind.
func TestWatchManyStreamsEndOnShutdown(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	m := vitals.New(nil)
	add(t, m, "db", newSwitch(vitals.StatusPass))
	add(t, m, "disk", newSwitch(vitals.StatusPass), vitals.Groups(vitals.Liveness))
	e := serve(t, m, nil)
	runOnce(t, m)

	services := []string{"", "readiness", "liveness", "db", "disk"}
	const n = 100
	var ready, done sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			errs <- watchToEnd(e, services[i%len(services)], ready.Done)
		}()
	}
	ready.Wait() // every stream has its first status
	if err := m.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	done.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	e.conn.Close()
	e.gs.Stop()
}

// watchToEnd expects SERVING, then (after started) NOT_SERVING and a clean
// end of the stream.
func watchToEnd(e *env, service string, started func()) error {
	s, err := e.client.Watch(context.Background(), &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		started()
		return err
	}
	first, err := s.Recv()
	started()
	if err != nil || first.GetStatus() != serving {
		return errors.Join(errors.New(service+": first status not SERVING"), err)
	}
	last, err := s.Recv()
	if err != nil || last.GetStatus() != notServing {
		return errors.Join(errors.New(service+": no NOT_SERVING at shutdown"), err)
	}
	if _, err := s.Recv(); err != io.EOF {
		return errors.Join(errors.New(service+": stream did not end cleanly"), err)
	}
	return nil
}

func TestWatchServerShutdown(t *testing.T) {
	m := vitals.New(nil)
	add(t, m, "db", newSwitch(vitals.StatusPass))
	e := serve(t, m, nil)
	runOnce(t, m)
	known, unknown := watch(t, e, "db"), watch(t, e, "nope")
	if got := recv(t, known); got != serving {
		t.Fatalf("db: %v", got)
	}
	if got := recv(t, unknown); got != unknownSvc {
		t.Fatalf("nope: %v", got)
	}
	e.srv.Shutdown()
	if got := recv(t, known); got != notServing {
		t.Fatalf("db after Shutdown: %v, want NOT_SERVING", got)
	}
	expectEnd(t, known)
	expectEnd(t, unknown)

	// A stream opened after Shutdown is told NOT_SERVING and ends.
	late := watch(t, e, "")
	if got := recv(t, late); got != notServing {
		t.Fatalf("after Shutdown: %v, want NOT_SERVING", got)
	}
	expectEnd(t, late)
}

func TestWatchClientCancel(t *testing.T) {
	m := vitals.New(nil)
	add(t, m, "db", newSwitch(vitals.StatusPass))
	e := serve(t, m, nil)
	runOnce(t, m)
	ctx, cancel := context.WithCancel(context.Background())
	s, err := e.client.Watch(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	recv(t, s)
	cancel()
	if _, err := s.Recv(); err == nil {
		t.Fatal("Recv after cancel succeeded")
	}
	// The handler has returned: stopping the server does not wait for it
	// (GracefulStop would block on a stream still being served).
	e.conn.Close()
	e.gs.GracefulStop()
}

// blockingStream is a Watch stream whose Send blocks until the test lets
// it go, like a client that stopped reading with flow control exhausted.
type blockingStream struct {
	grpc.ServerStream
	ctx     context.Context
	release chan struct{}
	sent    chan healthpb.HealthCheckResponse_ServingStatus
}

func (b *blockingStream) Context() context.Context { return b.ctx }

func (b *blockingStream) Send(r *healthpb.HealthCheckResponse) error {
	b.sent <- r.GetStatus()
	select {
	case <-b.release:
		return nil
	case <-b.ctx.Done():
		return b.ctx.Err()
	}
}

// TestWatchSlowClientGetsLatest: while one Send is stuck, the status flips
// three times; once the client reads again it gets only the latest.
func TestWatchSlowClientGetsLatest(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	db := newSwitch(vitals.StatusPass)
	add(t, m, "db", db)
	runOnce(t, m)
	srv := vitalsgrpc.NewServer(m, nil)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := &blockingStream{ctx: ctx, release: make(chan struct{}), sent: make(chan healthpb.HealthCheckResponse_ServingStatus, 16)}
	done := make(chan error, 1)
	go func() { done <- srv.Watch(&healthpb.HealthCheckRequest{Service: "db"}, st) }()

	if got := <-st.sent; got != serving {
		t.Fatalf("first = %v", got)
	}
	// The first Send is stuck: fail, pass, fail happen meanwhile.
	for _, s := range []vitals.Status{vitals.StatusFail, vitals.StatusPass, vitals.StatusFail} {
		db.set(s)
		runOnce(t, m)
	}
	close(st.release)
	if got := <-st.sent; got != notServing {
		t.Fatalf("after the client caught up: %v, want NOT_SERVING (the latest)", got)
	}
	db.set(vitals.StatusPass)
	runOnce(t, m)
	if got := <-st.sent; got != serving {
		t.Fatalf("next change: %v, want SERVING", got)
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatal("Watch returned nil after the client went away")
	}
	select {
	case got := <-st.sent:
		t.Fatalf("an intermediate status was sent as well: %v", got)
	default:
	}
}

// TestWatchFollowsScheduler drives the monitor by its own scheduler (a
// real clock, short interval): Watch is woken by published snapshots.
func TestWatchFollowsScheduler(t *testing.T) {
	m := vitals.New(nil)
	db := newSwitch(vitals.StatusPass)
	add(t, m, "db", db, vitals.Interval(5*time.Millisecond))
	e := serve(t, m, nil)
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	s := watch(t, e, "db")
	// The first status may be NOT_SERVING if db has not run yet.
	for recv(t, s) != serving {
	}
	db.set(vitals.StatusFail)
	if got := recv(t, s); got != notServing {
		t.Fatalf("got %v, want NOT_SERVING", got)
	}
	m.Close()
	expectEnd(t, s)
}
