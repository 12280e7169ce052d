package httpcheck

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// kept is the RoundTripper of a check with [Options.KeepAlive]. A
// plain-HTTP request it sends as [oneShot] does, on the caller's
// goroutine, but over the check's one kept connection: the connection
// stays open between runs, with no goroutine, timer tick or buffer of its
// own while idle (a socket and its poller entry), until a run finds it
// KeepAlive old, or a timer set once per connection closes it idle then.
// An https request, or one the environment sends through a proxy, goes to
// the check's own http.Transport, which keeps its connections itself
// ([Checker.renew] ages them).
//
// http.Transport would keep the plain-HTTP connection too, but it holds a
// read loop and a write loop goroutine and two buffers for each, about
// 13 KB a connection (130 MB at 10,000 targets; bench/cmd/servebench),
// and hands every request and response between them.
type kept struct {
	oneShot // a shared one's: its proxy settings, limits and dialer serve the plain-HTTP runs
	conn    keptConn

	// own is the check's own transport, built by newOwn at the first
	// request that is not plain HTTP: most checks never need one, and one
	// is about 1 KB.
	newOwn func() *http.Transport
	once   sync.Once
	own    atomic.Pointer[http.Transport]
}

// keptConn is a check's one kept connection: idle is nil while none is
// idle (none yet, or one is serving a run).
type keptConn struct {
	maxAge time.Duration
	mu     sync.Mutex
	idle   net.Conn
	addr   string    // the address idle was dialed for
	born   time.Time // when it was dialed
	timer  *time.Timer
	timed  time.Time // born of the connection the timer is set for
	gen    uint64    // closes so far
}

func newKept(shared *oneShot, maxAge time.Duration, newOwn func() *http.Transport) *kept {
	k := &kept{oneShot: *shared, newOwn: newOwn}
	k.conn.maxAge = maxAge
	return k
}

// transport returns the check's own transport, built at the first call.
func (k *kept) transport() *http.Transport {
	k.once.Do(func() { k.own.Store(k.newOwn()) })
	return k.own.Load()
}

func (k *kept) RoundTrip(req *http.Request) (*http.Response, error) {
	if !k.plain(req) {
		return k.transport().RoundTrip(req)
	}
	ctx, addr := req.Context(), hostPort(req)
	if run, conn := k.conn.take(addr, time.Now()); conn != nil {
		resp, answered, err := k.send(req, conn, &run)
		if err == nil || answered || ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
			return resp, err
		}
		// The kept connection failed before anything of a response came:
		// the server closed it after take looked (which the write does
		// not see, only the read). A new connection asks again, as
		// http.Transport retries a GET on a reused connection.
	}
	run := k.conn.dialing(addr, time.Now())
	conn, err := k.t.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	resp, _, err := k.send(req, conn, &run)
	return resp, err
}

// keptRun is what a run's response body gives its connection back with.
type keptRun struct {
	kc   *keptConn
	addr string
	born time.Time
	gen  uint64 // kc.gen when the run began: a close since drops the connection
}

// dialing returns the keptRun of a connection to addr dialed now.
func (kc *keptConn) dialing(addr string, now time.Time) keptRun {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	return keptRun{kc, addr, now, kc.gen}
}

// take returns the idle connection to addr, or nil when there is none
// younger than maxAge and still quiet. An idle connection the server sent
// anything on (a 408 as it times the connection out, the late body of a
// HEAD answer, the end of the connection) would give the next request
// someone else's answer, and is closed, as one that is too old. An idle
// connection to another address (a redirect's) is left idle.
func (kc *keptConn) take(addr string, now time.Time) (keptRun, net.Conn) {
	kc.mu.Lock()
	conn, run := kc.idle, keptRun{kc, kc.addr, kc.born, kc.gen}
	aged := now.Sub(run.born) >= kc.maxAge
	if conn == nil || (run.addr != addr && !aged) {
		kc.mu.Unlock()
		return keptRun{}, nil
	}
	kc.idle = nil
	kc.mu.Unlock()
	// Taken: addr's, or aged (whatever its address).
	if aged || !quiet(conn) {
		reset(conn)
		return keptRun{}, nil
	}
	return run, conn
}

// put keeps conn, dialed at r.born for r.addr, for the next run, unless
// it is maxAge old, the check was closed since the run began, or another
// connection is idle already (a concurrent run's, or one to another
// address). The first time a connection is kept, the timer is set to
// close it once maxAge old, should it be idle then.
func (r *keptRun) put(conn net.Conn) {
	kc := r.kc
	kc.mu.Lock()
	age := time.Since(r.born)
	keep := kc.idle == nil && age < kc.maxAge && kc.gen == r.gen
	if keep {
		kc.idle, kc.addr, kc.born = conn, r.addr, r.born
		if !kc.timed.Equal(r.born) {
			kc.timed = r.born
			if kc.timer == nil {
				kc.timer = time.AfterFunc(kc.maxAge-age, kc.expire)
			} else {
				kc.timer.Reset(kc.maxAge - age)
			}
		}
	}
	kc.mu.Unlock()
	if !keep {
		reset(conn)
	}
}

// expire closes the idle connection once maxAge old.
func (kc *keptConn) expire() {
	kc.mu.Lock()
	conn := kc.idle
	if conn != nil && time.Since(kc.born) >= kc.maxAge {
		kc.idle = nil
	} else {
		conn = nil
	}
	kc.mu.Unlock()
	if conn != nil {
		reset(conn)
	}
}

// close closes the idle connection and stops the timer, and makes the
// runs in flight close theirs; a run after it dials anew.
func (kc *keptConn) close() {
	kc.mu.Lock()
	conn := kc.idle
	kc.idle = nil
	kc.gen++
	if kc.timer != nil {
		kc.timer.Stop()
		kc.timed = time.Time{}
	}
	kc.mu.Unlock()
	if conn != nil {
		reset(conn)
	}
}
