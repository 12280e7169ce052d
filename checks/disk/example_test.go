package disk_test

import (
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/disk"
)

func ExampleNew() {
	c, err := disk.New("/var/lib/app", &disk.Options{WarnFreePercent: 15, FailFreeBytes: 1 << 30})
	if err != nil {
		panic(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	m.Add("disk", c, vitals.Interval(time.Minute), vitals.Timeout(5*time.Second))
	m.Start()
}

func ExampleWritable() {
	w, err := disk.Writable("/var/lib/app")
	if err != nil {
		panic(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	m.Add("data-writable", w, vitals.Interval(30*time.Second), vitals.Timeout(5*time.Second))
	m.Start()
}
