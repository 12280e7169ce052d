package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vitalsgo/vitals"
)

// AlertState is a target's alert state as the store keeps it: whether an
// incident is open, the streaks that open and close one, and when it is
// next reminded of. The zero value (Version 0) is a target that never had
// a row: ok, no streaks.
type AlertState struct {
	Target string
	Firing bool
	// Fails and Passes are the consecutive failing and not failing
	// results; one of them is 0.
	Fails, Passes int
	// Seq counts the incidents ever opened; the open (or last) one is
	// [AlertState.Incident].
	Seq        int64
	OpenedAt   time.Time // the open incident's start; zero when ok
	ResolvedAt time.Time // when the last incident closed
	RemindAt   time.Time // the next reminder; zero for none
	Reminds    int       // reminders sent for the open incident
	// Suppressed says why the open incident notifies nobody ("" when it
	// does): "depends_on db", "silence 3f2a…", "maintenance nightly".
	Suppressed string
	Message    string // what the result that opened it said, redacted
	// Version is bumped by every change; a write whose Version is not the
	// stored one loses (see [AlertTx.PutAlert]).
	Version int64
}

// Incident returns the key of the target's open (or last) incident:
// "<target>/<seq>", the same in all of its notifications.
func (a AlertState) Incident() string { return a.Target + "/" + strconv.FormatInt(a.Seq, 10) }

// The kinds and states of outbox rows.
const (
	OutboxPending   = "pending"
	OutboxSent      = "sent"
	OutboxDead      = "dead"
	OutboxCancelled = "cancelled"
)

// Outbound is one notification in the outbox: one alert for one channel.
type Outbound struct {
	ID int64
	// DedupKey is unique in the outbox: "<incident>:<channel>:<kind>[:n]".
	// A second enqueue of the same key does nothing.
	DedupKey string
	Channel  string
	Kind     string // "firing", "reminder" or "resolved"
	Incident string
	Target   string
	Payload  string // the alert as JSON, redacted
	Created  time.Time
	Due      time.Time // not sent before
	Attempts int
	State    string // OutboxPending, …
	// Batch is the message the row went out in: rows claimed together for
	// a channel share it, keep it on retries, and the channel sends it as
	// the message's idempotency key.
	Batch string
	// Claim is the token of the claim that returned the row, the same
	// for every row of one Claim: Delivered, Retry and Postpone change
	// only rows still under it.
	Claim     string
	LastError string
	DoneAt    time.Time // sent, dead-lettered or cancelled
}

// AlertTx is what an [Alerter] reads and writes inside the transaction
// that appends results (or one of its own, see [Store.AlertTx]).
type AlertTx interface {
	// Alert returns the stored state of a target (Version 0 without one).
	Alert(ctx context.Context, target string) (AlertState, error)
	// PutAlert stores next if the stored state is still read, compared by
	// version: a compare-and-set. It reports false, writing nothing, when
	// another writer changed the state first.
	PutAlert(ctx context.Context, read, next AlertState) (bool, error)
	// Enqueue adds notifications to the outbox; a row whose dedup key
	// exists is left out.
	Enqueue(ctx context.Context, rows []Outbound) error
	// Failing reports whether a target's current status is fail, and when
	// its last result (of the current status) was: zero without one.
	Failing(ctx context.Context, target string) (failing bool, lastAt time.Time, err error)
	// DueReminders returns the firing, unsuppressed states whose reminder
	// is due at now, in target order: the order Append changes alert
	// states in, so that a transaction changing each in turn cannot
	// deadlock with it.
	DueReminders(ctx context.Context, now time.Time) ([]AlertState, error)
}

// Alerter decides alerts from results. Append calls it with every batch,
// after the batch's results and intervals are written, in the same
// transaction: a decision commits with the results that made it, or
// neither does.
type Alerter interface {
	// Decide decides on the batch's alerts in tx. The store calls done,
	// when not nil, once the transaction has committed: the alerter's
	// caches may learn of the decisions then, and not before (a batch
	// whose transaction fails is appended again).
	Decide(ctx context.Context, tx AlertTx, batch []Result, now time.Time) (done func(), err error)
}

