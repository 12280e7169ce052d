package dns_test

import (
	"context"
	"fmt"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/dns"
)

func ExampleNew() {
	c, err := dns.New("localhost", &dns.Options{Network: "ip4", Expect: []string{"127.0.0.1"}})
	if err != nil {
		panic(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	m.Add("dns", c, vitals.Timeout(2*time.Second))

	snap, _ := m.RunOnce(context.Background())
	st, _ := snap.Check("dns")
	fmt.Println(st.Status)
	// Output: pass
}
