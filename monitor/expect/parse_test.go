package expect_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals/monitor/expect"
)

func TestParse(t *testing.T) {
	tests := []struct {
		src, want, field string
	}{
		{"code == 200", "code == 200", "code"},
		{"  code==200  ", "code == 200", "code"},
		{"code>=500", "code >= 500", "code"},
		{"latency < 300ms", "latency < 300ms", "latency"},
		{"latency <= 1h30m", "latency <= 1h30m", "latency"},
		{"latency > 0", "latency > 0", "latency"},
		{"latency < 1.5s", "latency < 1.5s", "latency"},
		{"latency < 250µs", "latency < 250µs", "latency"},
		{"cert_expiry > 14d", "cert_expiry > 14d", "cert_expiry"},
		{"cert_expiry > 2w", "cert_expiry > 2w", "cert_expiry"},
		{"cert_expiry > -1d", "cert_expiry > -1d", "cert_expiry"},
		{"size < 1MiB", "size < 1MiB", "size"},
		{"size <= 10kb", "size <= 10kb", "size"},
		{"size > 0", "size > 0", "size"},
		{"size < 1.5KB", "size < 1.5KB", "size"},
		{"status != fail", "status != fail", "status"},
		{`status == "warn"`, `status == "warn"`, "status"},
		{`body contains "UP"`, `body contains "UP"`, "body"},
		{"body matches `^OK\\s*$`", "body matches `^OK\\s*$`", "body"},
		{`body.status == "UP"`, `body.status == "UP"`, "body"},
		{`body.checks.0.status=="pass"`, `body.checks.0.status == "pass"`, "body"},
		{`body."a.b".c != null`, `body."a.b".c != null`, "body"},
		{`body.ok == true`, `body.ok == true`, "body"},
		{`body.ratio < 0.75`, `body.ratio < 0.75`, "body"},
		{`body.n >= 1e3`, `body.n >= 1e3`, "body"},
		{`body.disk.free > 1GB`, `body.disk.free > 1GB`, "body"},
		{`body.uptime > 1h`, `body.uptime > 1h`, "body"},
		{`body.tags contains "eu"`, `body.tags contains "eu"`, "body"},
		{`body.ids contains 7`, `body.ids contains 7`, "body"},
		{`body.db-primary.status matches "^(UP|ok)$"`, `body.db-primary.status matches "^(UP|ok)$"`, "body"},
		{`header.Content-Type contains "json"`, `header.Content-Type contains "json"`, "header"},
		{`header.x-request-id matches "^[0-9a-f]+$"`, `header.x-request-id matches "^[0-9a-f]+$"`, "header"},
		{"code\t!=\t404", "code != 404", "code"},
	}
	for _, tt := range tests {
		e, err := expect.Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		if e.String() != tt.want || e.Field() != tt.field {
			t.Errorf("Parse(%q) = %q field %q, want %q field %q", tt.src, e, e.Field(), tt.want, tt.field)
		}
	}
}

