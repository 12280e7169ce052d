// Package libs builds the same health endpoint with vitals and with each
// peer library the benchmarks compare it with, so that every scenario runs
// the same checks through each library's own idiomatic API.
//
// # Libraries
//
//   - vitals: periodic checks on one scheduler goroutine and a worker pool, or
//     on-demand checks cached for a TTL; the probe serves a cached body
//     (vitalshttp, details public).
//   - alexliesenfeld: github.com/alexliesenfeld/health. Periodic checks
//     (WithPeriodicCheck, one goroutine each) or synchronous ones cached for a
//     TTL (WithCheck, WithCacheDuration).
//   - hellofresh: github.com/hellofresh/health-go/v5. Every probe runs every
//     check; there is no periodic mode and no cache.
//   - sundheit: github.com/AppsFlyer/go-sundheit. Periodic checks only, one
//     goroutine and ticker each.
//   - bare: no library; a net/http handler writing a fixed body: Spec.Body,
//     which the driver sets to vitals' answer, or else [BareBody]. It is the
//     ceiling a probe can reach on the same machine.
//
// A combination a library cannot express makes [New] return
// [ErrUnsupported]; the reports say so instead of substituting something else.
package libs
