package memory_test

import (
	"context"
	"fmt"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/memory"
)

func ExampleNew() {
	c, err := memory.New(&memory.Options{WarnPercent: 75, FailPercent: 90, FailHeapBytes: 2 << 30})
	if err != nil {
		panic(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	m.Add("memory", c, vitals.Groups(vitals.Liveness), vitals.Interval(15*time.Second))

	// The status depends on the machine; what is measured does not.
	r := c.Check(context.Background())
	fmt.Println(r.Unit)
	// Output: bytes
}
