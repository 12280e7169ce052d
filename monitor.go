package vitals

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vitalsgo/vitals/redact"
)

// Options configure a [Monitor]. A nil *Options means all defaults.
type Options struct {
	// Clock measures every interval, timeout and delay. Default (nil): the real clock, package time.
	Clock Clock
	// Workers is the size of the pool that runs periodic checks. Default
	// max(8, 4*GOMAXPROCS). A run that outlasts the monitor's tick (1 % of
	// the shortest interval, 1–100ms) leaves the pool to a replacement, and
	// a check whose run did so starts its next run outside the pool, so slow
	// or hung dependencies never hold the pool: goroutines are the workers
	// plus at most one per run in flight.
	Workers int
	// HistorySize is the default number of results each check keeps.
	// Default 10.
	HistorySize int
	// DrainDelay is how long [Monitor.Shutdown] keeps serving with readiness
	// StatusStopping before it stops, so load balancers notice first.
	DrainDelay time.Duration
	// ListenerQueue bounds the events queued for one listener. Default 1024.
	ListenerQueue int
	// OnCriticalFailure, when set, is called each time a critical check
	// reaches its failure threshold (once per failure streak) — for a
	// service that should shut itself down rather than limp on. Each call
	// runs in a goroutine of its own, and calls are not ordered with
	// listener events.
	//
	// These goroutines are the only ones the monitor starts and does not
	// wait for, on purpose: the hook exists to call Shutdown or Close, which
	// wait for the monitor's goroutines, so a Close that waited for the hook
	// would wait for itself. The hook's owner is the caller: a hook that
	// must finish before the program exits is tracked by the caller (a
	// sync.WaitGroup, or a channel the hook closes), as a test does.
	OnCriticalFailure func(Event)
	// Info describes the service in the outputs that carry it.
	Info Info
}

// Info describes the service being checked. Surfaces include it where their
// format has a place for it (IETF health+json, CHORUS /health).
type Info struct {
	Service     string // service name or id
	Version     string // public version, e.g. "1.4"
	ReleaseID   string // build or release, e.g. "1.4.2-abc123"
	InstanceID  string // node or instance id; [New] makes it the host name when empty
	Description string // redacted (see [redact.String]) by [New]
}

// hostname is the default [Info.InstanceID], read once: the host's name
// does not change under a running process, and os.Hostname is a system call.
// It is empty when the system does not say.
var hostname = sync.OnceValue(func() string {
	h, _ := os.Hostname()
	return h
})

// Monitor runs checks and publishes their combined state as a [Snapshot].
//
// Periodic checks run on one scheduler goroutine's timetable through a
// bounded worker pool; no goroutine is started per check. Every surface
// (HTTP, gRPC, metrics) reads the same immutable snapshot, so a probe never
// runs a periodic check and never waits for one.
//
// A Monitor is safe for concurrent use. Its methods may be called before,
// during and after [Monitor.Start]; [Monitor.Close] releases everything.
type Monitor struct {
	// Its fields are grouped by the lock that guards them; the code names
	// each lock by its promoted name, given first below. Locks are taken in
	// this order, never the other way round:
	//
	//	m.pubMu (publisher) → m.mu (timetable) → c.mu (check) → m.dirtyMu (changeList)
	//	                                                      → m.lmu (dispatcher) → l.mu (listener)
	//
	// A later lock may be taken without the ones before it, and one may be
	// skipped: Subscribe takes m.lmu under m.mu alone. m.dirtyMu and m.lmu
	// are leaves: nothing is locked while one is held but a listener's own
	// lock. A check's result is recorded under its c.mu alone, and only
	// then is m.mu taken, to queue its max-age look; the publisher reads
	// check states through atomics, never c.mu.
	timetable
	changeList
	publisher
	dispatcher

	// Fixed at New.
	clock      Clock
	workers    int
	histSize   int
	drainDelay time.Duration
	listenMax  int
	onCritical func(Event)
	baseCtx    context.Context
	cancel     context.CancelFunc
	obs        observers            // copy-on-write, read without a lock
	info       atomic.Pointer[Info] // replaced whole by SetInfo
	wake       chan struct{}        // size 1: the scheduler has something new to look at
	closeDone  chan struct{}        // closed when Close has waited for everything

	wg sync.WaitGroup // every goroutine the monitor starts but the listeners' and the hooks'

	stopping    atomic.Bool
	startupDone atomic.Bool
	ranOnce     atomic.Bool  // RunOnce was called
	lastPub     atomic.Int64 // unix ns of the last publish
	handover    atomic.Int64 // ns a pooled run may take before it hands its worker over: the tick
	// Change generations: each change bumps one; a snapshot records the
	// values it was built from, so a reader can tell whether it is behind
	// even while another goroutine is publishing.
	visGen  atomic.Uint64 // statuses, membership, enablement
	lazyGen atomic.Uint64 // counters and timestamps only
}

