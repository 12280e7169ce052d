package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vitalsgo/vitals"
)

// WriterOptions configure a [Writer]. A nil *WriterOptions means all
// defaults.
type WriterOptions struct {
	// Every is how often the queue is written. Default 1s.
	Every time.Duration
	// Batch is the most results one transaction writes; a full batch is
	// written at once. Default 1,000.
	Batch int
	// Max bounds the queue while the store cannot be written: beyond it
	// the oldest results are dropped, and counted. Default 1,000,000 —
	// an outage of 2.7 hours at 1,000 targets every 10 s loses nothing.
	Max int
	// Timeout bounds one transaction. Default 10s.
	Timeout time.Duration
}

// WriterStats are a Writer's counters.
type WriterStats struct {
	Queued  int    // results waiting to be written
	Written uint64 // results written
	Dropped uint64 // results dropped because the queue was full
	// Rejected counts results the database refused on their own while it
	// took others: dropped so that they do not hold the queue.
	Rejected     uint64
	LastRejected error     // why the last one was refused
	Failures     uint64    // transactions that failed (their results stay queued)
	LastErr      error     // the last failure, nil once a write succeeds again
	LastOK       time.Time // when a write last succeeded
}

// Writer batches results into a Store, off the probe path: [Writer.Add]
// never blocks on the database, and one goroutine writes the queue every
// second, in batches. While the store fails, results stay queued (up to
// Max, oldest dropped first) and are written once it answers again, with
// their own times: an outage shorter than the bound loses nothing.
type Writer struct {
	s    Store
	o    WriterOptions
	wake chan struct{}
	stop chan struct{}
	done chan struct{}

	// flushing serialises Flush: two writing the same batch at once would
	// add it to the rollups twice.
	flushing sync.Mutex
	// size is how many results the next transaction takes, at most
	// o.Batch: halved by each transient failure (a batch that takes longer
	// than the timeout every time is written in smaller ones), grown back by an
	// eighth with each success. Guarded by flushing.
	size int

	mu    sync.Mutex // guards the fields below
	queue []Result   // queue[start:] waits; the head before start is spent
	start int
	head  uint64 // the sequence number of queue[start]
	stats WriterStats
}

// NewWriter starts a Writer for s. Close it to write what is queued and
// stop its goroutine.
func NewWriter(s Store, opts *WriterOptions) (*Writer, error) {
	var o WriterOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case o.Every < 0 || o.Batch < 0 || o.Max < 0 || o.Timeout < 0:
		return nil, errors.New("store: negative WriterOptions value")
	case o.Batch > 0 && o.Max > 0 && o.Max < o.Batch:
		return nil, fmt.Errorf("store: WriterOptions.Max %d below Batch %d", o.Max, o.Batch)
	}
	o.Every = cmp.Or(o.Every, time.Second)
	o.Batch = cmp.Or(o.Batch, 1000)
	o.Max = cmp.Or(o.Max, 1_000_000)
	o.Timeout = cmp.Or(o.Timeout, 10*time.Second)
	w := &Writer{s: s, o: o, size: o.Batch, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w, nil
}

