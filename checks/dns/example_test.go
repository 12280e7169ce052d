package dns_test

import (
	"context"
	"fmt"

	"github.com/vitalsgo/vitals/checks/dns"
)

func ExampleNew() {
	c, err := dns.New("localhost", &dns.Options{Network: "ip4", Expect: []string{"127.0.0.1"}})
	if err != nil {
		panic(err)
	}
	r := c.Check(context.Background())
	fmt.Println(r.Status)
	// Output: pass
}
