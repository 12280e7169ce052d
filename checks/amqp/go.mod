module github.com/vitalsgo/vitals/checks/amqp

go 1.26.0

require (
	github.com/rabbitmq/amqp091-go v1.16.0
	github.com/vitalsgo/vitals v0.0.0-00010101000000-000000000000
	go.uber.org/goleak v1.3.0
)

replace github.com/vitalsgo/vitals => ../..
