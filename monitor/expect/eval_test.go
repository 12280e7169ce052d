package expect_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/monitor/expect"
)

var now = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

const healthBody = `{"status":"UP","checks":[{"name":"db","status":"pass"}],"n":5,"big":12345678901234567890,` +
	`"ratio":0.5,"ok":true,"none":null,"uptime":"3h2m","disk":{"free":2000000000,"total":"10GB"},` +
	`"tags":["eu","prod"],"ids":[1,2,3],"password":"hunter2","msg":"connect postgres://app:s3cret@db/app refused",` +
	`"a.b":{"c":1}}`

// response is a health endpoint's answer, as a checker hands it over.
func response() *expect.Input {
	return &expect.Input{
		Code:    200,
		Latency: 412337051 * time.Nanosecond,
		Header: http.Header{
			"Content-Type": {"application/json"},
			"X-Api-Key":    {"8f14e45fceea167a"},
			"Set-Cookie":   {"sid=31d4d96e407aad42; Path=/"},
			"Vary":         {"Accept", "Origin"},
		},
		Body:       []byte(healthBody),
		CertExpiry: now.Add(9*24*time.Hour + 2*time.Hour + 30*time.Second),
		Status:     "warn",
		Now:        now,
	}
}

func TestEval(t *testing.T) {
	noTLS := func(in *expect.Input) { in.CertExpiry = time.Time{} }
	expired := func(in *expect.Input) { in.CertExpiry = now.Add(-50 * time.Hour) }
	noStatus := func(in *expect.Input) { in.Status = "" }
	body := func(b string) func(*expect.Input) { return func(in *expect.Input) { in.Body = []byte(b) } }
	cut := func(in *expect.Input) { in.Body, in.Truncated = in.Body[:200], true }
	tests := []struct {
		cond string
		mod  func(*expect.Input)
		want string // "" when the condition holds
	}{
		{"code == 200", nil, ""},
		{"code < 300", nil, ""},
		{"code != 200", nil, "code != 200: was 200"},
		{"code >= 500", nil, "code >= 500: was 200"},

		{"latency < 1s", nil, ""},
		{"latency > 0", nil, ""},
		{"latency < 300ms", nil, "latency < 300ms: was 412ms"},
		// Rounded only as far as the failure still shows.
		{"latency <= 412ms", nil, "latency <= 412ms: was 412.337ms"},
		{"latency < 412ms", nil, "latency < 412ms: was 412.337ms"},
		{"latency == 412ms", nil, "latency == 412ms: was 412.337ms"},
		{"latency > 2s", func(in *expect.Input) { in.Latency = 1999999999 }, "latency > 2s: was 1.999999999s"},

		{"cert_expiry > 7d", nil, ""},
		{"cert_expiry > 14d", nil, "cert_expiry > 14d: was 9d2h"},
		{"cert_expiry < 1w", nil, "cert_expiry < 1w: was 9d2h"},
		{"cert_expiry > 0", expired, "cert_expiry > 0: was -2d2h (expired)"},
		{"cert_expiry > 14d", noTLS, "cert_expiry > 14d: no TLS certificate"},
		{"cert_expiry < 14d", noTLS, "cert_expiry < 14d: no TLS certificate"},

		{"size > 0", nil, ""},
		{"size < 1KiB", nil, ""},
		{"size < 10B", nil, "size < 10B: was 304B"},
		{"size == 0", body(""), ""},
		// A body cut at the read limit is longer than what was read.
		{"size > 100B", cut, ""},
		{"size != 100B", cut, ""},
		{"size > 1MB", cut, "size > 1MB: was at least 200B: the read stopped at its limit"},
		{"size < 1MB", cut, "size < 1MB: was at least 200B: the read stopped at its limit"},
		{"size == 200B", cut, "size == 200B: was at least 200B: the read stopped at its limit"},

		{"status != fail", nil, ""},
		{"status == pass", nil, "status == pass: was warn"},
		{`status == "warn"`, nil, ""},
		{"status != fail", noStatus, "status != fail: no health status: the target does not report one"},

		{`header.Content-Type contains "json"`, nil, ""},
		{`header.content-type == "application/json"`, nil, ""},
		{`header.Content-Type matches "^application/(.+\\+)?json"`, nil, ""},
		{`header.Content-Type == "text/html"`, nil, `header.Content-Type == "text/html": was "application/json"`},
		{`header.Vary == "Accept, Origin"`, nil, ""},
		{`header.Retry-After == "1"`, nil, `header.Retry-After == "1": no such header`},
		{`header.Retry-After != "1"`, nil, `header.Retry-After != "1": no such header`},
		// Secret headers are never shown.
		{`header.X-Api-Key == "x"`, nil, `header.X-Api-Key == "x": was "***"`},
		{`header.set-cookie contains "theme"`, nil, `header.set-cookie contains "theme": was "***"`},

		{`body contains "UP"`, nil, ""},
		{`body matches "\"status\": ?\"UP\""`, nil, ""},
		{`body == "OK"`, body("OK\n"), `body == "OK": was "OK\n"`},
		{`body contains "needle"`, body(strings.Repeat("hay ", 100)), `body contains "needle": was "` + strings.Repeat("hay ", 20) + `…"`},
		{`body contains "needle"`, func(in *expect.Input) { in.Body, in.Truncated = []byte("hay"), true },
			`body contains "needle": was "hay" (the first 3 bytes, where the read stopped)`},
		{`body == "x"`, body("error: password=hunter2"), `body == "x": was "error: password=***"`},
		{`body contains "x"`, nil, `body contains "x": was "{\"status\":\"UP\",\"checks\":[{\"name\":\"db\",\"status\":\"pass\"}],\"n\":5,\"big\":123456789012…"`},

		{`body.status == "UP"`, nil, ""},
		{`body.status != "DOWN"`, nil, ""},
		{`body.status == "DOWN"`, nil, `body.status == "DOWN": was "UP"`},
		{`body.checks.0.status == "pass"`, nil, ""},
		{`body."a.b".c == 1`, nil, ""},
		{`body.checks.3.status == "pass"`, nil, `body.checks.3.status == "pass": body.checks.3: no such element (array of 1)`},
		{`body.checks.1 == null`, nil, `body.checks.1 == null: no such element (array of 1)`},
		{`body.checks.x == 1`, nil, `body.checks.x == 1: body.checks is an array of 1: index it with a number`},
		{`body.checks."0".name == "db"`, nil, `body.checks."0".name == "db": body.checks is an array of 1: index it with a number`},
		{`body.status.code == 1`, nil, `body.status.code == 1: body.status is a string, not an object or array`},
		{`body.nope == 1`, nil, `body.nope == 1: no such field`},
		{`body.nope.deeper == 1`, nil, `body.nope.deeper == 1: body.nope: no such field`},

		{`body.n > 4`, nil, ""},
		{`body.n == 5.0`, nil, ""},
		{`body.n < 5`, nil, "body.n < 5: was 5"},
		{`body.big > 1e19`, nil, ""},
		{`body.big > 9223372036854775807`, nil, ""},
		{`body.ratio < 0.75`, nil, ""},
		{`body.ratio > 1`, nil, "body.ratio > 1: was 0.5"},
		{`body.status > 1`, nil, `body.status > 1: was "UP": a string, not a number`},
		{`body.checks == 1`, nil, `body.checks == 1: is an array of 1, not a number`},
		{`body.disk == "x"`, nil, `body.disk == "x": is an object, not a string`},
		{`body.status == 1`, nil, `body.status == 1: was "UP": a string, not a number`},

		{`body.ok == true`, nil, ""},
		{`body.ok != true`, nil, "body.ok != true: was true"},
		{`body.ok > 1`, nil, "body.ok > 1: was true: a boolean, not a number"},
		{`body.ok == "true"`, nil, `body.ok == "true": was true: a boolean, not a string`},
		{`body.none == null`, nil, ""},
		{`body.n != null`, nil, ""},
		{`body.none != null`, nil, "body.none != null: was null"},
		{`body.n == null`, nil, "body.n == null: was 5"},
		{`body.none == 1`, nil, "body.none == 1: is null, not a number"},

		{`body.uptime > 3h`, nil, ""},
		{`body.uptime > 1d`, nil, `body.uptime > 1d: was "3h2m"`},
		{`body.status > 1h`, nil, `body.status > 1h: was "UP": a string, not a duration such as "300ms"`},
		{`body.n > 5ms`, nil, "body.n > 5ms: was 5: a number, not a duration (a JSON number has no unit; compare it with a number)"},
		{`body.disk.free > 1GB`, nil, ""},
		{`body.disk.free < 1GB`, nil, "body.disk.free < 1GB: was 2000000000"},
		{`body.disk.total >= 10GB`, nil, ""},
		{`body.disk.total > 10GiB`, nil, `body.disk.total > 10GiB: was "10GB"`},
		{`body.status > 1GB`, nil, `body.status > 1GB: was "UP": a string, not a size such as "10KB"`},
		{`body.ok > 1GB`, nil, `body.ok > 1GB: was true: a boolean, not a number of bytes or a size`},

		{`body.tags contains "eu"`, nil, ""},
		{`body.ids contains 2`, nil, ""},
		{`body.tags contains "us"`, nil, `body.tags contains "us": not among the 2 elements of the array`},
		{`body.msg contains "refused"`, nil, ""},
		{`body.status contains 1`, nil, `body.status contains 1: was "UP": a string, not an array`},
		{`body.n contains "5"`, nil, `body.n contains "5": was 5: a number, not a string or an array`},
		{`body.status matches "^U"`, nil, ""},
		{`body.status matches "^D"`, nil, `body.status matches "^D": was "UP"`},
		{`body.n matches "5"`, nil, `body.n matches "5": was 5: a number, not a string`},

		// Secrets in values, by their key or by their shape.
		{`body.password == "x"`, nil, `body.password == "x": was "***"`},
		{`body.msg == "x"`, nil, `body.msg == "x": was "connect postgres://app:***@db/app refused"`},

		{`body.x == 1`, body("OK"), "body.x == 1: the body is not JSON: invalid character 'O' looking for beginning of value"},
		{`body.x == 1`, body(" \n"), "body.x == 1: the body is empty, not JSON"},
		{`body.x == 1`, body(`{"x":1} {"x":2}`), "body.x == 1: the body is not JSON: more follows the first document"},
		{`body.x == 1`, body(`{"x":1`), "body.x == 1: the body is not JSON: it ends before the document does"},
		{`body.status == "UP"`, body(`{"status":"DOWN","status":"UP"}`), `body.status == "UP": the body gives body.status more than once`},
		{`body.a.b == 1`, body(`{"a":{"b":1},"a":{"b":1}}`), `body.a.b == 1: the body gives body.a more than once`},
		{`body.x == 1`, body(strings.Repeat("[", 5000)), "body.x == 1: the body is not JSON: nested deeper than 1000 levels"},
		{`body.status == "UP"`, cut, `body.status == "UP": the body was cut at the read limit (200 bytes), so its JSON cannot be read`},
	}
	for _, tt := range tests {
		e, err := expect.Parse(tt.cond)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.cond, err)
			continue
		}
		in := response()
		if tt.mod != nil {
			tt.mod(in)
		}
		got := ""
		if err := e.Eval(in); err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.cond, got, tt.want)
		}
	}
}
