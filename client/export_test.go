package client

import "time"

// Backoff exposes the default backoff with its random source replaced.
func Backoff(minD, maxD time.Duration, rnd func(int64) int64) func(n int) time.Duration {
	return newBackoff(minD, maxD, rnd).pause
}