// Every refusal points at the column of the mistake and says what to write
// instead where it can guess.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		src string
		col int
		msg string
	}{
		{"", 1, "empty condition"},
		{"   ", 4, "empty condition"},
		{"200 == code", 1, "want a field"},
		{"stauts == pass", 1, `unknown field "stauts"; did you mean status?`},
		{"status_code == 200", 1, "did you mean code?"},
		{"response_time < 1s", 1, "did you mean latency?"},
		{"Code == 200", 1, "did you mean code?"},
		{"frobnicate == 1", 1, "fields are code, latency"},
		{"code", 5, "want an operator after code"},
		{"code = 200", 6, `unknown operator "="; did you mean ==?`},
		{"code => 200", 6, "did you mean >=?"},
		{"body =~ `x`", 6, "did you mean matches?"},
		{"code equals 200", 6, "did you mean ==?"},
		{"code ?? 200", 6, "want an operator"},
		{"code ==", 8, "want a value after =="},
		{"code == 200 x", 13, `unexpected "x" after the value`},
		{`body == "a" "b"`, 13, "unexpected"},
		{`code < "x"`, 8, "code compares with an integer"},
		{`code == "200"`, 9, `write 200, not "200"`},
		{"code == 2.5", 9, "whole number"},
		{"code contains 2", 6, "code is a number: use == != < <= > >="},
		{"latency > 200", 11, "did you mean 200ms?"},
		{"latency > 1.5", 11, "did you mean 1.5ms?"},
		{`latency > "300ms"`, 11, "without quotes: 300ms"},
		{"latency > 1MB", 11, "not a size"},
		{"latency matches `1`", 9, "latency is a duration"},
		{"cert_expiry > 14", 15, "did you mean 14d?"},
		{"size > 512", 8, "did you mean 512B?"},
		{"size > 1.5B", 8, "not a whole number of bytes"},
		{"size > -1KB", 8, "sizes have no sign"},
		{"size > 1m", 8, "not a duration"},
		{"size > 1MB2KB", 8, "one unit"},
		{"status < pass", 8, "status is pass, warn or fail: use == or !="},
		{"status == up", 11, "unknown word up"},
		{`status == "UP"`, 11, `unknown status "UP"`},
		{"status == 1", 11, "not an integer"},
		{"body < 3", 6, "body is text"},
		{"body == 3", 9, `quote the value, as in "3"`},
		{"header.X-Count > 3", 16, "header.X-Count is text"},
		{"header == 1", 7, "header needs a name"},
		{"header. == 1", 8, "header needs a name"},
		{"code.x == 1", 5, "code has no fields"},
		{"body.a..b == 1", 8, "empty key"},
		{"body. == 1", 6, "empty key"},
		{`body."a == 1`, 6, "unterminated string"},
		{`body.s == "a\qb"`, 11, "bad escape"},
		{`body.s == "abc`, 11, "unterminated string"},
		{"body.status == pass", 16, `quote the string: "pass"`},
		{"body.status == UP", 16, `unknown word UP; quote a string, as in "UP"`},
		{`body.s < "a"`, 8, "strings do not order"},
		{"body.s < true", 10, "needs a number, a duration or a size"},
		{"body.s matches 1", 16, "quoted regular expression"},
		{`body.s matches "("`, 16, "bad regular expression: missing closing )"},
		{`body matches "a{99999}"`, 14, "bad regular expression"},
		{"body.s contains 1s", 17, "contains needs a string"},
		{"code == 99999999999999999999", 9, "out of range"},
		{"body.n == 1e999", 11, "out of range"},
		{"latency < 9999999999999999999h", 11, "out of range"},
		{"latency < 1x", 11, `unknown unit "x"`},
		{"latency < 0x10", 11, `unknown unit "x"`},
		{"body.n == 1_000", 11, "unknown unit"},
		{"code == 200)", 12, `unexpected ")"`},
		{"code == @", 9, "want a value after =="},
	}
	for _, tt := range tests {
		_, err := expect.Parse(tt.src)
		var se *expect.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a *SyntaxError", tt.src, err)
			continue
		}
		if se.Col != tt.col || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("Parse(%q): %v, want col %d: …%s…", tt.src, err, tt.col, tt.msg)
		}
		if want := "col "; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Parse(%q): %q does not start with %q", tt.src, err, want)
		}
	}
}

func TestParseList(t *testing.T) {
	l, errs := expect.ParseList([]string{"code == 200", "latency < 1s"})
	if errs != nil || len(l) != 2 || l[1].String() != "latency < 1s" {
		t.Fatalf("ParseList = %v, %v", l, errs)
	}
	l, errs = expect.ParseList([]string{"code == 200", "latency < 1", "body.x == 1", "stauts == pass"})
	if l != nil || len(errs) != 4 || errs[0] != nil || errs[1] == nil || errs[2] != nil || errs[3] == nil {
		t.Fatalf("ParseList = %v, %v, want the errors of conditions 1 and 3", l, errs)
	}
	if !strings.Contains(errs[1].Error(), "did you mean 1ms?") || !strings.Contains(errs[3].Error(), "did you mean status?") {
		t.Fatalf("errors = %v", errs)
	}
	if l, errs := expect.ParseList(nil); l == nil || len(l) != 0 || errs != nil {
		t.Fatalf("ParseList(nil) = %#v, %v, want an empty List", l, errs)
	}
}
