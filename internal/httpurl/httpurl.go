// Package httpurl checks the URL of an HTTP endpoint that vitals reads, and
// keeps its secrets out of errors: the client, the remote checker and the
// HTTP checker all take a URL from configuration that may carry a password.
package httpurl

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/vitalsgo/vitals/redact"
)

// Parse parses rawURL, which must be an http or https URL with a host.
// shown is rawURL with its password redacted, for reports and errors. An
// error starts with prefix (the package speaking, e.g. "client") and names
// the URL only as shown.
func Parse(prefix, rawURL string) (u *url.URL, shown string, err error) {
	shown = redact.URL(rawURL)
	u, err = url.Parse(rawURL)
	switch {
	case err != nil:
		return nil, shown, fmt.Errorf("%s: invalid URL %q: %s", prefix, shown, Cause(err))
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, shown, fmt.Errorf("%s: URL %q: scheme must be http or https", prefix, shown)
	case u.Host == "":
		return nil, shown, fmt.Errorf("%s: URL %q has no host", prefix, shown)
	}
	return u, shown, nil
}

// Cause is the message of err, secrets redacted, without the URL that a
// *url.Error (from url.Parse or http.Client.Do) quotes in full, password
// and all. The caller names the URL itself, redacted.
func Cause(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return redact.String(err.Error())
}