// alerterBox lets an interface sit in an atomic.Pointer.
type alerterBox struct{ a Alerter }

// Silence keeps alerts of the targets it matches from notifying between
// Starts and Ends. Results are still recorded.
type Silence struct {
	ID        string
	Targets   []string // target names or path.Match patterns
	Groups    []string // page groups
	Starts    time.Time
	Ends      time.Time
	Comment   string
	CreatedBy string
	CreatedAt time.Time
	// Maintenance makes it a one-off maintenance window: uptime counts
	// its time apart, as for the file's maintenance windows.
	Maintenance bool
}

// OutboxStats counts the outbox by state, and lists the newest
// dead-lettered rows.
type OutboxStats struct {
	Pending, Sent, Dead, Cancelled int
	DeadRows                       []Outbound // newest first, at most 20
}

func (s *sqlStore) SetAlerter(a Alerter) {
	if a == nil {
		s.alerter.Store(nil)
		return
	}
	s.alerter.Store(&alerterBox{a: a})
}

// alertTx is AlertTx over a transaction of s.
type alertTx struct {
	s  *sqlStore
	tx *sql.Tx
}

const alertColumns = `a.state, a.fails, a.passes, a.seq, a.opened_at, a.resolved_at, a.remind_at, a.reminds, a.suppressed, a.message, a.version`

func scanAlert(sc interface{ Scan(...any) error }, a *AlertState, extra ...any) error {
	var state string
	var opened, resolved, remind int64
	dest := append(extra, &state, &a.Fails, &a.Passes, &a.Seq, &opened, &resolved, &remind, &a.Reminds, &a.Suppressed, &a.Message, &a.Version)
	if err := sc.Scan(dest...); err != nil {
		return err
	}
	a.Firing = state == "firing"
	a.OpenedAt, a.ResolvedAt, a.RemindAt = fromMS(opened), fromMS(resolved), fromMS(remind)
	return nil
}

func (t *alertTx) Alert(ctx context.Context, target string) (AlertState, error) {
	a := AlertState{Target: target}
	err := scanAlert(t.tx.QueryRowContext(ctx, t.s.d.q(`SELECT `+alertColumns+` FROM alerts a JOIN targets t ON t.id = a.target_id WHERE t.name = ?`), target), &a)
	if errors.Is(err, sql.ErrNoRows) {
		return AlertState{Target: target}, nil
	}
	return a, err
}

func stateName(firing bool) string {
	if firing {
		return "firing"
	}
	return "ok"
}

