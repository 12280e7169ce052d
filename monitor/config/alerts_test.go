package config

import (
	"slices"
	"strings"
	"testing"
	"time"
)

const alertsFile = `alerting:
  group_wait: 5s
  external_url: https://status.example.com
notify:
  - name: ops
    type: webhook
    url: ${HOOK_URL}
    secret: ${HOOK_SECRET}
  - {name: pager, type: pagerduty, routing_key: "${PD_KEY}"}
pages:
  groups:
    - name: APIs
      targets: ["api-*"]
      notify: [ops]
      alert_after: 2
      remind_every: 1h
checks:
  - {name: db, type: tcp, address: "db:5432", failure_threshold: 3, notify: [pager, ops], severity: warning}
  - {name: api-a, type: tcp, address: "a:80", depends_on: [db]}
  - {name: api-b, type: tcp, address: "b:80", notify: [pager], alert_after: 4, send_resolved: false}
  - {name: quiet, type: tcp, address: "q:80"}
silences:
  - {targets: ["api-*"], ends: 2026-12-24T08:00:00Z, comment: deploy}
maintenance:
  - {name: nightly, cron: "0 3 * * *", duration: 30m, timezone: Europe/Berlin, groups: [APIs]}
  - {name: move, start: 2026-12-27T00:00:00Z, end: 2026-12-27T06:00:00Z, targets: [db]}
`

