package tcp_test

import (
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/tcp"
)

func ExampleNew() {
	c, err := tcp.New("db.internal:5432", &tcp.Options{WarnAfter: 100 * time.Millisecond})
	if err != nil {
		panic(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	m.Add("db-port", c, vitals.Timeout(2*time.Second), vitals.Interval(10*time.Second))
	m.Start()
}
