package client_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/client"
)

// A body that says two things about one status — a key given twice, or
// in another case, or a check named twice — is read as the worse of them:
// read the other way, {"status":"fail","STATUS":"pass"} let a failing
// service through.
func TestParseBodyThatSaysTwoThings(t *testing.T) {
	const health = "application/health+json"
	tests := []struct {
		name   string
		ct     string
		body   string
		format client.Format
		status vitals.Status
		checks string // name=status of each check, in order
	}{
		{name: "vitals, key in capitals", body: `{"status":"fail","STATUS":"pass"}`,
			format: client.FormatVitals, status: vitals.StatusFail},
		{name: "vitals, key twice", body: `{"status":"fail","status":"pass"}`,
			format: client.FormatVitals, status: vitals.StatusFail},
		{name: "vitals, check key in another case", body: `{"status":"pass","checks":{"db":{"status":"fail","Status":"pass"}}}`,
			format: client.FormatVitals, status: vitals.StatusPass, checks: "db=fail"},
		{name: "vitals, check named twice", body: `{"status":"pass","checks":{"db":{"status":"fail","message":"down"},"db":{"status":"pass"}}}`,
			format: client.FormatVitals, status: vitals.StatusPass, checks: "db=fail"},
		{name: "vitals, checks twice", body: `{"status":"pass","checks":{"db":{"status":"warn"}},"checks":{"db":{"status":"pass"},"c":{"status":"pass"}}}`,
			format: client.FormatVitals, status: vitals.StatusPass, checks: "c=pass db=warn"},
		{name: "IETF, key in another case", ct: health, body: `{"status":"fail","Status":"pass"}`,
			format: client.FormatIETF, status: vitals.StatusFail},
		{name: "IETF, key twice", ct: health, body: `{"status":"fail","status":"pass"}`,
			format: client.FormatIETF, status: vitals.StatusFail},
		{name: "IETF, reading key in capitals", ct: health, body: `{"status":"pass","checks":{"db:conn":[{"status":"fail","STATUS":"pass"}]}}`,
			format: client.FormatIETF, status: vitals.StatusPass, checks: "db=fail"},
		{name: "IETF, measurement twice", ct: health, body: `{"status":"pass","checks":{"db:conn":[{"status":"fail"}],"db:conn":[{"status":"pass"}]}}`,
			format: client.FormatIETF, status: vitals.StatusPass, checks: "db=fail"},
		{name: "Spring, key twice", body: `{"status":"DOWN","status":"UP"}`,
			format: client.FormatSpring, status: vitals.StatusFail},
		{name: "Spring, component twice", body: `{"status":"UP","components":{"db":{"status":"DOWN"},"db":{"status":"UP"}}}`,
			format: client.FormatSpring, status: vitals.StatusPass, checks: "db=fail"},
		{name: "Spring, components twice", body: `{"status":"UP","components":{"db":{"status":"DOWN"}},"components":{"db":{"status":"UP"}}}`,
			format: client.FormatSpring, status: vitals.StatusPass, checks: "db=fail"},
		{name: "Spring, nested component twice", body: `{"status":"UP","components":{"db":{"status":"UP","components":{"a":{"status":"OUT_OF_SERVICE"},"a":{"status":"UP"}}}}}`,
			format: client.FormatSpring, status: vitals.StatusPass, checks: "db=pass db/a=fail"},
		{name: "CHORUS, live twice", body: `{"live":false,"live":true}`,
			format: client.FormatChorus, status: vitals.StatusFail},
		{name: "CHORUS, live in capitals", body: `{"live":false,"LIVE":true}`,
			format: client.FormatChorus, status: vitals.StatusFail},
		{name: "CHORUS, healthy in another case", body: `{"status":"healthy","checks":{"db":{"healthy":false,"Healthy":true}}}`,
			format: client.FormatChorus, status: vitals.StatusPass, checks: "db=fail"},
		{name: "CHORUS, check healthy twice", body: `{"checks":{"db":{"healthy":false,"healthy":true}},"total":1}`,
			format: client.FormatChorus, status: vitals.StatusFail, checks: "db=fail"},
		{name: "CHORUS, check named twice", body: `{"checks":{"db":{"healthy":false},"db":{"healthy":true}},"total":2}`,
			format: client.FormatChorus, status: vitals.StatusFail, checks: "db=fail"},
		{name: "regiocom, alive in capitals", body: `{"alive":false,"ALIVE":true}`,
			format: client.FormatRegiocom, status: vitals.StatusFail},
		{name: "regiocom, ready twice", body: `{"ready":false,"ready":true}`,
			format: client.FormatRegiocom, status: vitals.StatusFail},
		{name: "Axway, key in capitals", body: `{"result":"FAIL","RESULT":"OK"}`,
			format: client.FormatAxway, status: vitals.StatusFail},
		{name: "Axway, status twice", body: `{"status":"FAIL","status":"OK","statusChecks":{}}`,
			format: client.FormatAxway, status: vitals.StatusFail},
		{name: "Axway, check named twice", body: `{"status":"OK","statusChecks":{"db":{"status":{"result":"FAIL"}},"db":{"status":{"result":"OK"}}}}`,
			format: client.FormatAxway, status: vitals.StatusPass, checks: "db=fail"},
		{name: "Axway, check result in capitals", body: `{"status":"OK","statusChecks":{"db":{"status":{"result":"FAIL","Result":"OK"}}}}`,
			format: client.FormatAxway, status: vitals.StatusPass, checks: "db=fail"},
		{name: "tabby, key in another case", body: `{"status":"unhealthy","Status":"healthy","issues":[]}`,
			format: client.FormatTabby, status: vitals.StatusFail},
		{name: "tabby, key twice", body: `{"status":"unhealthy","status":"ok"}`,
			format: client.FormatTabby, status: vitals.StatusFail},
		{name: "KiviGo, key in another case", body: `{"status":"fail","Status":"pass","backend":"redis"}`,
			format: client.FormatKiviGo, status: vitals.StatusFail, checks: "redis=fail"},
		{name: "KiviGo, key twice", body: `{"status":"fail","status":"pass","backend":"redis"}`,
			format: client.FormatKiviGo, status: vitals.StatusFail, checks: "redis=fail"},
		{name: "Kubernetes, check named twice", ct: "text/plain", body: "[-]db failed: reason withheld\n[+]db ok\n[+]cache ok\nreadyz check passed\n",
			format: client.FormatKubernetes, status: vitals.StatusWarn, checks: "cache=pass db=fail"},
		{name: "Kubernetes, two verdicts", ct: "text/plain", body: "[+]db ok\nreadyz check failed\nreadyz check passed\n",
			format: client.FormatKubernetes, status: vitals.StatusFail, checks: "db=pass"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := tt.ct
			if ct == "" {
				ct = "application/json"
			}
			r, err := client.Parse(200, ct, []byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			var checks []string
			for _, c := range r.Checks {
				checks = append(checks, fmt.Sprintf("%s=%s", c.Name, c.Status))
			}
			got := strings.Join(checks, " ")
			if r.Format != tt.format || r.Status != tt.status || got != tt.checks {
				t.Errorf("read as %s %s, checks %q; want %s %s, checks %q", r.Format, r.Status, got, tt.format, tt.status, tt.checks)
			}
		})
	}
}

// A check named twice keeps the message of its worse answer; two answers
// alike keep both messages.
func TestParseCheckNamedTwiceMessages(t *testing.T) {
	r, err := client.Parse(200, "application/json",
		[]byte(`{"status":"pass","checks":{"db":{"status":"pass","message":"fine"},"db":{"status":"fail","message":"refused"},"q":{"status":"warn","message":"a"},"q":{"status":"warn","message":"b"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []client.Check{{Name: "db", Status: vitals.StatusFail, Message: "refused"}, {Name: "q", Status: vitals.StatusWarn, Message: "a; b"}}
	if fmt.Sprint(r.Checks) != fmt.Sprint(want) {
		t.Errorf("checks = %+v, want %+v", r.Checks, want)
	}
}
