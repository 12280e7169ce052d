package tlscheck_test

import (
	"time"

	"github.com/vitalsgo/vitals"
	tlscheck "github.com/vitalsgo/vitals/checks/tls"
)

func ExampleNew() {
	c, err := tlscheck.New("api.example.com:443", &tlscheck.Options{WarnDays: 21})
	if err != nil {
		panic(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	// A certificate changes slowly: check it hourly, and let a failure
	// degrade the service rather than take it out of rotation.
	m.Add("api-cert", c, vitals.Interval(time.Hour), vitals.Timeout(5*time.Second), vitals.Critical(false))
	m.Start()
}
