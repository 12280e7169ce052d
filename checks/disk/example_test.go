package disk_test

import (
	"context"
	"fmt"
	"os"

	"github.com/vitalsgo/vitals/checks/disk"
)

func ExampleNew() {
	// In a service: the data directory, with margins that leave time to act.
	c, err := disk.New(os.TempDir(), &disk.Options{WarnFreePercent: 1, FailFreeBytes: 1 << 20})
	if err != nil {
		panic(err)
	}
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
