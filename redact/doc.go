// Package redact removes secrets from text, URLs, errors and structured
// values before they are shown: in a health check's message, a log line, an
// HTTP body or a metric label.
//
// [String] is the base: it finds passwords in URLs and DSNs, secret
// key/value pairs, Authorization and Cookie headers, bearer tokens, JSON Web
// Tokens, PEM private keys and well-known providers' tokens in free text,
// and puts [Marker] in their place. [URL] reads a URL's structure as well,
// [Details] and [Value] walk maps, slices and structs, and [Error] redacts
// an error's text while keeping its chain for [errors.Is] and [errors.As].
//
// Every function is idempotent, works on any input (including invalid
// UTF-8) and returns its input unchanged, without allocating, when it finds
// no secret.
//
// The vitals monitor applies these to every check result before anything
// else sees it, so a checker does not have to; a checker uses [Error] for
// the errors it returns from its constructors, which reach the application
// without passing through the monitor.
package redact
