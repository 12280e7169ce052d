// Package procstat samples a process's CPU time, resident memory and thread
// count from Linux's /proc, so that a benchmark measures a server process
// from the outside, the way an operator sees it.
//
// # Sampling
//
// [Read] takes one [Sample]; [CPUPercent] turns two samples into the share
// of one core used between them. [ParseStat] and [ParseStatus] are the
// parsers of /proc/PID/stat and /proc/PID/status.
package procstat
