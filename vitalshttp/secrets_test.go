package vitalshttp_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
)

// Axway's /status names each check by its description and shows it to
// callers without credentials; the description must come redacted.
func TestDescriptionRedactedForAnonymousCallers(t *testing.T) {
	m := vitals.New(&vitals.Options{Info: vitals.Info{Service: "orders", Description: "orders at postgres://app:hunter2@db/app"}})
	defer m.Close()
	ok := vitals.CheckFunc(func(context.Context) error { return nil })
	if err := m.Add("db", ok, vitals.Description("Orders DB postgres://app:hunter2@db/app")); err != nil {
		t.Fatal(err)
	}
	m.RunOnce(context.Background())
	h := everything(vitalshttp.New(m, nil))
	for _, target := range []string{"/status", "/status/db", "/readyz?format=ietf", "/health"} {
		w := do(h, "GET", target)
		if strings.Contains(w.Body.String(), "hunter2") {
			t.Errorf("%s leaked the password: %s", target, w.Body)
		}
	}
	if w := do(h, "GET", "/status"); !strings.Contains(w.Body.String(), "Orders DB postgres://app:***@db/app") {
		t.Errorf("/status does not name the check by its redacted description: %s", w.Body)
	}
}

// Every secret form the issue names is redacted in every output that shows
// a message, details or an observed value — and the redacted form is
// shown, so the test fails if the message is merely dropped.
func TestSecretsRedactedInEveryOutput(t *testing.T) {
	tests := []struct {
		name            string
		res             vitals.Result
		secret, visible string
	}{
		{"URL user info", vitals.Result{Status: vitals.StatusFail, Message: "dial postgres://app:pw-url-1@db:5432/orders: refused"},
			"pw-url-1", "postgres://app:***@db:5432/orders"},
		{"DSN password", vitals.Result{Status: vitals.StatusFail, Message: "connect host=db user=app password=pw-kv-2 dbname=orders: refused"},
			"pw-kv-2", "password=***"},
		{"MySQL DSN", vitals.Result{Status: vitals.StatusFail, Message: "open app:pw-my-3@tcp(db:3306)/orders: refused"},
			"pw-my-3", "app:***@tcp(db:3306)"},
		{"bearer token", vitals.Result{Status: vitals.StatusFail, Message: "401 from api with Bearer tok-bearer-4xyz"},
			"tok-bearer-4xyz", "Bearer ***"},
		{"Authorization value", vitals.Result{Status: vitals.StatusFail, Message: "sent Authorization: Basic YWxhZGRpbjpvcGVu"},
			"YWxhZGRpbjpvcGVu", "Authorization: Basic ***"},
		{"in details", vitals.Result{Status: vitals.StatusFail, Message: "down", Details: map[string]any{"dsn": "redis://:pw-det-5@cache:6379/0"}},
			"pw-det-5", "redis://:***@cache:6379/0"},
		{"in the observed value", vitals.Result{Status: vitals.StatusFail, Message: "down", Observed: "amqp://guest:pw-obs-6@mq:5672/"},
			"pw-obs-6", "amqp://guest:***@mq:5672/"},
	}
	targets := []string{"/readyz", "/readyz?verbose", "/readyz?format=ietf", "/readyz/db", "/readyz/db?format=text", "/readyz/db?format=ietf",
		"/healthz", "/health", "/health/checks", "/health/ready", "/ready", "/status", "/status/db", "backend"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := vitals.New(nil)
			defer m.Close()
			m.Add("db", vitals.ResultFunc(func(context.Context) vitals.Result { return tt.res }))
			m.RunOnce(context.Background())
			vh := vitalshttp.New(m, &vitalshttp.Options{PublicDetails: true})
			h := everything(vh)
			shown := false
			for _, target := range targets {
				var w interface{ String() string }
				if target == "backend" {
					w = do(compat.Backend(vh, "db", "postgres"), "GET", "/").Body
				} else {
					w = do(h, "GET", target).Body
				}
				body := w.String()
				if strings.Contains(body, tt.secret) {
					t.Errorf("%s shows the secret %q:\n%s", target, tt.secret, body)
				}
				// JSON escapes nothing in these forms but '&' and '<' — none here.
				shown = shown || strings.Contains(body, tt.visible)
			}
			if !shown {
				t.Errorf("no output shows the redacted %q: the message never reached an output", tt.visible)
			}
		})
	}
}
