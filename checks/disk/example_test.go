package disk_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/disk"
)

func ExampleNew() {
	// In a service: the data directory, with margins that leave time to act.
	c, err := disk.New(os.TempDir(), &disk.Options{WarnFreePercent: 1, FailFreeBytes: 1 << 20})
	if err != nil {
		panic(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	m.Add("disk", c, vitals.Interval(time.Minute), vitals.Timeout(5*time.Second))

	r := c.Check(context.Background())
	fmt.Println(r.Status, r.Unit)
	// Output: pass bytes
}

func ExampleWritable() {
	dir, err := os.MkdirTemp("", "writable-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	w, err := disk.Writable(dir)
	if err != nil {
		panic(err)
	}
	fmt.Println(w.Check(context.Background()).Status)
	// Output: pass
}
