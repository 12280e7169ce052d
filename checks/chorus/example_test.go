package chorus_test

import (
	"fmt"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/chorus"
)

// CHORUS's health.CreateMemoryCheck(0.85), registered with its defaults.
func ExampleMemory() {
	m := vitals.New(nil)
	defer m.Close()
	if err := chorus.Memory(m, "memory", 0.85); err != nil {
		fmt.Println(err)
	}
	st, _ := m.Snapshot().Check("memory")
	fmt.Println(st.Interval, st.Timeout, st.Critical)
	// Output: 30s 5s false
}