func TestParseAlerts(t *testing.T) {
	cfg, err := Parse("v.yaml", []byte(alertsFile), env(map[string]string{
		"HOOK_URL": "https://hooks.example.com/T000/B000/s3cr3t-path", "HOOK_SECRET": "hmac-secret", "PD_KEY": "pd-routing-key-123"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Alerting.GroupWait != 5*time.Second || cfg.Alerting.MaxAttempts != 20 || len(cfg.Notify) != 2 {
		t.Fatalf("alerting %+v, notify %+v", cfg.Alerting, cfg.Notify)
	}
	rule := func(name string) (Rule, bool) {
		for i := range cfg.Checks {
			if cfg.Checks[i].Name == name {
				return cfg.RuleOf(&cfg.Checks[i])
			}
		}
		t.Fatalf("no check %s", name)
		return Rule{}, false
	}
	db, ok := rule("db")
	if !ok || !slices.Equal(db.Notify, []string{"pager", "ops"}) || db.AlertAfter != 3 || db.ResolveAfter != 1 || !db.SendResolved || db.Severity != "warning" {
		t.Errorf("db's rule = %+v (alert_after defaults to failure_threshold)", db)
	}
	a, ok := rule("api-a")
	if !ok || !slices.Equal(a.Notify, []string{"ops"}) || a.AlertAfter != 2 || a.RemindEvery != time.Hour || !slices.Equal(a.DependsOn, []string{"db"}) || a.Severity != "critical" {
		t.Errorf("api-a's rule = %+v (from its group)", a)
	}
	b, ok := rule("api-b")
	if !ok || !slices.Equal(b.Notify, []string{"pager"}) || b.AlertAfter != 4 || b.SendResolved {
		t.Errorf("api-b's rule = %+v (its own fields over its group's)", b)
	}
	if _, ok := rule("quiet"); ok {
		t.Error("a target without channels alerts")
	}
	if len(cfg.Silences) != 1 || len(cfg.Maintenance) != 2 || cfg.Maintenance[0].Schedule == nil || cfg.Maintenance[0].Location.String() != "Europe/Berlin" {
		t.Errorf("silences %+v, maintenance %+v", cfg.Silences, cfg.Maintenance)
	}
}

// Changing a target's alert fields does not restart it.
func TestAlertFieldsKeepTargetSame(t *testing.T) {
	parse := func(extra string) *Check {
		cfg, err := Parse("v.yaml", []byte("notify: [{name: ops, type: webhook, url: \"http://127.0.0.1:1/\"}]\nchecks:\n  - {name: a, type: tcp, address: \"a:1\""+extra+"}\n"), testEnv)
		if err != nil {
			t.Fatal(err)
		}
		return &cfg.Checks[0]
	}
	if !parse("").Same(parse(", notify: [ops], alert_after: 3")) {
		t.Error("an alert rule change would restart the target")
	}
}

func TestAlertErrors(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"unknown channel", "notify: [{name: ops, type: webhook, url: \"http://h/\"}]\nchecks:\n  - {name: a, type: tcp, address: \"a:1\", notify: [opz]}\n",
			`v.yaml:3: checks[0].notify[0]: no channel "opz" in the notify list (did you mean ops?)`},
		{"unknown type", "notify:\n  - {name: ops, type: slak, url: \"http://h/\"}\n", `v.yaml:2: notify[0].type: unknown channel type "slak" (did you mean slack?)`},
		{"duplicate channel", "notify:\n  - {name: ops, type: webhook, url: \"http://h/\"}\n  - {name: ops, type: webhook, url: \"http://h/\"}\n", `v.yaml:3: notify[1].name: "ops" is already the name of notify[0]`},
		{"bad cron", "maintenance:\n  - {name: m, cron: \"61 * * * *\", duration: 1h, targets: [\"*\"]}\n", `v.yaml:2: maintenance[0].cron: "61 * * * *" is not a cron expression`},
		{"bad zone", "maintenance:\n  - {name: m, cron: \"@daily\", duration: 1h, timezone: Mars/Olympus, targets: [\"*\"]}\n", `maintenance[0].timezone: "Mars/Olympus" is not a time zone`},
		{"both kinds", "maintenance:\n  - {name: m, cron: \"@daily\", duration: 1h, start: 2026-01-01T00:00:00Z, end: 2026-01-02T00:00:00Z, targets: [\"*\"]}\n", "either recurring"},
		{"unknown dependency", "checks:\n  - {name: a, type: tcp, address: \"a:1\", depends_on: [dbb]}\n  - {name: db, type: tcp, address: \"a:1\"}\n", `v.yaml:2: checks[0].depends_on[0]: no target "dbb" (did you mean db?)`},
		{"dependency cycle", "checks:\n  - {name: a, type: tcp, address: \"a:1\", depends_on: [b]}\n  - {name: b, type: tcp, address: \"a:1\", depends_on: [c]}\n  - {name: c, type: tcp, address: \"a:1\", depends_on: [a]}\n",
			`v.yaml:2: checks[0].depends_on: depends_on makes a cycle: a → b → c → a`},
		{"every schedule", "maintenance:\n  - {name: m, cron: \"@every 24h\", duration: 1h, targets: [\"*\"]}\n", "@every is not a time of day"},
		{"bad severity", "checks:\n  - {name: a, type: tcp, address: \"a:1\", severity: urgent}\n", `"urgent" is not a severity`},
		{"silence without end", "silences:\n  - {targets: [a]}\n", "silences[0].ends: a silence needs an end"},
		{"bad time", "silences:\n  - {targets: [a], ends: tomorrow}\n", `"tomorrow" is not an RFC 3339 time`},
		{"bad template", "notify:\n  - {name: ops, type: webhook, url: \"http://h/\", template: \"{{.Alerts\"}\n", `v.yaml:2: notify[0]:`},
		{"bad url", "notify:\n  - {name: ops, type: slack, url: \"ftp://h/\"}\n", `v.yaml:2: notify[0]:`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("v.yaml", []byte(tc.file), testEnv)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// A channel's secret never reaches a configuration error, whatever is
// wrong with the entry.
func TestAlertErrorsQuoteNoSecret(t *testing.T) {
	const secret = "s3cr3t-token-value"
	files := []string{
		"notify:\n  - {name: ops, type: webhook, url: \"ftp://x/" + secret + "\"}\n",
		"notify:\n  - {name: ops, type: pagerduty, routing_key: \"" + secret + "\", timeout: ${SECRET}}\n",
		"notify:\n  - {name: ops, type: email, host: h, from: a@b, to: [c@d], password: \"" + secret + "\", port: ${SECRET}}\n",
		"notify:\n  - {name: ops, type: webhook, url: \"http://h/\", headers: {Authorization: \"" + secret + "\"}, bogus: 1}\n",
	}
	for _, f := range files {
		_, err := Parse("v.yaml", []byte(f), env(map[string]string{"SECRET": secret}))
		if err == nil {
			t.Fatalf("no error for %q", f)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error quotes the secret: %v", err)
		}
	}
}
