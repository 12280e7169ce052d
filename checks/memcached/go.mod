module github.com/vitalsgo/vitals/checks/memcached

go 1.26

require (
	github.com/bradfitz/gomemcache v0.0.0-20260422231931-4d751bb6e37c
	github.com/vitalsgo/vitals v0.0.0-00010101000000-000000000000
	go.uber.org/goleak v1.3.0
)

replace github.com/vitalsgo/vitals => ../..
