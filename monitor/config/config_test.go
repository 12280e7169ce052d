package config

import (
	"errors"
	"fmt"
	"github.com/vitalsgo/vitals/internal/golden"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

var testEnv = env(map[string]string{
	"PG_DSN":     "postgres://app:s3cret@127.0.0.1:5432/app",
	"API_TOKEN":  "tok-123",
	"PUSH_TOKEN": "push-token-0123456789",
})

// dump renders a Config as stable text for the golden file.
func dump(cfg *Config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "file=%s service=%+v listen=%s\n", cfg.File, cfg.Service, cfg.Listen)
	for _, c := range cfg.Checks {
		fmt.Fprintf(&b, "checks[%d] line=%d name=%s type=%s interval=%v timeout=%v initial_delay=%v jitter=%v max_age=%v critical=%v enabled=%v groups=%v failure=%d success=%d description=%q\n",
			c.Index, c.Line, c.Name, c.Type, c.Interval, c.Timeout, c.InitialDelay, c.Jitter, c.MaxAge, c.Critical, c.Enabled, c.Groups, c.FailureThreshold, c.SuccessThreshold, c.Description)
		var keys []string
		for k := range c.Params {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := c.Params[k]
			v := p.Value
			if d, ok := v.(time.Duration); ok {
				v = d.String()
			}
			fmt.Fprintf(&b, "  %s (line %d) = %#v\n", k, p.Line, v)
		}
	}
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Compare(t, filepath.Join("testdata", name), got)
}

func TestParseEveryType(t *testing.T) {
	data, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse("full.yaml", data, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "full.golden", dump(cfg))

	seen := map[string]bool{}
	for _, c := range cfg.Checks {
		seen[c.Type] = true
	}
	for _, typ := range Types() {
		if !seen[typ] {
			t.Errorf("testdata/full.yaml has no check of type %s", typ)
		}
	}
}

