// Package remote checks another service through its health endpoint, as a
// dependency of this one. A GET of the endpoint's URL is read as package
// client reads it, in any health format it knows (vitals, IETF
// health+json, Kubernetes, Spring Boot, CHORUS, Axway, TabbyAPI, …): the
// check's status is the remote status, so a 200 whose body says "DOWN" or
// "unhealthy" fails; a body without a status (plain text, HTML) passes on
// any 2xx. 401, 404 and other answers that never reached a health check
// fail, as does a body that claims JSON and is not.
//
// Details hold the status code, the response time, the remote status and
// format, its failing sub-checks and issues, and a short excerpt of the
// body with secrets redacted, so a status page shows why the other service
// thinks it is unhealthy; the observed value is the number of failing
// sub-checks and issues. At most [Options.MaxBodyBytes] of the body are
// read.
//
//	c, err := remote.New("http://billing.internal:8080/readyz", nil)
//	if err != nil { … }
//	m.Add("billing", c, vitals.Timeout(2*time.Second), vitals.Critical(false))
//
// [Options.Expect] adds conditions of the caller's own, judged on each
// [Response] whose remote status is pass or warn: its code, header, body,
// latency, certificate expiry and the remote status. To check an endpoint
// that is no health endpoint, use package httpcheck (checks/http).
package remote
