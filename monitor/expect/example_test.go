package expect_test

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/vitalsgo/vitals/monitor/expect"
)

func Example() {
	conds, errs := expect.ParseList([]string{
		"code == 200",
		"latency < 300ms",
		`header.Content-Type contains "json"`,
		`body.status == "UP"`,
		"cert_expiry > 14d",
	})
	if errs != nil {
		panic(errors.Join(errs...))
	}
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	in := &expect.Input{
		Code:       200,
		Latency:    87 * time.Millisecond,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       []byte(`{"status":"UP"}`),
		CertExpiry: now.Add(90 * 24 * time.Hour),
		Now:        now,
	}
	fmt.Println(conds.Eval(in))

	in.Body = []byte(`{"status":"DOWN"}`)
	fmt.Println(conds.Eval(in))

	in.CertExpiry = now.Add(9*24*time.Hour + 2*time.Hour)
	in.Body = []byte(`{"status":"UP"}`)
	fmt.Println(conds.Eval(in))
	// Output:
	// <nil>
	// body.status == "UP": was "DOWN"
	// cert_expiry > 14d: was 9d2h
}

func ExampleParse() {
	e, err := expect.Parse(`body.checks.0.status=="pass"`)
	if err != nil {
		panic(err)
	}
	fmt.Println(e, "reads", e.Field())

	err = e.Eval(&expect.Input{Body: []byte(`{"checks":[{"status":"fail"}]}`)})
	fmt.Println(err)
	// Output:
	// body.checks.0.status == "pass" reads body
	// body.checks.0.status == "pass": was "fail"
}

// A condition that cannot be evaluated is refused when it is parsed, with
// the column of the mistake.
func ExampleSyntaxError() {
	for _, src := range []string{"latency > 200", "code < \"x\"", "stauts == pass", "status < pass"} {
		_, err := expect.Parse(src)
		var se *expect.SyntaxError
		if errors.As(err, &se) {
			fmt.Printf("%-16s %d: %s\n", src, se.Col, se.Msg)
		}
	}
	// Output:
	// latency > 200    11: latency needs a duration with a unit (ns us ms s m h d w): did you mean 200ms?
	// code < "x"       8: code compares with an integer, as in code == 200, not a string
	// stauts == pass   1: unknown field "stauts"; did you mean status?
	// status < pass    8: status is pass, warn or fail: use == or !=
}
