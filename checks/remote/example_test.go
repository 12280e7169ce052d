package remote_test

import (
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/remote"
)

func ExampleNew() {
	c, err := remote.New("http://billing.internal:8080/readyz", nil)
	if err != nil {
		panic(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	// Billing being down degrades this service but does not take it out.
	m.Add("billing", c, vitals.Timeout(2*time.Second), vitals.Critical(false), vitals.Interval(10*time.Second))
	m.Start()
}