// timetable is the registry, the scheduler's heap and the lifecycle flags,
// guarded by mu (m.mu in the code). check's fields marked "guarded by
// Monitor.mu" are too.
type timetable struct {
	mu         sync.Mutex // protects the fields below
	checks     map[string]*check
	onDemand   map[*check]struct{}
	regVersion uint64 // bumped by every Add and Remove
	heap       schedHeap
	started    bool
	closing    bool // Close has begun: no new goroutines may be added to wg
	drained    bool // the drain delay has been waited
	startedAt  time.Time
	timerArmed time.Time // when the scheduler's timer will fire; zero if idle
	schedTimer Timer
	tickCount  [tickLevels]int32 // registered checks per tick level
	jobs       chan *check
	schedStop  chan struct{}
	schedDone  chan struct{}
}

// changeList lists the changes of check states since the last publish, for
// the next one to fold in (see Monitor.touch), guarded by dirtyMu.
type changeList struct {
	dirtyMu       sync.Mutex  // protects the fields below; a leaf lock
	dirty         []stateEdit // in order
	dirtySpare    []stateEdit // the previous dirty list's array, reused
	dirtyLimit    int         // longest the dirty list gets; past it, a publish rebuilds
	dirtyOverflow bool        // the list hit its limit and stopped growing
}

// publisher builds snapshots; pubMu serializes publishes and protects the
// fields below. The published snapshot itself is read without a lock.
type publisher struct {
	pubMu       sync.Mutex
	version     uint64
	reg         []*check        // registry sorted by name, rebuilt when regVersion moves
	regBuilt    uint64          // the regVersion reg was built at
	pubAggs     map[string]*agg // aggregates of the published snapshot's states, by group
	pubOnDemand []int32         // indexes in reg of the on-demand checks
	createdAt   time.Time
	snap        atomic.Pointer[Snapshot]
}

// dispatcher hands transitions to the listeners, each of which has a
// goroutine of its own, counted in lwg.
type dispatcher struct {
	lmu       sync.Mutex // protects listeners; a leaf lock, taken under c.mu (emit) or m.mu (subscribe)
	listeners map[*listener]struct{}
	lwg       sync.WaitGroup // the listeners' goroutines
}

const (
	dirtyVisible = 1 << iota // a status changed: publish before the next read
	dirtyLazy                // only timestamps and counters moved
)

// lazyPublishEvery bounds how stale the timestamps and counters in a
// snapshot may get when no status changes.
const lazyPublishEvery = time.Second

// Errors returned by the registration methods; test with errors.Is.
var (
	ErrDuplicate    = errors.New("vitals: a check with this name is already registered")
	ErrUnknownCheck = errors.New("vitals: no check with this name")
	ErrClosed       = errors.New("vitals: monitor is closed")
)