func (t *alertTx) PutAlert(ctx context.Context, read, next AlertState) (bool, error) {
	id, err := t.s.targetID(ctx, t.tx, read.Target)
	if err != nil {
		return false, err
	}
	args := []any{stateName(next.Firing), next.Fails, next.Passes, next.Seq, ms(next.OpenedAt), ms(next.ResolvedAt),
		ms(next.RemindAt), next.Reminds, next.Suppressed, next.Message}
	var res sql.Result
	if read.Version == 0 {
		res, err = t.tx.ExecContext(ctx, t.s.d.q(`INSERT INTO alerts (state, fails, passes, seq, opened_at, resolved_at, remind_at, reminds, suppressed, message, target_id, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (target_id) DO NOTHING`), append(args, id)...)
	} else {
		res, err = t.tx.ExecContext(ctx, t.s.d.q(`UPDATE alerts SET state = ?, fails = ?, passes = ?, seq = ?, opened_at = ?, resolved_at = ?,
			remind_at = ?, reminds = ?, suppressed = ?, message = ?, version = version + 1
			WHERE target_id = ? AND version = ? AND state = ?`), append(args, id, read.Version, stateName(read.Firing))...)
	}
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (t *alertTx) Enqueue(ctx context.Context, rows []Outbound) error {
	if len(rows) == 0 {
		return nil
	}
	ins, err := t.tx.PrepareContext(ctx, t.s.d.q(`INSERT INTO outbox (dedup_key, channel, kind, incident, target, payload, created, due, attempts, state, batch, claimed_until, last_error, done_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 'pending', '', 0, '', 0) ON CONFLICT (dedup_key) DO NOTHING`))
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, r := range rows {
		if _, err := ins.ExecContext(ctx, r.DedupKey, r.Channel, r.Kind, r.Incident, r.Target, r.Payload, ms(r.Created), ms(r.Due)); err != nil {
			return err
		}
	}
	return nil
}

func (t *alertTx) Failing(ctx context.Context, target string) (bool, time.Time, error) {
	var st int
	var last int64
	err := t.tx.QueryRowContext(ctx, t.s.d.q(`SELECT i.status, i.last_at FROM intervals i JOIN targets t ON t.id = i.target_id
		WHERE t.name = ? AND i.until IS NULL`), target).Scan(&st, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return false, time.Time{}, nil
	}
	return vitals.Status(st) == vitals.StatusFail, fromMS(last), err
}

func (t *alertTx) DueReminders(ctx context.Context, now time.Time) ([]AlertState, error) {
	rows, err := t.tx.QueryContext(ctx, t.s.d.q(`SELECT t.name, `+alertColumns+` FROM alerts a JOIN targets t ON t.id = a.target_id
		WHERE a.state = 'firing' AND a.suppressed = '' AND a.remind_at > 0 AND a.remind_at <= ? ORDER BY a.target_id`), ms(now))
	return collect(rows, err, scanTargetAlert)
}

// AlertTx runs fn in a write transaction of its own, committed when fn
// returns nil: what the dispatcher's reminders use.
func (s *sqlStore) AlertTx(ctx context.Context, fn func(AlertTx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.errorf("begin", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
	if err := fn(&alertTx{s: s, tx: tx}); err != nil {
		return s.errorf("alerts", err)
	}
	if err := tx.Commit(); err != nil {
		return s.errorf("commit", err)
	}
	return nil
}

func (s *sqlStore) Alerts(ctx context.Context) ([]AlertState, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT t.name, `+alertColumns+` FROM alerts a JOIN targets t ON t.id = a.target_id ORDER BY t.name`)
	out, err := collect(rows, err, scanTargetAlert)
	if err != nil {
		return nil, s.errorf("read alerts", err)
	}
	return out, nil
}

// scanTargetAlert scans a row of the target's name and alertColumns.
func scanTargetAlert(rows *sql.Rows) (AlertState, error) {
	var a AlertState
	err := scanAlert(rows, &a, &a.Target)
	return a, err
}

const outboxColumns = `id, dedup_key, channel, kind, incident, target, payload, created, due, attempts, state, batch, last_error, done_at`

func scanOutbound(rows *sql.Rows) (Outbound, error) {
	var o Outbound
	var created, due, done int64
	err := rows.Scan(&o.ID, &o.DedupKey, &o.Channel, &o.Kind, &o.Incident, &o.Target, &o.Payload, &created, &due, &o.Attempts, &o.State, &o.Batch, &o.LastError, &done)
	o.Created, o.Due, o.DoneAt = fromMS(created), fromMS(due), fromMS(done)
	return o, err
}

// dbNowMS is PostgreSQL's clock in Unix milliseconds.
const dbNowMS = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`

func (s *sqlStore) Due(ctx context.Context, now time.Time) (outbox, reminders bool, err error) {
	n := ms(now)
	claimNow := "?" // claims are timed by the database's clock on PostgreSQL (see Claim)
	args := []any{n, n, n}
	if s.d.dollar {
		claimNow, args = dbNowMS, []any{n, n}
	}
	err = s.db.QueryRowContext(ctx, s.d.q(`SELECT
		EXISTS (SELECT 1 FROM outbox WHERE state = 'pending' AND due <= ? AND claimed_until <= `+claimNow+`),
		EXISTS (SELECT 1 FROM alerts WHERE state = 'firing' AND suppressed = '' AND remind_at > 0 AND remind_at <= ?)`), args...).Scan(&outbox, &reminders)
	if err != nil {
		return false, false, s.errorf("read the outbox", err)
	}
	return outbox, reminders, nil
}

// Claim takes the outbox rows due to be sent at now, for lease: no other
// Claim returns them until the lease ends (a dispatcher that dies
// mid-send leaves them to the next). A channel with a due row brings all
// of its pending rows, so alerts that opened within its group wait go out
// together; rows claimed together for a channel share a new batch, and a
// row claimed again keeps its batch, so a retried message keeps its
// idempotency key. At most limit rows, oldest first.
func (s *sqlStore) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Outbound, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.errorf("begin", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
	n := ms(now)
	// Claims are timed by the database's clock where dispatchers may be
	// several processes (PostgreSQL), so that a replica whose clock runs
	// ahead does not take rows a peer is still sending.
	c := n
	if s.d.dollar {
		if err := tx.QueryRowContext(ctx, `SELECT `+dbNowMS).Scan(&c); err != nil {
			return nil, s.errorf("claim", err)
		}
	}
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT `+outboxColumns+` FROM outbox
		WHERE state = 'pending' AND claimed_until <= ? AND (batch = '' OR due <= ?)
		AND channel IN (SELECT channel FROM outbox WHERE state = 'pending' AND due <= ? AND claimed_until <= ?)
		ORDER BY id LIMIT ?`+s.d.skipLocked), c, n, n, c, limit)
	out, err := collect(rows, err, scanOutbound)
	if err != nil {
		return nil, s.errorf("claim", err)
	}
	batches := map[string]string{} // channel → the new batch of its unbatched rows
	upd, err := tx.PrepareContext(ctx, s.d.q(`UPDATE outbox SET claimed_until = ?, batch = ?, claim = ? WHERE id = ?`))
	if err != nil {
		return nil, s.errorf("claim", err)
	}
	defer upd.Close()
	until := c + lease.Milliseconds()
	token := newBatchID()
	for i := range out {
		o := &out[i]
		o.Claim = token
		if o.Batch == "" {
			b, ok := batches[o.Channel]
			if !ok {
				b = newBatchID()
				batches[o.Channel] = b
			}
			o.Batch = b
		}
		if _, err := upd.ExecContext(ctx, until, o.Batch, token, o.ID); err != nil {
			return nil, s.errorf("claim", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, s.errorf("commit", err)
	}
	return out, nil
}

// newBatchID returns a random batch id: 16 bytes, hex.
func newBatchID() string {
	var b [16]byte
	rand.Read(b[:]) //nolint:errcheck // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// idList returns "?, ?, …" for ids and the ids as arguments.
func idList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

// Delivered marks rows sent.
func (s *sqlStore) Delivered(ctx context.Context, claim string, ids []int64, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	list, args := idList(ids)
	_, err := s.db.ExecContext(ctx, s.d.q(`UPDATE outbox SET state = 'sent', attempts = attempts + 1, done_at = ?, claimed_until = 0, last_error = ''
		WHERE id IN (`+list+`) AND state = 'pending' AND claim = ?`), append(append([]any{ms(at)}, args...), claim)...)
	if err != nil {
		return s.errorf("mark sent", err)
	}
	return nil
}

// Retry records a failed send of rows: they are claimed again from due,
// or, when dead, dead-lettered at now. errText must be redacted.
func (s *sqlStore) Retry(ctx context.Context, claim string, ids []int64, errText string, due time.Time, dead bool, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	list, args := idList(ids)
	state, done := OutboxPending, int64(0)
	if dead {
		state, done = OutboxDead, ms(now)
	}
	_, err := s.db.ExecContext(ctx, s.d.q(`UPDATE outbox SET state = ?, attempts = attempts + 1, due = ?, claimed_until = 0, last_error = ?, done_at = ?
		WHERE id IN (`+list+`) AND state = 'pending' AND claim = ?`), append(append([]any{state, ms(due), truncate(errText, 500), done}, args...), claim)...)
	if err != nil {
		return s.errorf("mark failed", err)
	}
	return nil
}

func (s *sqlStore) Postpone(ctx context.Context, claim string, ids []int64, due time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	list, args := idList(ids)
	// Back to no batch: they go out with whatever is pending then.
	_, err := s.db.ExecContext(ctx, s.d.q(`UPDATE outbox SET due = ?, claimed_until = 0, batch = '' WHERE id IN (`+list+`) AND state = 'pending' AND claim = ?`),
		append(append([]any{ms(due)}, args...), claim)...)
	if err != nil {
		return s.errorf("postpone", err)
	}
	return nil
}

// truncate cuts s to at most n bytes, at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Suppress marks a target's open incident seq as suppressed for reason,
// if it still is the open one and notifies nobody yet — none of its rows
// sent, none claimed by a batch other than batch (the caller's) — and
// cancels its pending rows; it reports whether it did. The dispatcher
// uses it when a dependency of the target is failing at send time: a
// channel told of the opening must be told of the close.
func (s *sqlStore) Suppress(ctx context.Context, target string, seq int64, reason, batch string, now time.Time) (bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, s.errorf("begin", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
	incident := AlertState{Target: target, Seq: seq}.Incident()
	res, err := tx.ExecContext(ctx, s.d.q(`UPDATE alerts SET suppressed = ?, version = version + 1
		WHERE target_id = (SELECT id FROM targets WHERE name = ?) AND seq = ? AND state = 'firing' AND suppressed = ''
		AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.incident = ?
			AND (o.state = 'sent' OR (o.state = 'pending' AND o.claimed_until > ? AND o.batch <> ?)))`),
		reason, target, seq, incident, ms(now), batch)
	if err != nil {
		return false, s.errorf("suppress", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE outbox SET state = 'cancelled', done_at = ?, last_error = ?, claimed_until = 0
		WHERE incident = ? AND state = 'pending'`), ms(now), "suppressed: "+reason, incident); err != nil {
		return false, s.errorf("suppress", err)
	}
	if err := tx.Commit(); err != nil {
		return false, s.errorf("commit", err)
	}
	return true, nil
}

func (s *sqlStore) Failing(ctx context.Context, target string) (bool, time.Time, error) {
	var st int
	var last int64
	err := s.db.QueryRowContext(ctx, s.d.q(`SELECT i.status, i.last_at FROM intervals i JOIN targets t ON t.id = i.target_id
		WHERE t.name = ? AND i.until IS NULL`), target).Scan(&st, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return false, time.Time{}, nil
	}
	if err != nil {
		return false, time.Time{}, s.errorf("read "+strconv.Quote(target)+"'s status", err)
	}
	return vitals.Status(st) == vitals.StatusFail, fromMS(last), nil
}

func (s *sqlStore) OutboxStats(ctx context.Context) (OutboxStats, error) {
	var st OutboxStats
	rows, err := s.db.QueryContext(ctx, `SELECT state, COUNT(*) FROM outbox GROUP BY state`)
	err = eachRow(rows, err, func(rows *sql.Rows) error {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return err
		}
		switch state {
		case OutboxPending:
			st.Pending = n
		case OutboxSent:
			st.Sent = n
		case OutboxDead:
			st.Dead = n
		case OutboxCancelled:
			st.Cancelled = n
		}
		return nil
	})
	if err != nil {
		return st, s.errorf("read outbox", err)
	}
	st.DeadRows, err = s.outbox(ctx, `WHERE state = 'dead' ORDER BY done_at DESC, id DESC LIMIT 20`)
	return st, err
}