// Add queues a result. It never blocks on the database.
func (w *Writer) Add(r Result) {
	w.mu.Lock()
	if len(w.queue)-w.start >= w.o.Max {
		w.advanceLocked(1)
		w.stats.Dropped++
	}
	w.queue = append(w.queue, r)
	full := len(w.queue)-w.start >= w.o.Batch
	w.mu.Unlock()
	if full {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// Stats returns the writer's counters.
func (w *Writer) Stats() WriterStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := w.stats
	st.Queued = len(w.queue) - w.start
	return st
}

// Check reports the store's health for the monitor's own readiness: it
// fails while writes fail, saying how many results wait.
func (w *Writer) Check(context.Context) vitals.Result {
	st := w.Stats()
	if st.LastErr != nil {
		return vitals.Result{Status: vitals.StatusFail, Err: st.LastErr,
			Message: fmt.Sprintf("store not writable, %d results queued: %v", st.Queued, st.LastErr), Observed: st.Queued}
	}
	return vitals.Result{Status: vitals.StatusPass, Message: fmt.Sprintf("%d results queued", st.Queued), Observed: st.Queued}
}

// Flush writes everything queued now, in batches, and returns the first
// error; what it could not write stays queued.
func (w *Writer) Flush(ctx context.Context) error {
	_, err := w.flush(ctx)
	return err
}

// flush is Flush, and says how many results it wrote.
func (w *Writer) flush(ctx context.Context) (int, error) {
	w.flushing.Lock()
	defer w.flushing.Unlock()
	total := 0
	for {
		n, err := w.writeBatch(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// writeBatch writes the oldest batch and returns how many it wrote.
func (w *Writer) writeBatch(ctx context.Context) (int, error) {
	w.mu.Lock()
	n := min(len(w.queue)-w.start, w.size)
	batch := slices.Clone(w.queue[w.start : w.start+n]) // Add may move the queue meanwhile
	from := w.head
	w.mu.Unlock()
	if n == 0 {
		return 0, nil
	}
	err := w.append(ctx, batch)
	if err != nil && !transient(err) && w.answers(ctx) {
		// The database answers, yet refuses the batch: a result in it
		// that it can never take must not hold every later one.
		return w.isolate(ctx, batch, from)
	}
	if err != nil && transient(err) {
		w.size = max(1, w.size/2)
	} else if err == nil {
		w.size = min(w.o.Batch, w.size+max(1, w.size/8))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.failedLocked(err)
		return 0, err
	}
	w.doneLocked(from, n, n)
	return n, nil
}

// append writes a batch in one transaction bounded by the timeout.
func (w *Writer) append(ctx context.Context, batch []Result) error {
	ctx, cancel := context.WithTimeout(ctx, w.o.Timeout)
	defer cancel()
	return w.s.Append(ctx, batch)
}

// answers reports whether the database answers a ping within the timeout.
func (w *Writer) answers(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, w.o.Timeout)
	defer cancel()
	return w.s.Ping(ctx) == nil
}

// transient reports whether a failed write says nothing about its
// results: it ran out of time (a database that is slow, or waits for a
// lock, still answers a ping) or lost a race PostgreSQL resolves by
// aborting one side (a deadlock, a serialisation failure, a lock or
// statement timeout). Such a batch is written again later, halved while
// it keeps failing (see Writer.size); taken apart as refused, each result
// that timed out alone would be dropped. SQLite's busy database is such a
// race too.
func transient(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, sql.ErrTxDone) { // the deadline passed just before the commit
		return true
	}
	var busy interface{ Code() int } // SQLite's
	if errors.As(err, &busy) {
		code := busy.Code() & 0xff    // the primary code of an extended one
		return code == 5 || code == 6 // SQLITE_BUSY, SQLITE_LOCKED
	}
	var coded interface{ SQLState() string } // PostgreSQL's
	if !errors.As(err, &coded) {
		return false
	}
	switch state := coded.SQLState(); {
	case strings.HasPrefix(state, "40"): // transaction rollback: deadlock, serialisation
		return state != "40002" // but an integrity constraint violation is the data's
	default:
		return state == "55P03" || state == "57014" // lock not available, query cancelled
	}
}

// isolate writes a refused batch one result a transaction, in order,
// rejecting (dropping, and counting) each result the database refuses on
// its own. When the database stops answering on the way, what is not
// written yet stays queued.
func (w *Writer) isolate(ctx context.Context, batch []Result, from uint64) (int, error) {
	written := 0
	for i, r := range batch {
		err := w.append(ctx, []Result{r})
		switch {
		case err == nil:
			written++
		case !transient(err) && w.answers(ctx):
			w.mu.Lock()
			w.stats.Rejected++
			w.stats.LastRejected = err
			w.mu.Unlock()
		default:
			w.mu.Lock()
			w.doneLocked(from, i, written)
			w.failedLocked(err)
			w.mu.Unlock()
			return written, err
		}
	}
	w.mu.Lock()
	w.doneLocked(from, len(batch), written)
	w.mu.Unlock()
	return len(batch), nil
}

// doneLocked removes the n results from sequence number from on, of which
// written were written.
func (w *Writer) doneLocked(from uint64, n, written int) {
	// Add may have dropped from the head meanwhile: advance past what of
	// them is still queued.
	if end := from + uint64(n); end > w.head {
		w.advanceLocked(int(end - w.head))
	}
	w.stats.Written += uint64(written)
	if n > 0 {
		w.stats.LastErr, w.stats.LastOK = nil, time.Now()
	}
}

func (w *Writer) failedLocked(err error) {
	w.stats.Failures++
	w.stats.LastErr = err
}

// advanceLocked removes the n oldest queued results, compacting the slice
// once most of it is spent, so both dropping and writing cost O(1) per
// result.
func (w *Writer) advanceLocked(n int) {
	clear(w.queue[w.start : w.start+n]) // let the strings go
	w.start += n
	w.head += uint64(n)
	if w.start > len(w.queue)/2 {
		w.queue = append(w.queue[:0], w.queue[w.start:]...)
		w.start = 0
	}
}

// maxBackoff caps the wait between writes while the store fails: once it
// answers again, the queue is written within this long.
const maxBackoff = 10 * time.Second

func (w *Writer) run() {
	defer close(w.done)
	t := time.NewTicker(w.o.Every)
	defer t.Stop()
	backoff := time.Duration(0)
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
		case <-w.wake:
		}
		if backoff > 0 {
			select {
			case <-w.stop:
				return
			case <-time.After(backoff):
			}
		}
		// The wait grows while writes fail, but not while they make
		// progress in smaller batches (see size).
		if n, err := w.flush(context.Background()); err != nil && n == 0 {
			backoff = min(max(2*backoff, w.o.Every), maxBackoff)
		} else {
			backoff = 0
		}
	}
}

// Close stops the writer after writing what is queued, bounded by ctx; it
// returns the error of that last write, and what it could not write is
// lost (counted in the error).
func (w *Writer) Close(ctx context.Context) error {
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	<-w.done
	if err := w.Flush(ctx); err != nil {
		return fmt.Errorf("store: %d results not written at close: %w", w.Stats().Queued, err)
	}
	return nil
}
