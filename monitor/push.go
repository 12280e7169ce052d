package monitor

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/excerpt"
	"github.com/vitalsgo/vitals/monitor/config"
)

// DefaultGrace is how late a push may come when the file sets no grace.
const DefaultGrace = time.Minute

// maxPushMessage caps the message a push may carry.
const maxPushMessage = 200

// pushes holds the push targets by token: a job proves it ran by a POST
// to /api/v1/push/{token}, and its target fails when none came within
// every + grace.
type pushes struct {
	mu       sync.Mutex // guards byToken and byTarget
	byToken  map[string]*pushState
	byTarget map[string]*pushState
	// tell, when set, tells a push to the other replicas (the target's
	// owner may be another); it never carries the token.
	tell func(target string, at time.Time, status vitals.Status, msg string) error
}

// pushNotice is a push as replicas tell it to each other.
type pushNotice struct {
	Target string        `json:"t"`
	At     int64         `json:"a"` // unix ms
	Status vitals.Status `json:"s"`
	Msg    string        `json:"m,omitempty"`
}

// pushState is one push target's last push. A restart forgets it: the
// wait starts again from the moment the target appeared.
type pushState struct {
	mu     sync.Mutex // guards the fields below
	since  time.Time  // when the target appeared
	last   time.Time  // last push; zero before the first
	status vitals.Status
	msg    string
}

func newPushes() *pushes {
	return &pushes{byToken: map[string]*pushState{}, byTarget: map[string]*pushState{}}
}

// checker returns the checker of a push target. A reload that keeps the
// token keeps the last push.
func (p *pushes) checker(c *config.Check) vitals.Checker {
	grace := DefaultGrace
	if c.Params.Has("grace") {
		grace = c.Params.Duration("grace")
	}
	token := c.Params.String("token")
	p.mu.Lock()
	st, ok := p.byToken[token]
	if !ok {
		st = &pushState{since: time.Now()}
		p.byToken[token] = st
	}
	p.byTarget[c.Name] = st
	p.mu.Unlock()
	// every and grace belong to this checker, not to the shared state: a
	// reload that is refused after building it changes nothing that runs.
	every := c.Params.Duration("every")
	return vitals.ResultFunc(func(context.Context) vitals.Result { return st.check(every, grace) })
}

// retain forgets the tokens of push targets cfg (nil for none) does not
// have. It runs once a configuration is settled, not as each target is
// removed: a changed or renamed target that keeps its token is removed
// and added again, and must keep taking pushes at it.
func (p *pushes) retain(cfg *config.Config) {
	keep, names := map[string]bool{}, map[string]string{}
	if cfg != nil {
		for i := range cfg.Checks {
			if c := &cfg.Checks[i]; c.Type == "push" {
				keep[c.Params.String("token")] = true
				names[c.Name] = c.Params.String("token")
			}
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for token := range p.byToken {
		if !keep[token] {
			delete(p.byToken, token)
		}
	}
	for name, st := range p.byTarget {
		if tok, ok := names[name]; !ok || p.byToken[tok] != st {
			delete(p.byTarget, name)
		}
	}
}

// heard records a push another replica took, from its notice.
func (p *pushes) heard(payload string) {
	var n pushNotice
	if err := json.Unmarshal([]byte(payload), &n); err != nil {
		return
	}
	p.apply(n)
}

// apply records a push another replica took, newer than the last one
// known.
func (p *pushes) apply(n pushNotice) {
	if n.At <= 0 || n.Status < vitals.StatusPass || n.Status > vitals.StatusFail {
		return
	}
	p.mu.Lock()
	st, ok := p.byTarget[n.Target]
	p.mu.Unlock()
	if !ok {
		return
	}
	at := time.UnixMilli(n.At)
	st.mu.Lock()
	if at.After(st.last) {
		st.last, st.status, st.msg = at, n.Status, excerpt.Of([]byte(n.Msg), maxPushMessage)
	}
	st.mu.Unlock()
}

func (st *pushState) check(every, grace time.Duration) vitals.Result {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := time.Now()
	limit := every + grace
	if st.last.IsZero() {
		waited := now.Sub(st.since)
		if waited > limit {
			return vitals.Failf("no push in %v since the monitor started (expected every %v + %v grace)", waited.Round(time.Second), every, grace)
		}
		return vitals.Passf("waiting for the first push, due within %v", (limit - waited).Round(time.Second))
	}
	ago := now.Sub(st.last)
	if ago > limit {
		return vitals.Failf("last push %v ago (expected every %v + %v grace)", ago.Round(time.Second), every, grace)
	}
	msg := fmt.Sprintf("last push %v ago", ago.Round(time.Second))
	if st.msg != "" {
		msg += ": " + st.msg
	}
	return vitals.Result{Status: st.status, Message: msg, Details: map[string]any{"last_push": st.last.UTC().Format(time.RFC3339)}}
}

// serveHTTP takes a push: POST /api/v1/push/{token}[?status=pass|warn|fail&msg=…].
// The token is never echoed, and an unknown one is a 404 like any unknown
// name.
func (p *pushes) serveHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	st, ok := p.byToken[r.PathValue("token")]
	target := ""
	for name, s := range p.byTarget {
		if s == st {
			target = name
		}
	}
	tell := p.tell
	p.mu.Unlock()
	if !ok {
		jsonError(w, http.StatusNotFound, "unknown push token")
		return
	}
	status := vitals.StatusPass
	switch q := r.URL.Query().Get("status"); q {
	case "", "pass", "up", "ok":
	case "warn":
		status = vitals.StatusWarn
	case "fail", "down":
		status = vitals.StatusFail
	default:
		jsonError(w, http.StatusBadRequest, "status must be pass, warn or fail")
		return
	}
	// One printable line, secrets redacted, cut at a character: the
	// message goes to the page, the API and the store.
	msg := excerpt.Of([]byte(r.URL.Query().Get("msg")), maxPushMessage)
	now := time.Now()
	st.mu.Lock()
	st.last, st.status, st.msg = now, status, msg
	st.mu.Unlock()
	if tell != nil && target != "" {
		if err := tell(target, now, status, msg); err != nil {
			// The replica that runs the target may be another, which
			// would not hear of it: the job should push again.
			jsonError(w, http.StatusServiceUnavailable, "the push could not be shared with the other replicas; push again")
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"ok":true}` + "\n"))
}

// jsonError answers with {"error": msg}.
func jsonError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
