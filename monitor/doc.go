// Package monitor is `vitals serve`: it watches the targets of a
// configuration file (package config) with the core vitals monitor, keeps
// their history in a store (package store, SQLite or PostgreSQL), and
// serves a live status page (package web), a JSON API and badges (package
// api), Prometheus metrics and its own /livez and /readyz.
//
//	cfg, err := config.Load("vitals.yaml")
//	if err != nil { … }
//	srv, err := monitor.New(ctx, cfg, &monitor.Options{Build: checkers.Build})
//	if err != nil { … }
//	err = srv.Run(ctx, nil) // listens on cfg.Listen until ctx ends: readiness stops, drains, flushes the store
//
// # Faults
//
// Probes never wait on the store: results go to a bounded queue written
// once a second (see store.Writer). While the store is down the checks go
// on, the monitor's /readyz fails, and nothing is lost until the queue
// bound (1,000,000 results: 2.7 hours of 1,000 targets every 10 s).
//
// # Alerts
//
// Targets whose rule names channels alert: package alert decides each
// incident once, in the store's transaction (a compare-and-set committed
// with its outbox rows), and delivers it at least once from the outbox
// through the channels of package notify. See docs/alerts.md.
//
// # Reload
//
// [Server.Reload] applies a new configuration without restarting the
// targets that did not change; an invalid file is refused, with its errors
// in the log, in the metric vitals_monitor_config_reload_failures_total and
// in a banner on the page, and the old configuration keeps running.
package monitor
