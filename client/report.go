package client

import (
	"slices"
	"strings"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/redact"
)

// Format names the shape a health body was read as.
type Format string

// Formats the client reads.
const (
	FormatVitals     Format = "vitals"     // vitals JSON ({"status":"pass","checks":{…}})
	FormatIETF       Format = "ietf"       // application/health+json (draft-inadarei-api-health-check), and any other {"status":word}
	FormatKubernetes Format = "kubernetes" // "ok", or ?verbose lines "[+]name ok"
	FormatSpring     Format = "spring"     // Spring Boot actuator ({"status":"UP","components":{…}})
	FormatChorus     Format = "chorus"     // CHORUS health manager (/health, /health/ready, /health/live, /health/checks)
	FormatRegiocom   Format = "regiocom"   // regiocom healthchecker ({"alive"}, {"ready","reasons"})
	FormatAxway      Format = "axway"      // Axway agent-sdk ({"result":"OK"} and the /status document)
	FormatTabby      Format = "tabby"      // go-tabbyapi / TabbyAPI ({"status":"ok","issues":[…]})
	FormatKiviGo     Format = "kivigo"     // KiviGo backend health ({"status","backend","error"})
	FormatBare       Format = "bare"       // any other body: the status comes from the HTTP code
)

// Report is one answer of a health endpoint, read into one shape whatever
// format it came in.
type Report struct {
	URL         string        // the request URL, secrets redacted
	Status      vitals.Status // the overall status
	Message     string        // the endpoint's own summary, if it gave one, secrets redacted
	Checks      []Check       // per-check statuses, sorted by name
	Issues      []Issue       // reported issues (TabbyAPI), in the order received
	Code        int           // the HTTP status code
	ContentType string        // the Content-Type header
	Format      Format        // the format the body was read as
	// Body is the start of the body as received, at most
	// [Options.MaxBodyBytes]. It is not redacted by shape: it is what the
	// endpoint sends to anyone who asks. Only the credentials the Client
	// sent are removed, should the endpoint echo them. Print Message,
	// Checks and Issues instead where secrets must not appear.
	Body      []byte
	Truncated bool          // the body was longer than Body
	Duration  time.Duration // from sending the request to reading the body
	Time      time.Time     // when the body was read
}

// Check is the status of one check in a [Report].
type Check struct {
	Name    string        `json:"name"`              // as the endpoint gives it; an IETF key "db:responseTime" gives "db", a nested Spring component "a/b"
	Status  vitals.Status `json:"status"`            // its status
	Message string        `json:"message,omitempty"` // its message or error, if the endpoint shows one, secrets redacted
}

// Issue is a problem an endpoint reports with the time it happened, as
// TabbyAPI does.
type Issue struct {
	Time        time.Time // zero when the endpoint gave no time or one that does not parse
	Description string    // secrets redacted
}

// OK reports whether the endpoint lets traffic through: its status is
// Pass or Warn.
func (r *Report) OK() bool { return r != nil && r.Status.OK() }

// Check returns the check named name.
func (r *Report) Check(name string) (Check, bool) {
	i, ok := slices.BinarySearchFunc(r.Checks, name, func(c Check, n string) int { return strings.Compare(c.Name, n) })
	if !ok {
		return Check{}, false
	}
	return r.Checks[i], true
}

// String summarises r on one line for people: the status, the endpoint's
// message, the checks that are not passing and the issues, e.g.
// "fail (db fail: connection refused)".
func (r *Report) String() string {
	var b strings.Builder
	b.WriteString(r.Status.String())
	if r.Message != "" {
		b.WriteString(": " + oneLine(r.Message))
	}
	var bad []string
	for _, c := range r.Checks {
		if c.Status != vitals.StatusPass {
			s := c.Name + " " + c.Status.String()
			if c.Message != "" {
				s += ": " + oneLine(c.Message)
			}
			bad = append(bad, s)
		}
	}
	for _, is := range r.Issues {
		bad = append(bad, oneLine(is.Description))
	}
	if len(bad) > 0 {
		b.WriteString(" (" + strings.Join(bad, "; ") + ")")
	}
	// Messages are redacted already; check names are not, being keys.
	return redact.String(b.String())
}

// sameState reports whether two reports differ in nothing [Client.Watch]
// reports: status, code, format and each check's name and status. Messages
// are left out because they often carry timings that change every poll.
func sameState(a, b *Report) bool {
	if a.Status != b.Status || a.Code != b.Code || a.Format != b.Format || len(a.Checks) != len(b.Checks) {
		return false
	}
	for i := range a.Checks {
		if a.Checks[i].Name != b.Checks[i].Name || a.Checks[i].Status != b.Checks[i].Status {
			return false
		}
	}
	return true
}

// severity orders statuses for "the worst of": Pass < Warn < Unknown <
// Starting < Stopping < Fail.
func severity(s vitals.Status) int {
	switch s {
	case vitals.StatusPass:
		return 0
	case vitals.StatusWarn:
		return 1
	case vitals.StatusUnknown:
		return 2
	case vitals.StatusStarting:
		return 3
	case vitals.StatusStopping:
		return 4
	}
	return 5
}

func worst(a, b vitals.Status) vitals.Status {
	if severity(b) > severity(a) {
		return b
	}
	return a
}

// oneLine folds whitespace so a message fits on one line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
