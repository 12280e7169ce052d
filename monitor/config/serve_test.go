package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseServeBlocks(t *testing.T) {
	const data = `listen: 127.0.0.1:8080
storage: postgres://vitals:${DB_PASSWORD}@db/vitals
retention:
  raw: 30d
  hour: 2w
pages:
  title: Checkout status
  groups:
    - name: Public
      targets: [api, "web-*"]
    - name: Data
      targets: db
auth:
  token: ${API_TOKEN}
  users: {ops: "${DB_PASSWORD}"}
  public_details: true
checks:
  - {name: api, type: tcp, address: "api:80"}
`
	cfg, err := Parse("v.yaml", []byte(data), env(map[string]string{"DB_PASSWORD": "pw-1", "API_TOKEN": "tok-123"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Storage != "postgres://vitals:pw-1@db/vitals" {
		t.Errorf("storage = %q", cfg.Storage)
	}
	want := Retention{Raw: 30 * 24 * time.Hour, Minute: 14 * 24 * time.Hour, Hour: 14 * 24 * time.Hour}
	if cfg.Retention != want {
		t.Errorf("retention = %+v, want %+v (unset fields keep their defaults)", cfg.Retention, want)
	}
	if cfg.Pages.Title != "Checkout status" || len(cfg.Pages.Groups) != 2 {
		t.Errorf("pages = %+v", cfg.Pages)
	}
	for target, group := range map[string]string{"api": "Public", "web-1": "Public", "db": "Data", "queue": "Other"} {
		if got := cfg.Pages.GroupOf(target); got != group {
			t.Errorf("GroupOf(%q) = %q, want %q", target, got, group)
		}
	}
	wantAuth := Auth{PublicDetails: true, Token: "tok-123", Users: map[string]string{"ops": "pw-1"}}
	if !reflect.DeepEqual(cfg.Auth, wantAuth) {
		t.Errorf("auth = %+v", cfg.Auth)
	}
}

func TestParseServeDefaults(t *testing.T) {
	for _, data := range []string{"", "checks:\n  - {name: a, type: memory}\n"} {
		cfg, err := Parse("v.yaml", []byte(data), testEnv)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Storage != DefaultStorage || cfg.Retention != defaultRetention {
			t.Errorf("Parse(%q): storage %q, retention %+v; want the defaults", data, cfg.Storage, cfg.Retention)
		}
		if got := cfg.Pages.GroupOf("a"); got != "Targets" {
			t.Errorf("without page groups, GroupOf = %q, want Targets", got)
		}
	}
}

func TestParseServeErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"empty storage", "storage: ''\n", []string{`v.yaml:1: storage: must not be empty (default ./vitals.db)`}},
		{"bad retention", "retention:\n  raw: 14days\n", []string{`v.yaml:2: retention.raw: "14days" is not a duration (e.g. 14d, 2w, 36h)`}},
		{"retention too long", "retention:\n  raw: 99999d\n", []string{`v.yaml:2: retention.raw: "99999d" is longer than 100 years`}},
		{"unknown retention field", "retention:\n  minutes: 1d\n", []string{`v.yaml:2: retention.minutes: unknown field (did you mean minute?)`}},
		{"private without credentials", "auth:\n  private: true\n", []string{`v.yaml:2: auth.private: private pages need a token or users to let anyone in`}},
		{"user without password", "auth:\n  users: {ops: ''}\n", []string{`v.yaml:2: auth.users: each user needs a name without ':' and a password`}},
		{"group without name", "pages:\n  groups:\n    - targets: [a]\n", []string{`v.yaml:3: pages.groups[0].name: a page group needs a name`}},
		{"bad pattern", "pages:\n  groups:\n    - {name: g, targets: ['[']}\n", []string{`v.yaml:3: pages.groups[0].targets: "[" is not a valid pattern`}},
		{"token is not quoted", "auth:\n  token: [a, b]\n", []string{`v.yaml:2: auth.token: must be a single value, not a list`}},
		{"dot name", "checks:\n  - {name: .., type: memory}\n", []string{`v.yaml:2: checks[0].name: ".." cannot be a name: it is not a path segment a URL can reach`}},
		{"push token too short", "checks:\n  - {name: p, type: push, token: short, every: 1h}\n", []string{`v.yaml:2: checks[0].token: a push token needs at least 16 characters`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("v.yaml", []byte(tt.yaml), testEnv)
			if err == nil {
				t.Fatal("no error")
			}
			var got []string
			for _, e := range Errors(err) {
				got = append(got, e.Error())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestParseExpect(t *testing.T) {
	const data = `checks:
  - name: api
    type: http
    url: http://api/health
    expect:
      - code == 200
      - latncy < 300ms
      - latency > 200
  - name: users
    type: health
    url: http://users/readyz
    expect: ["status != fail", "body.status == \"UP\""]
  - name: web
    type: http
    url: http://web/
    expect: ["status == pass"]
`
	_, err := Parse("v.yaml", []byte(data), testEnv)
	var got []string
	for _, e := range Errors(err) {
		got = append(got, e.Error())
	}
	want := []string{
		`v.yaml:7: checks[0].expect[1]: col 1: unknown field "latncy"; did you mean latency?`,
		`v.yaml:8: checks[0].expect[2]: col 11: latency needs a duration with a unit (ns us ms s m h d w): did you mean 200ms?`,
		`v.yaml:16: checks[2].expect[0]: status is the health status a health target reports; an http target has code (or use type: health)`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	cfg, err := Parse("v.yaml", []byte("checks:\n  - {name: a, type: http, url: \"http://a/\", expect: [\"code == 200\", \"latency < 1s\"]}\n"), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c := cfg.Checks[0]; len(c.Expect) != 2 || c.Expect[1].String() != "latency < 1s" {
		t.Errorf("parsed conditions: %v", c.Expect)
	}
}

// Same ignores where a check sits in its file, and nothing else.
func TestCheckSame(t *testing.T) {
	a, err := Parse("v.yaml", []byte("checks:\n  - {name: a, type: http, url: \"http://a/\", expect: [\"code == 200\"]}\n"), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	moved, err := Parse("v.yaml", []byte("# moved\n\nchecks:\n  - {name: b, type: tcp, address: \"b:1\"}\n  - name: a\n    type: http\n    url: http://a/\n    expect: [code == 200]\n"), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	changed, err := Parse("v.yaml", []byte("checks:\n  - {name: a, type: http, url: \"http://a/\", expect: [\"code == 201\"]}\n"), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Checks[0].Same(&moved.Checks[1]) {
		t.Error("a check that only moved in the file is not the Same")
	}
	if a.Checks[0].Same(&changed.Checks[0]) {
		t.Error("a check whose expect changed is the Same")
	}
}

func TestRetentionCompoundDuration(t *testing.T) {
	cfg, err := Parse("v.yaml", []byte("retention:\n  raw: 1d12h\n  hour: 1w\n"), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Retention.Raw != 36*time.Hour || cfg.Retention.Hour != 7*24*time.Hour {
		t.Errorf("retention %+v", cfg.Retention)
	}
}

// The monitor `make run` starts reads a valid file.
func TestExampleMonitorFile(t *testing.T) {
	cfg, err := Load("../../examples/monitor/vitals.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Notify) == 0 || len(cfg.Checks) == 0 {
		t.Errorf("the example has %d channels and %d checks", len(cfg.Notify), len(cfg.Checks))
	}
	for i := range cfg.Checks {
		if _, ok := cfg.RuleOf(&cfg.Checks[i]); !ok {
			t.Errorf("the example's %s does not alert", cfg.Checks[i].Name)
		}
	}
}
