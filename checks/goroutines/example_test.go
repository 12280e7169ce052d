package goroutines_test

import (
	"context"
	"fmt"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/goroutines"
)

func ExampleNew() {
	c, err := goroutines.New(&goroutines.Options{Warn: 5000, Fail: 20000})
	if err != nil {
		panic(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	m.Add("goroutines", c, vitals.Groups(vitals.Liveness))

	snap, _ := m.RunOnce(context.Background())
	st, _ := snap.Check("goroutines")
	fmt.Println(st.Status)
	// Output: pass
}
