// Package remote checks another service through its health endpoint, as a
// dependency of this one: a GET of the endpoint's URL passes on any 2xx
// status and fails on anything else, or when the request fails.
//
// Details hold the status code, the response time and a short excerpt of
// the body with secrets redacted, so a status page shows why the other
// service thinks it is unhealthy. At most [Options.MaxBodyBytes] of the
// body are read.
//
//	c, err := remote.New("http://billing.internal:8080/readyz", nil)
//	if err != nil { … }
//	m.Add("billing", c, vitals.Timeout(2*time.Second), vitals.Critical(false))
//
// This checker reads only the status code. To check a body's content, use
// package httpcheck (checks/http).
package remote