func TestParseDefaults(t *testing.T) {
	cfg, err := Parse("v.yaml", []byte("checks:\n  - name: port\n    type: tcp\n    address: db:5432\n"), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Checks[0]
	if c.Interval != 10*time.Second || c.Timeout != 5*time.Second || !c.Critical || !c.Enabled ||
		!slices.Equal(c.Groups, []string{"readiness"}) || c.FailureThreshold != 1 || c.SuccessThreshold != 1 {
		t.Errorf("defaults not applied: %+v", c)
	}
	if got := c.Params.String("address"); got != "db:5432" {
		t.Errorf("address = %q", got)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, data := range []string{"", "# nothing\n", "---\n"} {
		cfg, err := Parse("v.yaml", []byte(data), testEnv)
		if err != nil {
			t.Errorf("Parse(%q): %v", data, err)
			continue
		}
		if len(cfg.Checks) != 0 {
			t.Errorf("Parse(%q) has checks", data)
		}
	}
}

func TestParseErrors(t *testing.T) {
	const head = "service:\n  name: s\nchecks:\n"
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"bad duration", head + "  - name: a\n    type: tcp\n    address: x:1\n    timeout: 2x\n",
			[]string{`v.yaml:7: checks[0].timeout: "2x" is not a duration (e.g. 500ms, 2s, 1m30s)`}},
		{"duration without unit", head + "  - name: a\n    type: tcp\n    address: x:1\n    interval: 5\n",
			[]string{`v.yaml:7: checks[0].interval: "5" is not a duration (add a unit: 5s, 5ms)`}},
		{"third check", head + "  - {name: a, type: memory}\n  - {name: b, type: memory}\n  - name: c\n    type: goroutines\n    timeout: 2x\n",
			[]string{`v.yaml:8: checks[2].timeout: "2x" is not a duration (e.g. 500ms, 2s, 1m30s)`}},
		{"unknown field", head + "  - name: a\n    type: tcp\n    adress: x:1\n",
			[]string{
				`v.yaml:4: checks[0]: address is required for type tcp`,
				`v.yaml:6: checks[0].adress: unknown field for type tcp (did you mean address?)`,
			}},
		{"unknown type", head + "  - name: a\n    type: postgress\n    dsn: x\n",
			[]string{`v.yaml:5: checks[0].type: unknown check type "postgress" (did you mean postgres?)`}},
		{"unknown top-level field", "servce:\n  name: s\n",
			[]string{`v.yaml:1: servce: unknown field (did you mean service?)`}},
		{"unknown service field", "service:\n  nme: s\n",
			[]string{`v.yaml:2: service.nme: unknown field (did you mean name?)`}},
		{"missing name and type", head + "  - address: x:1\n",
			[]string{`v.yaml:4: checks[0]: name is required`, `v.yaml:4: checks[0]: type is required`}},
		{"duplicate name", head + "  - {name: a, type: memory}\n  - {name: a, type: goroutines}\n",
			[]string{`v.yaml:5: checks[1].name: "a" is already the name of checks[0]`}},
		{"shared push token", head + "  - {name: a, type: push, token: t0ken-0123456789ab, every: 1h}\n  - {name: b, type: push, token: t0ken-0123456789ab, every: 1h}\n",
			[]string{`v.yaml:5: checks[1].token: checks[0] has the same push token; each push target needs its own`}},
		{"bad bool", head + "  - {name: a, type: memory, critical: maybe}\n",
			[]string{`v.yaml:4: checks[0].critical: "maybe" is not a boolean (true or false)`}},
		{"bad int", head + "  - {name: a, type: goroutines, warn: many}\n",
			[]string{`v.yaml:4: checks[0].warn: "many" is not an integer`}},
		{"bad bytes", head + "  - {name: a, type: memory, warn_rss_bytes: 5 parsecs}\n",
			[]string{`v.yaml:4: checks[0].warn_rss_bytes: "5 parsecs" is not a byte size (e.g. 1073741824, 512MiB, 10GB)`}},
		{"threshold zero", head + "  - {name: a, type: memory, failure_threshold: 0}\n",
			[]string{`v.yaml:4: checks[0].failure_threshold: must be at least 1`}},
		{"jitter too long", head + "  - {name: a, type: memory, interval: 1s, jitter: 2s}\n",
			[]string{`v.yaml:4: checks[0]: jitter 2s must be shorter than the interval 1s`}},
		{"bad name", head + "  - {name: a b, type: memory}\n",
			[]string{`v.yaml:4: checks[0]: check name "a b" contains " "; names must not contain '/', '?', '#', '%', spaces or control characters`}},
		{"unset env", head + "  - name: db\n    type: postgres\n    dsn: ${NOPE}\n",
			[]string{`v.yaml:6: checks[0].dsn: environment variable NOPE is not set (use ${NOPE:-default} for a default)`}},
		{"checks not a list", "checks: {a: 1}\n",
			[]string{`v.yaml:1: checks: must be a list of checks`}},
		{"check not a mapping", "checks:\n  - tcp\n",
			[]string{`v.yaml:2: checks[0]: checks[0] must be a mapping of field: value`}},
		{"list where a value belongs", head + "  - {name: [a], type: memory}\n",
			[]string{`v.yaml:4: checks[0].name: must be a single value, not a list`}},
		{"bad listen", "listen: 8080\n",
			[]string{`v.yaml:1: listen: "8080" is not a host:port address`}},
		{"invalid yaml", "checks:\n  - name: a\n   type: b\n",
			[]string{`v.yaml:3: invalid YAML:`}},
		{"two documents", "service: {name: a}\n---\nservice: {name: b}\n",
			[]string{`v.yaml:2: more than one YAML document`}},
		{"bad status list item", head + "  - name: a\n    type: http\n    url: http://x\n    status: [200, ok]\n",
			[]string{`v.yaml:7: checks[0].status[1]: "ok" is not an integer`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("v.yaml", []byte(tt.yaml), testEnv)
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			errs := Errors(err)
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("error %d:\ngot  %s\nwant %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// Values of secret fields never appear in an error, whatever went wrong
// with them; other values are redacted.
func TestErrorsNeverQuoteSecrets(t *testing.T) {
	lookup := env(map[string]string{"PW": "hunter2-secret", "T": "postgres://u:hunter2-secret@h/db"})
	tests := []string{
		"checks:\n  - {name: a, type: http, url: http://u:${PW}@h/, headers: {X: [${PW}]}}\n",
		"checks:\n  - {name: a, type: http, url: [http://u:${PW}@h/]}\n",
		"checks:\n  - {name: a, type: tcp, address: x:1, timeout: \"${T}\"}\n",
		"checks:\n  - {name: a, type: redis, url: \"redis://:${PW}@h\", round_trip: ${PW}}\n",
	}
	for _, data := range tests {
		_, err := Parse("v.yaml", []byte(data), lookup)
		if err == nil {
			t.Errorf("Parse(%q) succeeded", data)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error quotes a secret: %v", err)
		}
	}
}

func TestExpand(t *testing.T) {
	lookup := env(map[string]string{"A": "x", "EMPTY": "", "B_2": "y$z"})
	tests := []struct {
		in, want, err string
	}{
		{in: "plain", want: "plain"},
		{in: "${A}", want: "x"},
		{in: "pre-${A}-${B_2}-post", want: "pre-x-y$z-post"},
		{in: "${EMPTY}", want: ""},
		{in: "${EMPTY:-d}", want: "d"},
		{in: "${MISSING:-def:ault}", want: "def:ault"},
		{in: "$$", want: "$"},
		{in: "$${A}", want: "${A}"},
		{in: "pa$word$", want: "pa$word$"},
		{in: "${MISSING}", err: "environment variable MISSING is not set"},
		{in: "${A", err: "unterminated ${"},
		{in: "${1A}", err: `"1A" is not a valid environment variable name`},
	}
	for _, tt := range tests {
		got, err := expand(tt.in, lookup)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("expand(%q) error = %v, want %q", tt.in, err, tt.err)
			}
		case err != nil:
			t.Errorf("expand(%q): %v", tt.in, err)
		case got != tt.want:
			t.Errorf("expand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A variable's value is data: YAML syntax in it adds no field.
func TestExpandCannotInject(t *testing.T) {
	lookup := env(map[string]string{"ADDR": "x:1\n    critical: false"})
	cfg, err := Parse("v.yaml", []byte("checks:\n  - {name: a, type: tcp, address: \"${ADDR}\"}\n"), lookup)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Checks[0].Critical {
		t.Error("a variable's value changed another field")
	}
}

func TestCheckErrorf(t *testing.T) {
	cfg, err := Parse("v.yaml", []byte("checks:\n  - name: a\n    type: tcp\n    address: x:1\n"), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.Checks[0].Errorf("address", "bad %s", "port").Error()
	if want := "v.yaml:4: checks[0].address: bad port"; got != want {
		t.Errorf("Errorf = %q, want %q", got, want)
	}
	var e *Error
	if !errors.As(cfg.Checks[0].Errorf("", "x"), &e) || e.Line != 2 {
		t.Errorf("Errorf without a field: %+v", e)
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vitals.yaml")
	if err := os.WriteFile(path, []byte("checks:\n  - name: a\n    type: tcp\n    address: x:1\n    timeout: 2x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+`:5: checks[0].timeout: "2x" is not a duration`) {
		t.Errorf("Load error = %v", err)
	}
}
