// Package vitalsprom exports a [vitals.Monitor] as Prometheus metrics.
//
// A [Collector] reads the monitor's current snapshot at each scrape and
// never runs a check: scraping /metrics every second costs an atomic load
// and the encoding, never a query to a dependency, and an on-demand check
// is not run by a scrape either. Run durations come from
// [vitals.Monitor.Observe], which the monitor calls as it records each
// result.
//
//	c := vitalsprom.New(m, nil)
//	defer c.Close()
//	prometheus.MustRegister(c)
//	http.Handle("/metrics", promhttp.Handler())
//
// # Metrics
//
// With the default namespace "vitals":
//
//	vitals_check_status{check,status}                   gauge, state set: unknown pass warn fail
//	vitals_check_enabled{check}                         gauge, 1 or 0
//	vitals_check_duration_seconds{check}                histogram of run durations
//	vitals_check_runs_total{check,result}               counter, result pass warn fail
//	vitals_check_timeouts_total{check}                  counter, runs abandoned at the timeout
//	vitals_check_consecutive_failures{check}            gauge
//	vitals_check_last_success_timestamp_seconds{check}  gauge, unix seconds; absent before the first success
//	vitals_status{group,status}                         gauge, state set: pass warn fail starting stopping
//
// A state set has one series per status word; the current one is 1, the
// others 0 (the kube-state-metrics convention), so rules name statuses
// instead of numbers and a status change is a change of value, not a new
// series:
//
//	vitals_check_status{status="fail"} == 1
//	vitals_status{group="readiness",status="pass"} == 0
//
// vitals_status has one group per readiness, liveness, startup and custom
// group, and group="all" for the whole service ([Options.OverallGroup]).
// Failed runs include timeouts and panics; vitals_check_timeouts_total
// counts the timeouts apart. A disabled check keeps its last status and
// counters but counts in no group; vitals_check_enabled tells it apart.
//
// # Freshness
//
// Statuses are always current: the monitor publishes a snapshot before the
// next read whenever a status changes. Counters come from the newest of the
// snapshot and the last observed result, so they agree with the duration
// histogram; the histogram counts the runs since [New] was called, the
// counters since the check was added. A check removed from the monitor
// leaves the output at the next scrape.
//
// A scrape rebuilds only what changed: a check's series are kept with the
// immutable states they were built from and sent again while neither has
// been replaced, and the groups' series are cached in the snapshot.
//
// # Alerts
//
// examples/prometheus/alerts.yml in the repository has ready rules: a check
// failing for five minutes, readiness degraded or failing, and checks
// timing out. This package's tests load them with promtool, run their unit
// tests (alerts_test.yml, promtool test rules) and check that every metric
// and label they use is in the golden exposition.
//
// # OpenTelemetry
//
// Package vitalsotel reports the same measurements through the
// OpenTelemetry metrics API.
package vitalsprom
