package tlscheck_test

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/vitalsgo/vitals"
	tlscheck "github.com/vitalsgo/vitals/checks/tls"
)

func ExampleNew() {
	// An HTTPS server with a certificate of its own, for the example.
	api := httptest.NewTLSServer(http.NotFoundHandler())
	defer api.Close()
	roots := x509.NewCertPool()
	roots.AddCert(api.Certificate())

	c, err := tlscheck.New(api.Listener.Addr().String(), &tlscheck.Options{WarnDays: 21, RootCAs: roots})
	if err != nil {
		panic(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	// A certificate changes slowly: check it hourly, and let a failure
	// degrade the service rather than take it out of rotation.
	m.Add("api-cert", c, vitals.Interval(time.Hour), vitals.Timeout(5*time.Second), vitals.Critical(false))

	r := c.Check(context.Background())
	fmt.Println(r.Status, r.Unit)
	// Output: pass days
}
