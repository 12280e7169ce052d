package vitals

import (
	"sync"
	"time"
)

// Event is a transition of one check's effective status, delivered to the
// listeners registered with [Monitor.Subscribe].
type Event struct {
	Check               string
	From, To            Status
	Result              Result // the result that caused the transition (secrets already redacted)
	Time                time.Time
	Critical            bool
	ConsecutiveFailures int
	// Missed counts the events dropped for this listener just before this
	// one because it fell too far behind (see [Monitor.Subscribe]).
	Missed int
}

// listener delivers events to one callback from its own goroutine, in
// order, through a bounded queue.
type listener struct {
	fn  func(Event)
	max int

	mu      sync.Mutex // protects the fields below
	queue   []Event
	missed  int
	closed  bool
	wake    chan struct{} // size 1: "the queue is not empty or closed"
	stopped chan struct{} // closed when the goroutine has returned
}

func newListener(fn func(Event), max int) *listener {
	return &listener{fn: fn, max: max, wake: make(chan struct{}, 1), stopped: make(chan struct{})}
}

// push enqueues e without blocking. When the queue is full the oldest event
// is dropped and counted: a slow listener loses history, never blocks the
// monitor, and learns how much it lost from Event.Missed.
func (l *listener) push(e Event) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	if len(l.queue) >= l.max {
		copy(l.queue, l.queue[1:])
		l.queue = l.queue[:len(l.queue)-1]
		l.missed++
	}
	l.queue = append(l.queue, e)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// close stops the listener once its queue is drained.
func (l *listener) close() {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (l *listener) run() {
	defer close(l.stopped)
	var batch []Event
	for range l.wake {
		for {
			l.mu.Lock()
			batch, l.queue = l.queue, batch[:0]
			missed := l.missed
			l.missed = 0
			closed := l.closed
			l.mu.Unlock()
			if len(batch) == 0 {
				if closed {
					return
				}
				break
			}
			batch[0].Missed = missed
			for _, e := range batch {
				l.fn(e)
			}
			clear(batch)
		}
	}
}