// Outbox returns the rows of an incident, oldest first.
func (s *sqlStore) Outbox(ctx context.Context, incident string) ([]Outbound, error) {
	return s.outbox(ctx, `WHERE incident = ? ORDER BY id`, incident)
}

func (s *sqlStore) outbox(ctx context.Context, where string, args ...any) ([]Outbound, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT `+outboxColumns+` FROM outbox `+where), args...)
	out, err := collect(rows, err, scanOutbound)
	if err != nil {
		return nil, s.errorf("read outbox", err)
	}
	return out, nil
}

// PruneOutbox deletes sent and cancelled rows done before cutoff; dead
// rows stay until they are older than cutoff too.
func (s *sqlStore) PruneOutbox(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.d.q(`DELETE FROM outbox WHERE state <> 'pending' AND done_at < ?`), ms(cutoff))
	if err != nil {
		return 0, s.errorf("prune outbox", err)
	}
	return res.RowsAffected()
}

// AddSilence stores a silence; its ID, when empty, is made up.
func (s *sqlStore) AddSilence(ctx context.Context, sl Silence) (Silence, error) {
	if sl.ID == "" {
		sl.ID = newBatchID()[:16]
	}
	tj, _ := json.Marshal(orEmpty(sl.Targets))
	gj, _ := json.Marshal(orEmpty(sl.Groups))
	_, err := s.db.ExecContext(ctx, s.d.q(`INSERT INTO silences (id, target_patterns, group_names, starts, ends, comment, created_by, created_at, maintenance)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), sl.ID, string(tj), string(gj), ms(sl.Starts), ms(sl.Ends), sl.Comment, sl.CreatedBy, ms(sl.CreatedAt), sl.Maintenance)
	if err != nil {
		return sl, s.errorf("add silence", err)
	}
	return sl, nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// DeleteSilence deletes a silence; ok is false when there is none of id.
