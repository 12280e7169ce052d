// Package notify delivers the monitor's alerts to receivers: a generic
// webhook, Slack, Microsoft Teams, PagerDuty, Opsgenie, ntfy, email and
// Alertmanager. [New] builds the [Channel] a [Config] describes; the
// alert dispatcher groups alerts into a [Message] and calls
// [Channel.Send], retrying what fails unless it wraps [ErrPermanent].
//
// # Delivery
//
// Each HTTP channel sends one delivery within Config.Timeout (default
// [DefaultTimeout]), however many requests it takes. It reads at most
// 4 KiB of an answer. A 2xx answer is success; 408, 429 and 5xx, a refused
// connection and a timeout are errors to retry; any other status (a 3xx
// too: redirects are not followed, so a body cannot be carried to a host
// the configuration did not name) wraps [ErrPermanent]. Retry-After is
// not read: the dispatcher owns retries.
//
// Errors and log lines name the channel by type and name and never quote a
// secret: not the webhook, Slack, Teams or ntfy URL (their path and query
// hold the token), not a webhook's secret or extra header values, not a
// routing key, API key or token. An error quotes the first 200 bytes of an
// error answer with those removed, in every form a server might echo them
// (as sent, URL-escaped, base64, hex).
//
// # Webhook
//
// The webhook POSTs JSON to its URL with the headers
//
//	Content-Type: application/json
//	Idempotency-Key: <Message.Key, the same on every retry>
//	X-Vitals-Signature: sha256=<hex HMAC-SHA256 of the body, keyed with the secret>
//
// the signature only when a secret is configured, plus the configured
// headers (which may replace Content-Type, not the other two). A receiver
// checks the signature with [VerifySignature] over the exact bytes it
// read.
//
// The default body is version "1" ([WebhookVersion]) of this schema:
//
//	{
//	  "version": "1",
//	  "key": "…",                 // Message.Key
//	  "channel": "ops",           // the channel's name
//	  "status": "firing",         // "firing" if any alert is not resolved, else "resolved"
//	  "alerts": [{
//	    "kind": "firing",         // "firing", "reminder" or "resolved"
//	    "incident": "api/1",      // the same in all news of one incident
//	    "dedup_key": "api/1:ops:firing",
//	    "target": "api",
//	    "group": "payments",
//	    "severity": "critical",   // "critical", "warning" or "info"
//	    "message": "…",
//	    "since": "2026-12-06T04:53:00Z", // RFC 3339, UTC: the incident opened
//	    "at": "2026-12-06T05:00:00Z",    // this news happened
//	    "reminder": 2,            // reminders only
//	    "url": "https://…"        // the target's page
//	  }]
//	}
//
// Empty fields are left out. Within a version, fields may be added, never
// removed, renamed or retyped.
//
// With Config.Template, the body is instead the output of that Go
// text/template, executed with a [TemplateData]: .Key, .Alerts (each an
// [Alert]), .Channel, .Status and .Version, and the functions json (a
// value's JSON encoding, which keeps the output valid JSON) and rfc3339.
// For example:
//
//	{"text": {{json (printf "%s: %d alerts" .Status (len .Alerts))}}}
//
// [New] parses the template and reports a syntax error with its line. A
// template that fails when executed (an index out of range, an output
// over 1 MiB) does not lose the alert: the default body is sent, and one
// line is logged to Options.Logger.
//
// # Slack
//
// An incoming webhook's JSON: "text", the one-line summary Slack shows in
// notifications, and "blocks": a header block and one mrkdwn section per
// alert (label, target, severity, group, message, times, a link to the
// target's page), at most 45 alerts and the rest counted. Text from checks
// is escaped (&, <, >), so a message cannot mention a channel.
//
// # Teams
//
// A Workflows webhook message holding one Adaptive Card 1.4: a title
// TextBlock, then per alert a Container of TextBlocks, a FactSet
// (severity, group, incident, since, at) and an Action.OpenUrl to the
// target's page; at most 20 alerts.
//
// # PagerDuty
//
// One Events API v2 event per alert, POSTed to {url}/v2/enqueue (url
// defaults to https://events.pagerduty.com): event_action "trigger" for
// firing and reminder news, "resolve" for resolved, dedup_key the
// incident; a trigger's payload has summary, source (the target),
// severity (critical, error, warning or info), timestamp, group, class
// and custom_details.
//
// # Opsgenie
//
// Alert API v2 at url (default https://api.opsgenie.com) with
// Authorization: GenieKey <api_key>: firing and reminder news create an
// alert with alias = the incident (Opsgenie de-duplicates a reminder into
// the open alert, raising its count); resolved news close it with
// POST /v2/alerts/{alias}/close?identifierType=alias. Priority follows
// severity: critical P1, warning P3, info P5.
//
// # ntfy
//
// A POST to the topic URL with a plain-text body (each alert's headline,
// times and page) and the headers X-Title, X-Priority (critical 5,
// warning 4, info 3; 3 when all are resolved), X-Tags (a status emoji and
// "vitals"), X-Click (the first alert's page), and Authorization: Bearer
// <token> when a token is configured.
//
// The email and Alertmanager channels are documented in their own files.
package notify
