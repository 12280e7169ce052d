package client_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/internal/vocab"
)

// endpoint is one answer of a vitalshttp server and what a client can
// learn from it: the statuses its vocabulary carries.
type endpoint struct {
	name   string
	path   string
	accept string
	format client.Format
	group  string           // the group whose status the answer carries; "" for the service
	vocab  vocab.Vocabulary // the words it uses; Kubernetes means only OK or not
	checks bool             // it lists the group's checks
}

var endpoints = []endpoint{
	{"readyz json", "/readyz", "", client.FormatVitals, vitals.Readiness, vocab.Vitals, true},
	{"livez json", "/livez", "", client.FormatVitals, vitals.Liveness, vocab.Vitals, true},
	{"startupz json", "/startupz", "", client.FormatVitals, vitals.Startup, vocab.Vitals, true},
	{"healthz json", "/healthz", "", client.FormatVitals, "", vocab.Vitals, true},
	{"readyz ietf by accept", "/readyz", "application/health+json", client.FormatIETF, vitals.Readiness, vocab.IETF, true},
	{"readyz ietf by query", "/readyz?format=ietf", "", client.FormatIETF, vitals.Readiness, vocab.IETF, true},
	{"readyz verbose", "/readyz?verbose", "", client.FormatKubernetes, vitals.Readiness, vocab.Kubernetes, true},
	{"readyz text", "/readyz?format=text", "", client.FormatKubernetes, vitals.Readiness, vocab.Kubernetes, false},
	{"livez text", "/livez", "text/plain", client.FormatKubernetes, vitals.Liveness, vocab.Kubernetes, false},
	{"chorus health", "/health", "", client.FormatChorus, "", vocab.Chorus, true},
	{"chorus ready", "/health/ready", "", client.FormatChorus, vitals.Readiness, vocab.Chorus, false},
	{"regiocom alive", "/alive", "", client.FormatRegiocom, vitals.Liveness, vocab.Kubernetes, false},
	{"regiocom ready", "/ready", "", client.FormatRegiocom, vitals.Readiness, vocab.Kubernetes, false},
	{"axway status", "/status", "", client.FormatAxway, "", vocab.Axway, true},
}

// scenarios put the service in each state its endpoints can show.
var scenarios = []struct {
	name      string
	db, cache vitals.Status
	run       bool // false: no check has run yet (starting)
	stop      bool // shut down: readiness stopping
}{
	{name: "pass", db: vitals.StatusPass, cache: vitals.StatusPass, run: true},
	{name: "warn", db: vitals.StatusPass, cache: vitals.StatusFail, run: true},
	{name: "fail", db: vitals.StatusFail, cache: vitals.StatusWarn, run: true},
	{name: "starting", run: false},
	{name: "stopping", db: vitals.StatusPass, cache: vitals.StatusPass, run: true, stop: true},
}

// TestRoundTrip reads every endpoint of a real vitalshttp server in every
// state and expects the statuses the server's snapshot holds, as far as
// each format can carry them.
func TestRoundTrip(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			s := newService(t)
			s.set(sc.db, sc.cache)
			if sc.run {
				s.run()
			}
			if sc.stop {
				if err := s.m.Shutdown(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			snap := s.m.Snapshot()
			for _, ep := range endpoints {
				for _, auth := range []bool{false, true} {
					name := ep.name + map[bool]string{false: " anon", true: " auth"}[auth]
					t.Run(name, func(t *testing.T) {
						opts := &client.Options{Header: http.Header{}}
						if ep.accept != "" {
							opts.Header.Set("Accept", ep.accept)
						}
						if auth {
							opts.BearerToken = serviceToken
						}
						r, err := newClient(t, s.url(ep.path), opts).Check(context.Background())
						if err != nil {
							t.Fatalf("Check: %v", err)
						}
						if r.Format != ep.format {
							t.Errorf("format %s, want %s", r.Format, ep.format)
						}
						g, _ := snap.Group(ep.group)
						want := g.Status
						if ep.path == "/alive" && want.OK() && !snap.StartupComplete() {
							// regiocom: a service in its startup phase is not alive.
							want = vitals.StatusStarting
						}
						wantStatus(t, "overall", r.Status, want, ep.vocab)
						if ep.checks {
							compareChecks(t, r, snap, ep)
						}
						if strings.Contains(r.String(), "hunter2") {
							t.Errorf("password shown: %s", r)
						}
					})
				}
			}
		})
	}
}

