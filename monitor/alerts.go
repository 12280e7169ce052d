package monitor

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vitalsgo/vitals/monitor/access"
	"github.com/vitalsgo/vitals/monitor/alert"
	"github.com/vitalsgo/vitals/monitor/config"
	"github.com/vitalsgo/vitals/monitor/notify"
	"github.com/vitalsgo/vitals/monitor/store"
)

// alertConfig builds what the alert engine works from: the channels of the
// notify list, each target's rule, the file's silences and maintenance
// windows.
func alertConfig(cfg *config.Config, log *slog.Logger) (*alert.Config, error) {
	ac := &alert.Config{
		Rules:       map[string]*alert.Rule{},
		Channels:    map[string]notify.Channel{},
		GroupOf:     cfg.Pages.GroupOf,
		GroupWait:   cfg.Alerting.GroupWait,
		MaxAttempts: cfg.Alerting.MaxAttempts,
		ExternalURL: cfg.Alerting.ExternalURL,
	}
	if ac.GroupWait == 0 {
		ac.GroupWait = -1 // the file's 0s: none (the engine's 0 is its default)
	}
	for _, c := range cfg.Notify {
		ch, err := notify.New(c.Config, &notify.Options{Logger: log})
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", cfg.File, c.Line, err)
		}
		ac.Channels[c.Name] = ch
	}
	for i := range cfg.Checks {
		c := &cfg.Checks[i]
		r, ok := cfg.RuleOf(c)
		if !ok {
			continue
		}
		ac.Rules[c.Name] = &alert.Rule{Notify: r.Notify, AlertAfter: r.AlertAfter, ResolveAfter: r.ResolveAfter,
			SendResolved: r.SendResolved, RemindEvery: r.RemindEvery, Severity: r.Severity, DependsOn: r.DependsOn}
	}
	for i, s := range cfg.Silences {
		starts := s.Starts
		if starts.IsZero() {
			starts = time.Unix(0, 0)
		}
		ac.Silences = append(ac.Silences, alert.Silence{ID: fmt.Sprintf("config-%d", i), Matcher: alert.Matcher{Targets: s.Targets, Groups: s.Groups},
			Starts: starts, Ends: s.Ends, Comment: s.Comment, CreatedBy: cfg.File, FromConfig: true})
	}
	for _, m := range cfg.Maintenance {
		ac.Maintenance = append(ac.Maintenance, alert.Maintenance{Name: m.Name, Matcher: alert.Matcher{Targets: m.Targets, Groups: m.Groups},
			Cron: m.Cron, Schedule: m.Schedule, Duration: m.Duration, Location: m.Location, Start: m.Start, End: m.End})
	}
	return ac, nil
}

// alertMetrics are the series of alerts and their delivery.
type alertMetrics struct {
	s         *Server
	delivered *prometheus.Desc
	outbox    *prometheus.Desc
	firing    *prometheus.Desc
	conflicts *prometheus.Desc
}

func newAlertMetrics(s *Server) *alertMetrics {
	return &alertMetrics{
		s: s,
		delivered: prometheus.NewDesc("vitals_monitor_notifications_total",
			"Notification messages by channel and result: sent, failed (to be retried) or dead (dead-lettered).", []string{"channel", "result"}, nil),
		outbox: prometheus.NewDesc("vitals_monitor_outbox_rows",
			"Outbox rows by state (pending, sent, dead, cancelled), as last counted.", []string{"state"}, nil),
		firing: prometheus.NewDesc("vitals_monitor_alerts_firing",
			"Open incidents: notifying, and suppressed (by a dependency, a silence or maintenance).", []string{"suppressed"}, nil),
		conflicts: prometheus.NewDesc("vitals_monitor_alert_conflicts_total",
			"Alert decisions another writer made first (the compare-and-set lost).", nil, nil),
	}
}

func (m *alertMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.delivered
	ch <- m.outbox
	ch <- m.firing
	ch <- m.conflicts
}

