package target

import (
	"errors"
	"strings"
	"testing"
)

// FuzzNew parses arbitrary target URLs: New must not panic, must reject
// with a UsageError, and must never echo a password it was given.
func FuzzNew(f *testing.F) {
	for _, s := range []string{
		"http://127.0.0.1:8080/readyz", "https://u:pw@h/x?token=t", "grpc://h:9090/svc",
		"grpcs://[::1]:9443", "tcp://db:5432", "tcp://db", "x", "://", "grpc://h:1/a/b",
		"http://u:p4ssw0rd@h/", "tcp://u:p4ssw0rd@h:1", "grpc://u:p4ssw0rd@h:1/s", "http://u:p4ssw0rd@[::1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		// The property holds for a password in a URL's user info.
		i := strings.Index(raw, "://")
		secret := i >= 0 && strings.HasPrefix(raw[i+3:], "u:p4ssw0rd@")
		tg, err := New(raw, &Options{Timeout: 1})
		if err != nil {
			var ue *UsageError
			if !errors.As(err, &ue) {
				t.Fatalf("error is no UsageError: %v", err)
			}
			if secret && strings.Contains(err.Error(), "p4ssw0rd") {
				t.Fatalf("error quotes the password: %v", err)
			}
			return
		}
		if secret && strings.Contains(tg.String(), "p4ssw0rd") {
			t.Fatalf("String quotes the password: %s", tg)
		}
		tg.Close()
	})
}