func (s *sqlStore) DeleteSilence(ctx context.Context, id string) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.d.q(`DELETE FROM silences WHERE id = ?`), id)
	if err != nil {
		return false, s.errorf("delete silence", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Silences returns the silences that have not ended at now (or ended
// after it), by start.
func (s *sqlStore) Silences(ctx context.Context, now time.Time) ([]Silence, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT id, target_patterns, group_names, starts, ends, comment, created_by, created_at, maintenance
		FROM silences WHERE ends > ? ORDER BY starts, id`), ms(now))
	out, err := collect(rows, err, scanSilence)
	if err != nil {
		return nil, s.errorf("read silences", err)
	}
	return out, nil
}

func scanSilence(rows *sql.Rows) (Silence, error) {
	var sl Silence
	var tj, gj string
	var starts, ends, created int64
	if err := rows.Scan(&sl.ID, &tj, &gj, &starts, &ends, &sl.Comment, &sl.CreatedBy, &created, &sl.Maintenance); err != nil {
		return sl, err
	}
	if err := json.Unmarshal([]byte(tj), &sl.Targets); err != nil {
		return sl, fmt.Errorf("silence %s: %w", sl.ID, err)
	}
	if err := json.Unmarshal([]byte(gj), &sl.Groups); err != nil {
		return sl, fmt.Errorf("silence %s: %w", sl.ID, err)
	}
	sl.Starts, sl.Ends, sl.CreatedAt = fromMS(starts), fromMS(ends), fromMS(created)
	return sl, nil
}

// AlertStore is the part of a [Store] that alerts use: the state the
// alerter decides on, the outbox the dispatcher delivers from, and
// silences. Every change is a conditional update in a transaction, safe
// for several processes sharing one database.
type AlertStore interface {
	// SetAlerter makes a the alerter of every later Append; nil for none.
	SetAlerter(a Alerter)
	// AlertTx runs fn in a write transaction of its own.
	AlertTx(ctx context.Context, fn func(AlertTx) error) error
	// Alerts returns every target's alert state, by name.
	Alerts(ctx context.Context) ([]AlertState, error)

	// Due reports, reading only, whether any outbox row can be claimed
	// and any reminder is due at now: the dispatcher's tick opens no
	// write transaction when neither is.
	Due(ctx context.Context, now time.Time) (outbox, reminders bool, err error)
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Outbound, error)
	Delivered(ctx context.Context, claim string, ids []int64, at time.Time) error
	Retry(ctx context.Context, claim string, ids []int64, errText string, due time.Time, dead bool, now time.Time) error
	// Postpone gives claimed rows back, due again at due, without
	// counting an attempt.
	Postpone(ctx context.Context, claim string, ids []int64, due time.Time) error
	Suppress(ctx context.Context, target string, seq int64, reason, batch string, now time.Time) (bool, error)
	// Failing reports, reading only, whether a target's current status is
	// fail, and when its last result was.
	Failing(ctx context.Context, target string) (failing bool, lastAt time.Time, err error)
	OutboxStats(ctx context.Context) (OutboxStats, error)
	Outbox(ctx context.Context, incident string) ([]Outbound, error)
	PruneOutbox(ctx context.Context, cutoff time.Time) (int64, error)

	AddSilence(ctx context.Context, sl Silence) (Silence, error)
	DeleteSilence(ctx context.Context, id string) (bool, error)
	Silences(ctx context.Context, now time.Time) ([]Silence, error)
}
