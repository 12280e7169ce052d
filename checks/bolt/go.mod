module github.com/vitalsgo/vitals/checks/bolt

go 1.26

require (
	github.com/vitalsgo/vitals v0.0.0-00010101000000-000000000000
	go.etcd.io/bbolt v1.5.0
	go.uber.org/goleak v1.3.0
)

require golang.org/x/sys v0.45.0 // indirect

replace github.com/vitalsgo/vitals => ../..