// wantStatus compares a status read from an answer with the server's,
// folded through the answer's vocabulary.
func wantStatus(t *testing.T, what string, got, server vitals.Status, v vocab.Vocabulary) {
	t.Helper()
	if v == vocab.Kubernetes {
		if got.OK() != server.OK() {
			t.Errorf("%s: read %s (ok %t), server has %s (ok %t)", what, got, got.OK(), server, server.OK())
		}
		return
	}
	want, ok := vocab.Parse(vocab.Word(server, v))
	if !ok {
		t.Fatalf("vitals has no %v word for %s", v, server)
	}
	if got != want {
		t.Errorf("%s: read %s, server has %s (%q)", what, got, server, vocab.Word(server, v))
	}
}

func compareChecks(t *testing.T, r *client.Report, snap *vitals.Snapshot, ep endpoint) {
	t.Helper()
	var names []string
	for st := range snap.Checks(ep.group) {
		if !st.Enabled {
			continue
		}
		names = append(names, st.Name)
		c, ok := r.Check(st.Name)
		if !ok {
			t.Errorf("check %s missing from %v", st.Name, r.Checks)
			continue
		}
		v := ep.vocab
		if ep.format == client.FormatChorus {
			v = vocab.Kubernetes // a CHORUS check is healthy or not
		}
		wantStatus(t, "check "+st.Name, c.Status, st.Status, v)
	}
	extra := 0
	for _, c := range r.Checks {
		if !slices.Contains(names, c.Name) {
			extra++
			// The lifecycle is a line of its own in Kubernetes text.
			if ep.format != client.FormatKubernetes || c.Name != "startup" && c.Name != "shutdown" || c.Status.OK() {
				t.Errorf("read check %+v, server has only %v", c, names)
			}
		}
	}
	if len(r.Checks)-extra != len(names) {
		t.Errorf("read checks %v, server has %v", r.Checks, names)
	}
}

// TestRoundTripMessages reads the messages an authorised caller sees, with
// the password of the server's error redacted.
func TestRoundTripMessages(t *testing.T) {
	s := newService(t)
	s.set(vitals.StatusFail, vitals.StatusWarn)
	s.run()
	for _, path := range []string{"/readyz", "/readyz?format=ietf", "/readyz?verbose", "/health"} {
		t.Run(path, func(t *testing.T) {
			r, err := newClient(t, s.url(path), &client.Options{BearerToken: serviceToken}).Check(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			c, _ := r.Check("db")
			const want = "dial postgres://app:***@db:5432/orders: connection refused"
			if c.Message != want {
				t.Errorf("db message %q, want %q", c.Message, want)
			}
		})
	}
}

// TestRoundTripOneCheck reads the one-check endpoints.
func TestRoundTripOneCheck(t *testing.T) {
	s := newService(t)
	s.set(vitals.StatusFail, vitals.StatusPass)
	s.run()
	tests := []struct {
		path   string
		format client.Format
		check  string // the name the answer gives the check, "" for none
	}{
		{"/readyz/db", client.FormatVitals, "db"},
		{"/readyz/db?format=ietf", client.FormatIETF, "db"},
		{"/status/db", client.FormatAxway, ""},
		{"/kivigo/db", client.FormatKiviGo, "postgres"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r, err := newClient(t, s.url(tt.path), nil).Check(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if r.Format != tt.format || r.Status != vitals.StatusFail || r.OK() {
				t.Errorf("got %s %s (ok %t), want %s fail", r.Format, r.Status, r.OK(), tt.format)
			}
			if tt.check != "" {
				if c, ok := r.Check(tt.check); !ok || c.Status != vitals.StatusFail {
					t.Errorf("check %s: %+v %t in %v", tt.check, c, ok, r.Checks)
				}
			}
		})
	}
}
