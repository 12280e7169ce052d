// Package tests holds tests that cross the surfaces of vitals: one monitor
// watched at once through gRPC health (vitalsgrpc), Prometheus (vitalsprom),
// OpenTelemetry (vitalsotel) and slog (vitals.LogTransitions), each checked
// against the monitor's own transitions (vitals.Monitor.Subscribe); the
// HTTP probes (vitalshttp) are read alongside. Prometheus and OpenTelemetry
// are also read side by side on one monitor, series by series, to show
// that they report the same measurements under their own names.
//
// It is a module of its own so that the core and each surface keep only the
// dependencies they need; it has no code besides its tests.
package tests
