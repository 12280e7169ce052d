package httpcheck_test

import (
	"time"

	"github.com/vitalsgo/vitals"
	httpcheck "github.com/vitalsgo/vitals/checks/http"
)

func ExampleNew() {
	c, err := httpcheck.New("https://api.internal/actuator/health", &httpcheck.Options{
		JSONPath:        "status",
		JSONValue:       "UP",
		MaxResponseTime: 500 * time.Millisecond,
	})
	if err != nil {
		panic(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	m.Add("api", c, vitals.Timeout(2*time.Second), vitals.Interval(15*time.Second))
	m.Start()
}
