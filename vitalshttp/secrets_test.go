package vitalshttp_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalshttp"
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
