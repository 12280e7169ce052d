// Package expect is the condition language of `vitals serve` targets: the
// lines of a target's expect: list, each of which must hold for a
// response to pass.
//
//	expect:
//	  - code == 200
//	  - latency < 300ms
//	  - body.status == "UP"
//	  - cert_expiry > 14d
//	  - header.Content-Type contains "json"
//	  - status != fail
//
// [Parse] reads and type-checks one condition, [ParseList] a target's
// list; [Expr.Eval] and [List.Eval] judge an [Input], one response.
//
// # Grammar
//
// A condition is a field, an operator and a value, with optional blanks
// between them:
//
//	condition = field op value
//	field     = "code" | "latency" | "size" | "status" | "cert_expiry"
//	          | "body" | "body" ( "." key )+ | "header." name
//	key       = bare-key | string
//	op        = "==" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "matches"
//	value     = integer | float | string | duration | size | word
//	word      = "pass" | "warn" | "fail" | "true" | "false" | "null"
//
// A string is double-quoted with Go's escapes ("a\"b", "\u00e9") or
// back-quoted and raw (`\d+`). A bare-key is any bytes but blanks, '.',
// quotes and =!<>~; a key with those is quoted: body."a.b". A header name
// is a token of RFC 9110 without '!' ("Content-Type", "X-Request-Id"),
// matched in any case. Numbers are decimal: 200, -1, 0.5, 1e3.
//
// A duration is Go's (time.ParseDuration) with d for 24 hours and w for 7
// days: 300ms, 1h30m, 14d, 2w, -1h. A size is a number and a unit: B, or
// KB MB GB TB PB (powers of 1000), or KiB MiB GiB TiB PiB (powers of 1024),
// in any case: 512B, 10KB, 1.5MiB. A bare 0 is also a zero duration or size.
//
// # Fields
//
//   - code: the HTTP status code; compared with an integer.
//   - latency: from sending the request until the body was read; compared
//     with a duration.
//   - size: the bytes of body read; compared with a size.
//   - status: the health status a health target reports, pass, warn or
//     fail (bare or quoted); only == and !=.
//   - cert_expiry: the time left until the NotAfter of the server's leaf
//     certificate, negative once it expired; compared with a duration. A
//     response without TLS fails every cert_expiry condition.
//   - body: the whole body, as text; == != contains matches with a string.
//   - body.<path>: a value of the body read as JSON, by object keys and
//     array indexes: body.status, body.checks.0.status. Its type is known
//     only from the body; see below.
//   - header.<Name>: a header's value, text; == != contains matches with a
//     string. Several fields of one name read as one value joined by ", ".
//     A response without the header fails every condition on it.
//
// matches takes a regular expression (RE2, package regexp), compiled by
// Parse; it matches anywhere unless anchored with ^ and $. contains is a
// substring test.
//
// # Types
//
// Conditions are typed when they are parsed: a value that cannot suit the
// field or the operator ("code < \"x\"", "latency > 200", "status < pass",
// "code contains 2") is a [SyntaxError] with the column and a suggestion,
// as is an unknown field, a bad regular expression or text after the value.
//
// A body.<path> value is typed when the condition is evaluated, as JSON
// gives it:
//
//   - a number compares with a number (== != < <= > >=), or with a size as
//     a number of bytes; a number has no unit, so it does not compare with
//     a duration;
//   - a string compares with a string (== !=, contains, matches), or with
//     a duration or a size when it reads as one ("uptime": "3h2m");
//   - true and false compare with true and false, null with null (== !=);
//   - contains on an array holds when an element equals the value.
//
// A value of another type fails the condition with a message saying so.
// A path that is not in the body, a body that is not one JSON document, a
// body that gives a key on the path twice ({"status":"DOWN","status":"UP"},
// which encoding/json would read as "UP") and a body cut at the checker's
// read limit all fail every body.<path> condition. The body is decoded at
// most once per [List.Eval], nested at most 1000 levels deep.
//
// # Messages
//
// A failed condition's error says what was expected and what was seen:
//
//	latency < 300ms: was 412ms
//	body.status == "UP": was "DOWN"
//	body.checks.3.status == "UP": body.checks.3: no such element (array of 1)
//	cert_expiry > 14d: was 9d2h
//	header.Content-Type contains "json": was "text/html; charset=utf-8"
//
// Values from the response go through redaction (package redact) and are
// cut to 80 bytes; the values of secret-looking headers and JSON keys are
// never shown. Durations are rounded as far as the comparison allows.
package expect