// New returns a Monitor with no checks. Call [Monitor.Start] to begin
// running periodic checks.
func New(opts *Options) *Monitor {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Clock == nil {
		o.Clock = systemClock{}
	}
	if o.Workers <= 0 {
		o.Workers = max(8, 4*runtime.GOMAXPROCS(0))
	}
	if o.HistorySize <= 0 {
		o.HistorySize = defaultHistorySize
	}
	if o.ListenerQueue <= 0 {
		o.ListenerQueue = 1024
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Monitor{
		clock: o.Clock, workers: o.Workers, histSize: o.HistorySize,
		drainDelay: o.DrainDelay, listenMax: o.ListenerQueue,
		baseCtx: ctx, cancel: cancel, onCritical: o.OnCriticalFailure,
		timetable:  timetable{checks: map[string]*check{}, onDemand: map[*check]struct{}{}},
		publisher:  publisher{createdAt: o.Clock.Now()},
		dispatcher: dispatcher{listeners: map[*listener]struct{}{}},
		wake:       make(chan struct{}, 1),
		closeDone:  make(chan struct{}),
	}
	m.info.Store(infoOf(o.Info))
	m.handover.Store(int64(ticks[tickLevels-1]))
	m.publish()
	return m
}

// Add registers a check. It returns an error, and registers nothing, when
// the name is empty, invalid or taken, the checker is nil, or an option is
// out of range. A name that [redact.String] would change is invalid: names are
// shown as given everywhere, so one must not hold a secret. Checks may be
// added while the monitor runs; a periodic one is scheduled at once.
func (m *Monitor) Add(name string, checker Checker, opts ...CheckOption) error {
	if err := validateName("check", name); err != nil {
		return fmt.Errorf("vitals: add: %w", err)
	}
	if checker == nil || isNilFunc(checker) {
		return fmt.Errorf("vitals: add %q: checker is nil", name)
	}
	cfg := defaultConfig(m.histSize)
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	if cfg.groups == nil {
		cfg.groups = defaultGroups
	}
	if err := cfg.validate(); err != nil {
		return fmt.Errorf("vitals: add %q: %w", name, err)
	}
	c := newCheck(name, checker, cfg)

	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closing {
		return fmt.Errorf("vitals: add %q: %w", name, ErrClosed)
	}
	if _, dup := m.checks[name]; dup {
		return fmt.Errorf("vitals: add %q: %w", name, ErrDuplicate)
	}
	m.checks[name] = c
	m.countTickLocked(c.cfg.tick, 1)
	if cfg.interval == 0 {
		m.onDemand[c] = struct{}{}
	}
	m.regVersion++
	if m.started && c.enabledSched {
		m.scheduleFirstLocked(c, m.clock.Now(), false)
	}
	// This wakes the scheduler too, which re-arms its timer: a timer armed
	// on a coarser tick than this check asks for is moved to the finer one.
	m.markDirty(dirtyVisible)
	return nil
}

// isNilFunc catches CheckFunc(nil) and ResultFunc(nil), which are non-nil
// interfaces holding nil functions.
func isNilFunc(ch Checker) bool {
	switch f := ch.(type) {
	case CheckFunc:
		return f == nil
	case ResultFunc:
		return f == nil
	}
	return false
}

// Remove unregisters a check. A run in flight finishes, but its result is
// dropped.
func (m *Monitor) Remove(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.checks[name]
	if !ok {
		return fmt.Errorf("vitals: remove %q: %w", name, ErrUnknownCheck)
	}
	delete(m.checks, name)
	delete(m.onDemand, c)
	m.countTickLocked(c.cfg.tick, -1)
	c.removed = true
	c.mu.Lock()
	c.gone = true
	c.mu.Unlock()
	c.gen = (c.gen + 1) &^ (expireBit | ownBit)
	m.regVersion++
	m.markDirty(dirtyVisible)
	return nil
}

// Enable turns a disabled check back on; a periodic check is scheduled to
// run at once.
func (m *Monitor) Enable(name string) error { return m.setEnabled(name, true) }

// Disable stops running a check and takes it out of every group's status.
// Its last state is kept and shown as disabled.
func (m *Monitor) Disable(name string) error { return m.setEnabled(name, false) }

func (m *Monitor) setEnabled(name string, on bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.checks[name]
	if !ok {
		verb := "disable"
		if on {
			verb = "enable"
		}
		return fmt.Errorf("vitals: %s %q: %w", verb, name, ErrUnknownCheck)
	}
	if c.enabledSched == on {
		return nil
	}
	c.enabledSched = on
	c.gen = (c.gen + 1) &^ (expireBit | ownBit)
	c.mu.Lock()
	prev, st := c.edit(func(st *CheckState) { st.Enabled = on })
	m.touch(c, dirtyVisible, prev, st)
	c.mu.Unlock()
	if on && m.started && c.info.Interval > 0 {
		now := m.clock.Now().UnixNano()
		m.pushLocked(runItem(c, now, now))
	}
	return nil
}

// Subscribe registers fn to receive every check transition, in order, from
// a goroutine the monitor owns. fn must not call Close or Shutdown (Close
// waits for fn to return); start a goroutine for that, or use
// [Options.OnCriticalFailure]. fn never blocks the monitor: each listener
// has a queue of [Options.ListenerQueue] events; when fn falls further
// behind, the oldest queued events are dropped and the next delivered
// event's Missed field says how many. The returned function unsubscribes;
// events already queued are still delivered.
func (m *Monitor) Subscribe(fn func(Event)) (unsubscribe func()) {
	l := m.subscribe(fn)
	if l == nil {
		return func() {}
	}
	return func() {
		m.lmu.Lock()
		delete(m.listeners, l)
		m.lmu.Unlock()
		l.close()
	}
}

func (m *Monitor) subscribe(fn func(Event)) *listener {
	l := newListener(fn, m.listenMax)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closing {
		return nil
	}
	m.lmu.Lock()
	m.listeners[l] = struct{}{}
	m.lmu.Unlock()
	m.lwg.Add(1)
	go func() {
		defer m.lwg.Done()
		l.run()
	}()
	return l
}

// emit hands a transition to every listener without blocking. Callers hold
// the check's lock, so one check's events are queued in the order they
// happened.
func (m *Monitor) emit(e Event) {
	m.lmu.Lock()
	defer m.lmu.Unlock()
	for l := range m.listeners {
		l.push(e)
	}
}

// History returns the recent results kept for the named check, oldest
// first.
func (m *Monitor) History(name string) ([]HistoryEntry, error) {
	c, err := m.lookup("history", name)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.historyLocked(), nil
}

// lookup returns the check registered as name, or an error for the method
// op that wraps ErrUnknownCheck.
func (m *Monitor) lookup(op, name string) (*check, error) {
	m.mu.Lock()
	c, ok := m.checks[name]
	m.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("vitals: %s %q: %w", op, name, ErrUnknownCheck)
	}
	return c, nil
}

