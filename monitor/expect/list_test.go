package expect_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals/monitor/expect"
)

func mustList(t testing.TB, srcs ...string) expect.List {
	t.Helper()
	l, errs := expect.ParseList(srcs)
	if errs != nil {
		t.Fatalf("ParseList: %v", errs)
	}
	return l
}

// A List reports its first failure: the conditions after it are not
// reported against a response that already failed.
func TestListEvalStopsAtTheFirstFailure(t *testing.T) {
	l := mustList(t, "code == 200", `body.status == "UP"`, "latency < 300ms")
	in := response()
	if err := l.Eval(in); err == nil || err.Error() != "latency < 300ms: was 412ms" {
		t.Fatalf("Eval = %v, want the latency failure", err)
	}
	in.Code, in.Body = 503, []byte("<html>Service Unavailable</html>")
	if err := l.Eval(in); err == nil || err.Error() != "code == 200: was 503" {
		t.Fatalf("Eval = %v, want only the code's failure", err)
	}
	in = response()
	in.Latency = 0
	if err := l.Eval(in); err != nil {
		t.Fatalf("Eval = %v, want nil", err)
	}
	if err := (expect.List{}).Eval(in); err != nil {
		t.Fatalf("empty List: %v", err)
	}
}

// The body is decoded once for all of a List's body.<path> conditions: ten
// of them cost about what one does.
func TestListEvalDecodesTheBodyOnce(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"status":"UP"`)
	for i := range 200 {
		fmt.Fprintf(&b, `,"k%d":{"v":[%d,"x"]}`, i, i)
	}
	b.WriteString("}")
	in := &expect.Input{Body: []byte(b.String())}
	one := mustList(t, `body.status == "UP"`)
	var srcs []string
	for i := range 10 {
		srcs = append(srcs, fmt.Sprintf("body.k%d.v.0 == %d", i, i))
	}
	ten := mustList(t, srcs...)
	if err := ten.Eval(in); err != nil {
		t.Fatal(err)
	}
	a1 := testing.AllocsPerRun(20, func() { one.Eval(in) })
	a10 := testing.AllocsPerRun(20, func() { ten.Eval(in) })
	if a1 < 500 || a10 > a1*1.1 {
		t.Fatalf("one condition: %v allocations, ten: %v; want the body decoded once", a1, a10)
	}
}

// What a message shows of a response never holds a secret, whatever the
// condition reads.
func TestEvalShowsNoSecret(t *testing.T) {
	const secret = "s3cretV4lue-9f8e7d6c5b4a"
	in := &expect.Input{
		Header: http.Header{
			"Authorization": {"Bearer " + secret},
			"Cookie":        {"sid=" + secret},
			"X-Auth-Token":  {secret},
			"Location":      {"https://app:" + secret + "@example.com/"},
			"X-Debug":       {"dsn=postgres://u:" + secret + "@db/app"},
		},
		Body: []byte(`{"token":"` + secret + `","nested":{"client_secret":"` + secret + `"},"list":{"apiKey":["` + secret + `"]},` +
			`"n":{"password":12345},"url":"https://x:` + secret + `@h/"}`),
	}
	for _, cond := range []string{
		`header.Authorization == "x"`, `header.Cookie contains "x"`, `header.X-Auth-Token matches "^x"`,
		`header.Location == "x"`, `header.X-Debug == "x"`,
		`body.token == "x"`, `body.nested.client_secret == "x"`, `body.list.apiKey.0 == "x"`,
		`body.n.password == 1`, `body.url == "x"`, `body.token > 1`, `body contains "zzz"`,
	} {
		err := mustList(t, cond).Eval(in)
		if err == nil || strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "12345") {
			t.Errorf("%s: %v", cond, err)
		}
	}
	// A body is redacted before it is cut, so no secret shows cut short.
	in.Body = []byte(strings.Repeat("x ", 30) + "postgres://app:" + secret + "@db/app")
	if err := mustList(t, `body == "x"`).Eval(in); err == nil || strings.Contains(err.Error(), secret[:8]) {
		t.Errorf("a cut body: %v", err)
	}
}

func BenchmarkListEval(b *testing.B) {
	l := mustList(b, "code == 200", "latency < 300ms", `header.Content-Type contains "json"`,
		`body.status == "UP"`, `body.checks.0.status == "pass"`, "body.disk.free > 1GB")
	in := response()
	in.Latency = 0
	for b.Loop() {
		if err := l.Eval(in); err != nil {
			b.Fatal(err)
		}
	}
}