func (m *alertMetrics) Collect(ch chan<- prometheus.Metric) {
	for name, st := range m.s.dispatch.Stats() {
		ch <- prometheus.MustNewConstMetric(m.delivered, prometheus.CounterValue, float64(st.Sent), name, "sent")
		ch <- prometheus.MustNewConstMetric(m.delivered, prometheus.CounterValue, float64(st.Failed), name, "failed")
		ch <- prometheus.MustNewConstMetric(m.delivered, prometheus.CounterValue, float64(st.Dead), name, "dead")
	}
	ob := m.s.dispatch.Outbox()
	for state, n := range map[string]int{store.OutboxPending: ob.Pending, store.OutboxSent: ob.Sent, store.OutboxDead: ob.Dead, store.OutboxCancelled: ob.Cancelled} {
		ch <- prometheus.MustNewConstMetric(m.outbox, prometheus.GaugeValue, float64(n), state)
	}
	notifying, suppressed := m.s.board.Firing()
	ch <- prometheus.MustNewConstMetric(m.firing, prometheus.GaugeValue, float64(notifying), "false")
	ch <- prometheus.MustNewConstMetric(m.firing, prometheus.GaugeValue, float64(suppressed), "true")
	ch <- prometheus.MustNewConstMetric(m.conflicts, prometheus.CounterValue, float64(m.s.alerts.Conflicts()))
}

// silenceJSON is a silence in the API.
type silenceJSON struct {
	ID        string    `json:"id"`
	Targets   []string  `json:"targets,omitempty"`
	Groups    []string  `json:"groups,omitempty"`
	Starts    time.Time `json:"starts"`
	Ends      time.Time `json:"ends"`
	Comment   string    `json:"comment,omitempty"`
	CreatedBy string    `json:"created_by,omitempty"`
	Config    bool      `json:"config,omitempty"` // set in the file; the API cannot delete it
	// Maintenance makes it a one-off maintenance window: the page's
	// uptime counts its time apart.
	Maintenance bool `json:"maintenance,omitempty"`
}

// maxSilenceBody bounds a silence's request body.
const maxSilenceBody = 64 << 10

// alertRoutes registers the alert API: GET /api/v1/alerts and
// /api/v1/silences for viewers; POST and DELETE of silences for
// authorised callers (the admin).
func (s *Server) alertRoutes(mux *http.ServeMux, pol *access.Policy) {
	view := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if !pol.CanView(r) {
				pol.Deny(w)
				return
			}
			h(w, r)
		}
	}
	admin := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			switch {
			case pol == nil || (pol.Token == "" && len(pol.Users) == 0):
				jsonError(w, http.StatusForbidden, "silences are changed by an authorised caller: set auth.token or auth.users")
			case !pol.Authorized(r):
				pol.Deny(w)
			default:
				h(w, r)
			}
		}
	}
	mux.HandleFunc("GET /api/v1/silences", view(func(w http.ResponseWriter, r *http.Request) { s.listSilences(w, r, pol.CanSeeDetails(r)) }))
	mux.HandleFunc("POST /api/v1/silences", admin(s.addSilence))
	mux.HandleFunc("DELETE /api/v1/silences/{id}", admin(s.deleteSilence))
	mux.HandleFunc("GET /api/v1/alerts", view(func(w http.ResponseWriter, r *http.Request) { s.listAlerts(w, r, pol.CanSeeDetails(r)) }))
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func (s *Server) listSilences(w http.ResponseWriter, r *http.Request, details bool) {
	now := time.Now()
	out := []silenceJSON{}
	for _, sl := range s.alerts.Silences(now) {
		j := silenceJSON{ID: sl.ID, Targets: sl.Targets, Groups: sl.Groups, Starts: sl.Starts.UTC(), Ends: sl.Ends.UTC(),
			Comment: sl.Comment, Config: sl.FromConfig, Maintenance: sl.Maintenance}
		if details {
			j.CreatedBy = sl.CreatedBy // a user name of the auth block, or the file's path
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"silences": out})
}