// Info returns the service description given in [Options.Info] or by
// [Monitor.SetInfo].
func (m *Monitor) Info() Info { return *m.info.Load() }

// SetInfo replaces the service description, e.g. with a name and version
// known only once the configuration is loaded, as Axway's
// SetNameAndVersion does; the next snapshot, published at once, carries
// it. An empty InstanceID is the host name, as with [Options.Info].
func (m *Monitor) SetInfo(info Info) {
	m.info.Store(infoOf(info))
	m.markDirty(dirtyVisible)
	m.publishDirty()
}

// infoOf fills in what an Info left out and redacts what anyone may see.
func infoOf(info Info) *Info {
	if info.InstanceID == "" {
		info.InstanceID = hostname() // CHORUS requires a node_id
	}
	// As a check's, the service's description may be shown to anyone.
	info.Description = redact.String(info.Description)
	return &info
}

// State returns the live state of the named check: its latest result and
// counters, which a [Snapshot] may show up to a second late when no status
// changed. A change of status that State shows is in every Snapshot taken
// after it returns.
func (m *Monitor) State(name string) (*CheckState, error) {
	c, err := m.lookup("state", name)
	if err != nil {
		return nil, err
	}
	// Under c.mu: a run's result is installed and marked for the next
	// snapshot in one critical section, so State never shows a change the
	// snapshot does not know of yet.
	c.mu.Lock()
	st := c.view.Load()
	c.mu.Unlock()
	return st, nil
}

// criticalFailure runs the OnCriticalFailure hook in a goroutine of its
// own, which the monitor does not own: the hook's job is often to call
// Shutdown, which waits for the monitor's goroutines, so the monitor must
// not wait for the hook (see Options.OnCriticalFailure).
func (m *Monitor) criticalFailure(e Event) {
	if m.onCritical == nil {
		return
	}
	fn := m.onCritical
	go fn(e)
}
