// Package access decides what a request to `vitals serve` may see: the
// pages, badges and API at all (public unless the configuration's auth
// block makes them private), and the details of results (messages,
// sub-check output), which only an authorised caller reads unless the
// configuration makes them public, as in package vitalshttp.
package access
