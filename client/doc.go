// Package client reads the health endpoint of another service, whatever
// library serves it, into one [Report]: the overall status as a
// [vitals.Status], the status of each check, the issues reported, the HTTP
// code, the raw body and the format it came in.
//
//	c, err := client.New("http://users:8080/readyz", nil)
//	if err != nil { … }
//	r, err := c.Check(ctx)
//	if err != nil { … }  // no health answer at all
//	fmt.Println(r.Status, r.Checks)
//
// An unhealthy service is a Report with a failing Status, not an error.
//
// # Formats
//
// [Parse] chooses the format by Content-Type and by the shape of the body
// (see [Format]):
//
//   - vitals JSON, as served by package vitalshttp ({"status":"pass","checks":{…}})
//   - IETF application/health+json (draft-inadarei-api-health-check)
//   - Kubernetes text: "ok", and the ?verbose lines "[+]db ok", "[-]db failed: …"
//   - Spring Boot actuator ({"status":"UP","components":{…}}, nested components as "a/b")
//   - CHORUS health manager (/health, /health/ready, /health/live, /health/checks)
//   - regiocom healthchecker ({"alive":true}, {"ready":false,"reasons":[…]})
//   - Axway agent-sdk ({"result":"OK"} and its /status document)
//   - go-tabbyapi and TabbyAPI ({"status":"ok"|"unhealthy","issues":[{"time","description"}]})
//   - KiviGo per-backend health ({"status","backend","error"})
//   - anything else: the status comes from the code, Pass for 2xx and Fail for 5xx
//
// A status in the body wins over the code, except that a 5xx is Fail
// whatever the body says, as it is to a load balancer. Every status word
// of these vocabularies maps to a [vitals.Status] through the one table
// vitalshttp and vitalsgrpc write them with, case-insensitively, as do Elasticsearch's green, yellow and red. A check
// is named as the endpoint names it; an IETF key "db:responseTime" is the
// check "db", and nested Spring components are "parent/child".
//
// JSON keys match exactly ("STATUS" is not "status"), and a body that says
// two things is read as the worse: a status key given twice, a check named
// twice, a "check passed" and a "check failed" line. {"status":"fail",
// "status":"pass"} is Fail.
//
// # Errors
//
// [Client.Check] returns a [*RequestError] when no answer came (it wraps the
// transport's error, so errors.Is(err, context.DeadlineExceeded) works), an
// [*APIError] for an answer that is no health report (a 401, a 404 page),
// and a [*ParseError] for a body that claims a format it does not follow,
// or that exceeds [Options.MaxBodyBytes] (1 MiB by default; the rest is
// never read). Error texts never contain the URL's password or a token:
// URLs and bodies are passed through [redact.URL] and [redact.String],
// and the credentials the Client sends (the URL's user info, the bearer
// token, headers named like secrets, cookie values) are removed from
// everything it reports, raw, in base64 or percent-encoded.
//
// # Waiting and watching
//
// [Client.WaitHealthy] polls with exponential backoff and jitter until the
// endpoint is healthy or ctx ends: a dependency gate for a service's start,
// an init container or a test. [Client.Watch] polls at an interval and
// delivers an [Update] for each change of state until ctx ends.
//
// # Options
//
// [Options] set extra headers, a bearer token (vitals endpoints show
// messages only to authorised callers), a TLS configuration or an
// [http.Client] of the caller's, a per-request timeout and the body cap.
package client
