module github.com/vitalsgo/vitals/checks/mysql

go 1.26.0

replace github.com/vitalsgo/vitals => ../..

require (
	github.com/go-sql-driver/mysql v1.10.1
	github.com/vitalsgo/vitals v0.0.0-00010101000000-000000000000
	go.uber.org/goleak v1.3.0
)

require filippo.io/edwards25519 v1.2.0 // indirect
