// Package vitalsotel reports a [vitals.Monitor] through the OpenTelemetry
// metrics API, with the measurements package vitalsprom exports to
// Prometheus.
//
//	x, err := vitalsotel.New(m, nil) // the global MeterProvider
//	if err != nil { … }
//	defer x.Close()
//
// Collecting never runs a check: the observable instruments read the
// monitor's current snapshot in their callback, an atomic load, and an
// on-demand check is not run by a collection either. Run durations are
// recorded through [vitals.Monitor.Observe] as the monitor records each
// result.
//
// # Instruments
//
// Names follow the OpenTelemetry semantic conventions: a vitals namespace,
// dot-separated, units in the unit field rather than the name (seconds for
// times, UCUM annotations in braces for counts), no _total on counters.
//
//	vitals.check.status                int64 gauge, "{status}": state set over vitals.status unknown pass warn fail
//	vitals.check.enabled               int64 gauge, "{check}": 1 or 0
//	vitals.check.duration              float64 histogram, "s"
//	vitals.check.runs                  int64 counter, "{run}", by vitals.check.result pass warn fail
//	vitals.check.timeouts              int64 counter, "{timeout}": runs abandoned at the timeout
//	vitals.check.consecutive_failures  int64 gauge, "{failure}"
//	vitals.check.last_success_time     float64 gauge, "s": Unix time; absent before the first success
//	vitals.group.status                int64 gauge, "{status}": state set over vitals.status pass warn fail starting stopping
//
// A check's data points carry [CheckKey] (vitals.check.name); a group's
// carry [GroupKey] (vitals.group.name), with "all" for the whole service
// ([Options.OverallGroup]). A state set has one data point per status word,
// 1 for the current one and 0 for the others, so queries and alerts name
// statuses instead of numbers. The state sets' units are annotations, not
// "1", which exporters to Prometheus would turn into a _ratio suffix; an
// exporter that follows the OpenTelemetry-to-Prometheus translation gives
// names close to vitalsprom's (vitals_check_duration_seconds,
// vitals_check_runs_total), with other label names.
//
// # Freshness and removed checks
//
// Statuses are always current. Counters come from the newest of the
// snapshot and the last observed result, so they agree with the histogram,
// which counts the runs since [New]; the counters count since the check was
// added. A removed check leaves the observable instruments at the next
// collection. Its histogram stream stays in the SDK under cumulative
// temporality (the metrics API cannot delete a stream); a reader with
// delta temporality drops it.
package vitalsotel
