package vitals_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
)

// Names are shown as given on every surface (paths, gRPC List, metric
// labels) while slog redacts them, so a name redaction would change is
// refused, with an error that does not repeat the secret.
func TestAddRefusesNamesThatHoldSecrets(t *testing.T) {
	ok := vitals.CheckFunc(func(context.Context) error { return nil })
	tests := []struct {
		name   string
		check  string
		groups []string
		secret string
	}{
		{"key value", "db-password=hunter2", nil, "hunter2"},
		{"url password", "redis://:hunter2@cache", nil, "hunter2"},
		{"mysql dsn", "app:hunter2@tcp(db:3306)", nil, "hunter2"},
		{"header line", "X-Api-Key:[k3y5ecret]", nil, "k3y5ecret"},
		{"provider token", "ghp_Xq3vT8kP2mZr5Lw9Nc4Hb7Jd1Fg6Ys0AeUi", nil, "Xq3vT8kP2mZr5Lw9Nc4Hb7Jd1Fg6Ys0AeUi"},
		{"jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", nil, "eyJzdWIiOiIxIn0"},
		{"secret and a space", "token=hunter2 x", nil, "hunter2"},
		{"group", "db", []string{"token=hunter2"}, "hunter2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := vitals.New(nil)
			defer m.Close()
			var opts []vitals.CheckOption
			if tt.groups != nil {
				opts = append(opts, vitals.Groups(tt.groups...))
			}
			err := m.Add(tt.check, ok, opts...)
			if err == nil {
				t.Fatalf("Add(%q) registered a name that holds a secret", tt.check)
			}
			if !strings.Contains(err.Error(), "holds a secret") || strings.Contains(err.Error(), tt.secret) {
				t.Errorf("Add(%q) error = %q; want one naming the problem, not the secret", tt.check, err)
			}
			if n := m.Snapshot().Len(); n != 0 {
				t.Errorf("a refused check was registered: %d checks", n)
			}
		})
	}
	// Names that only look like keys stay valid.
	m := vitals.New(nil)
	defer m.Close()
	for _, name := range []string{"db", "token-service", "password-reset", "secrets-manager", "auth:token", "cookie"} {
		if err := m.Add(name, ok); err != nil {
			t.Errorf("Add(%q) = %v", name, err)
		}
	}
}

// A description is redacted once, when it is set, so every surface shows
// the same text: the snapshot, and through it HTTP (Axway shows it to
// anonymous callers), gRPC and the CLI.
func TestDescriptionsAreRedacted(t *testing.T) {
	m := vitals.New(&vitals.Options{Info: vitals.Info{Description: "orders, from postgres://app:hunter2@db/app"}})
	defer m.Close()
	ok := vitals.CheckFunc(func(context.Context) error { return nil })
	if err := m.Add("db", ok, vitals.Description("Orders database at postgres://app:hunter2@db/app")); err != nil {
		t.Fatal(err)
	}
	snap := m.Snapshot()
	st, _ := snap.Check("db")
	if want := "Orders database at postgres://app:***@db/app"; st.Description != want {
		t.Errorf("check description = %q, want %q", st.Description, want)
	}
	if want := "orders, from postgres://app:***@db/app"; snap.Info.Description != want {
		t.Errorf("service description = %q, want %q", snap.Info.Description, want)
	}
}
