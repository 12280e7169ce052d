package compat_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
)

const token = "views-token"

// fetch answers a GET of target by e, as the caller with the given token.
func fetch(e *compat.Endpoints, target, bearer string) string {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	if bearer != "" {
		r.Header.Set("Authorization", "Bearer "+bearer)
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	return w.Body.String()
}

// A long, multi-line message is shown to anonymous callers as regiocom
// showed its reasons: one line of at most 200 bytes, redacted; whole to an
// authorised caller; and not at all with Private.
func TestReasonsAreShortForAnonymousCallers(t *testing.T) {
	m := vitals.New(nil)
	t.Cleanup(func() { m.Close() })
	long := "dial postgres://app:hunter2@db:5432/app:\n" + strings.Repeat("connection refused ", 60)
	m.Add("db", vitals.CheckFunc(func(context.Context) error { return errors.New(long) }))
	m.Add("spare", vitals.CheckFunc(func(context.Context) error { return nil }))
	m.RunOnce(context.Background())
	m.Disable("spare")
	h := vitalshttp.New(m, &vitalshttp.Options{Token: token})
	ready := compat.Regiocom(h)

	anon := fetch(ready, "/ready", "")
	if strings.Contains(anon, "hunter2") || strings.Contains(anon, `\n`) || len(anon) > 300 || !strings.Contains(anon, "db: dial postgres://app:***@db:5432/app: connection refused") {
		t.Errorf("anonymous /ready: %s", anon)
	}
	if auth := fetch(ready, "/ready", token); !strings.Contains(auth, strings.Repeat("connection refused ", 59)) || strings.Contains(auth, "hunter2") {
		t.Errorf("authorised /ready: %s", auth)
	}
	if private := strings.TrimSpace(fetch(ready.Private(), "/ready", "")); private != `{"ready":false,"reasons":["db: reason withheld"]}` {
		t.Errorf("private /ready: %s", private)
	}
	// CHORUS /health/checks lists the disabled check too, saying so.
	if checks := fetch(compat.Chorus(h), "/health/checks", ""); !strings.Contains(checks, `"spare":{"healthy":true,"enabled":false`) || !strings.Contains(checks, `"total":2`) {
		t.Errorf("/health/checks: %s", checks)
	}
	if health := fetch(compat.Chorus(h), "/health", ""); strings.Contains(health, "spare") {
		t.Errorf("/health lists a disabled check: %s", health)
	}
}
