package config_test

import (
	"fmt"

	"github.com/vitalsgo/vitals/monitor/config"
)

func ExampleParse() {
	file := []byte(`service: {name: checkout}
checks:
  - name: db
    type: postgres
    dsn: ${DATABASE_URL}
    timeout: 2s
  - name: disk
    type: disk
    path: /var/lib/checkout
    warn_free_percent: 15
    groups: [liveness]
`)
	env := func(name string) (string, bool) { return "postgres://app:secret@db:5432/app", name == "DATABASE_URL" }
	cfg, err := config.Parse("vitals.yaml", file, env)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cfg.Checks {
		fmt.Println(c.Name, c.Type, c.Timeout, c.Groups, c.Params.Float("warn_free_percent"))
	}
	// Output:
	// db postgres 2s [readiness] 0
	// disk disk 5s [liveness] 15
}

func ExampleErrors() {
	file := []byte(`checks:
  - name: db
    type: postgres
    dsn: postgres://db/app
    timeout: 2x
  - name: cache
    type: redis
    adress: 127.0.0.1:6379
`)
	_, err := config.Parse("vitals.yaml", file, nil)
	for _, e := range config.Errors(err) {
		fmt.Println(e)
	}
	// Output:
	// vitals.yaml:5: checks[0].timeout: "2x" is not a duration (e.g. 500ms, 2s, 1m30s)
	// vitals.yaml:6: checks[1]: url is required for type redis
	// vitals.yaml:8: checks[1].adress: unknown field for type redis (known: name, type, description, interval, timeout, initial_delay, jitter, max_age, critical, enabled, groups, failure_threshold, success_threshold, notify, alert_after, resolve_after, send_resolved, remind_every, severity, depends_on, url, round_trip, key_prefix)
}
