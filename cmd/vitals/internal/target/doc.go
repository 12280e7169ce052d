// Package target probes one health target named by a URL — http(s)://,
// grpc(s):// or tcp:// — for the probe and wait commands.
//
// # Schemes
//
//   - http://, https://: a GET of the URL, read by package client in any
//     health format it knows; healthy when the report's status is pass or
//     warn.
//   - grpc://host:port[/service]: grpc.health.v1 Check over plaintext
//     HTTP/2; grpcs:// over TLS. Healthy when the answer is SERVING.
//   - tcp://host:port: healthy when a connection is accepted. It says
//     nothing about what answers on the port.
//
// Every text a Target produces passes through redact.String: URL passwords,
// tokens and header values never reach an output.
package target
