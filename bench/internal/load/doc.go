// Package load drives probe traffic at a benchmark server from the outside.
//
// # Throughput
//
// [Wrk] runs the wrk load generator (the Debian package) and [ParseWrk]
// reads its report: requests per second, the latency distribution and the
// errors. wrk keeps its connections busy as fast as the server answers,
// which is what a probe-throughput comparison needs.
//
// # Latency and status
//
// The other scenarios need each request's latency and status code, at a
// rate the scenario sets: [Storm] fires a burst of concurrent probes at the
// start of every second, [Paced] spreads probes evenly over a time span.
// Both record into [Stats], which gives percentiles and a count per status.
package load