func (s *Server) addSilence(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxSilenceBody+1))
	if err != nil {
		jsonError(w, http.StatusBadRequest, "reading the body failed")
		return
	}
	if len(body) > maxSilenceBody {
		jsonError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("a silence is at most %d bytes", maxSilenceBody))
		return
	}
	var in silenceJSON
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		jsonError(w, http.StatusBadRequest, "a silence is {\"targets\": [...], \"groups\": [...], \"starts\": RFC 3339, \"ends\": RFC 3339, \"comment\": \"...\"}: "+err.Error())
		return
	}
	now := time.Now()
	if in.Starts.IsZero() {
		in.Starts = now
	}
	switch {
	case in.Ends.IsZero() || !in.Ends.After(in.Starts):
		jsonError(w, http.StatusBadRequest, "ends must be after starts (and now, when starts is left out)")
		return
	case len(in.Targets) == 0 && len(in.Groups) == 0:
		jsonError(w, http.StatusBadRequest, "a silence needs targets or groups (\"targets\": [\"*\"] for all)")
		return
	case len(in.Comment) > 1000 || len(in.Targets)+len(in.Groups) > 1000:
		jsonError(w, http.StatusBadRequest, "a silence has at most 1000 matchers and a comment of 1000 bytes")
		return
	}
	for _, p := range in.Targets {
		if _, err := path.Match(p, ""); err != nil {
			jsonError(w, http.StatusBadRequest, fmt.Sprintf("%q is not a valid target pattern", p))
			return
		}
	}
	by := "token"
	if u, _, ok := r.BasicAuth(); ok {
		by = u
	}
	sl, err := s.st.AddSilence(r.Context(), store.Silence{Targets: in.Targets, Groups: in.Groups, Starts: in.Starts, Ends: in.Ends,
		Comment: in.Comment, CreatedBy: by, CreatedAt: now, Maintenance: in.Maintenance})
	if err != nil {
		s.log.Warn("add silence", "err", err)
		jsonError(w, http.StatusServiceUnavailable, "the store did not take the silence; try again")
		return
	}
	s.refreshSilences(r.Context())
	writeJSON(w, http.StatusCreated, silenceJSON{ID: sl.ID, Targets: sl.Targets, Groups: sl.Groups, Starts: sl.Starts.UTC(), Ends: sl.Ends.UTC(),
		Comment: sl.Comment, CreatedBy: sl.CreatedBy, Maintenance: sl.Maintenance})
}

func (s *Server) deleteSilence(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if strings.HasPrefix(id, "config-") {
		jsonError(w, http.StatusConflict, "this silence is in the configuration file: remove it there")
		return
	}
	ok, err := s.st.DeleteSilence(r.Context(), id)
	switch {
	case err != nil:
		s.log.Warn("delete silence", "err", err)
		jsonError(w, http.StatusServiceUnavailable, "the store did not answer; try again")
	case !ok:
		jsonError(w, http.StatusNotFound, fmt.Sprintf("no silence %q", id))
	default:
		s.refreshSilences(r.Context())
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) refreshSilences(ctx context.Context) {
	if err := s.dispatch.RefreshSilences(ctx); err != nil {
		s.log.Warn("read silences", "err", err)
	}
}

// alertJSON is a target's alert state in the API.
type alertJSON struct {
	Target     string     `json:"target"`
	State      string     `json:"state"` // "firing" or "ok"
	Incident   string     `json:"incident,omitempty"`
	Since      *time.Time `json:"since,omitempty"`
	Suppressed string     `json:"suppressed,omitempty"`
	Message    string     `json:"message,omitempty"`
}

type deadJSON struct {
	Channel  string    `json:"channel"`
	Key      string    `json:"dedup_key"`
	Attempts int       `json:"attempts"`
	Error    string    `json:"error,omitempty"`
	At       time.Time `json:"at"`
}

func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request, details bool) {
	states, err := s.st.Alerts(r.Context())
	if err != nil {
		jsonError(w, http.StatusServiceUnavailable, "the store did not answer; try again")
		return
	}
	out := []alertJSON{}
	for _, a := range states {
		if _, configured := s.board.State(a.Target); !a.Firing || !configured {
			// A removed target's last incident stays in the store, with
			// its history, but is nobody's to act on.
			continue
		}
		since := a.OpenedAt
		j := alertJSON{Target: a.Target, State: "firing", Incident: a.Incident(), Since: &since, Suppressed: a.Suppressed}
		if details {
			j.Message = a.Message
		}
		out = append(out, j)
	}
	ob := s.dispatch.Outbox()
	dead := []deadJSON{}
	for _, d := range ob.DeadRows {
		j := deadJSON{Channel: d.Channel, Key: d.DedupKey, Attempts: d.Attempts, At: d.DoneAt}
		if details {
			j.Error = d.LastError
		}
		dead = append(dead, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"firing": out,
		"outbox": map[string]int{"pending": ob.Pending, "sent": ob.Sent, "dead": ob.Dead, "cancelled": ob.Cancelled},
		"dead":   dead,
	})
}
