// Package checkers builds the vitals.Checker a configured check describes,
// for every type package config knows: the stdlib checkers of the core
// module, the gRPC checker, and one checker per third-party driver module.
//
// A checker built here owns what it opens (a pool, a client, a connection):
// call the release function Build returns when the checker is no longer
// used. Connections are opened lazily, by the first check, so a dependency
// that is down when the configuration is loaded is a failing check, not an
// error.
package checkers
