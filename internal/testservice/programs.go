package testservice

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// MailpitVersion is the mailpit that scripts/services builds from its Go
// module (MAILPIT_VERSION there; a test checks that the two agree).
const MailpitVersion = "v1.33.1"

// MailpitBin returns the path of the mailpit binary, for a test that starts a
// mailpit of its own (with TLS or auth, which the shared one at [SMTPAddr]
// has not); [StartMailpit] starts one. It is $VITALS_MAILPIT_BIN when set; otherwise the binary
// scripts/services built into its cache ([ServicesBuildDir]); otherwise
// mailpit on PATH. When there is none it skips the test, or fails it under
// VITALS_REQUIRE_SERVICES=1, saying that scripts/services builds it.
func MailpitBin(t testing.TB) string {
	t.Helper()
	var cached []string
	if dir, err := ServicesBuildDir(); err == nil {
		cached = append(cached, filepath.Join(dir, "bin", "mailpit-"+MailpitVersion))
	}
	return program(t, "mailpit", "VITALS_MAILPIT_BIN", cached, "mailpit")
}

// AlertmanagerBin returns the path of the Prometheus Alertmanager binary, for a
// test that starts one of its own. It is $VITALS_ALERTMANAGER_BIN when set;
// otherwise alertmanager or, as Debian's package names it,
// prometheus-alertmanager on PATH. When there is none it skips the test,
// or fails it under VITALS_REQUIRE_SERVICES=1, saying that scripts/services
// installs it.
func AlertmanagerBin(t testing.TB) string {
	t.Helper()
	return program(t, "Alertmanager", "VITALS_ALERTMANAGER_BIN", nil, "alertmanager", "prometheus-alertmanager")
}

// ServicesBuildDir is where scripts/services keeps the servers it builds
// from Go modules: $VITALS_SERVICES_BUILD, or vitals/services in the
// user's cache directory ($XDG_CACHE_HOME or ~/.cache), as the script
// computes it.
func ServicesBuildDir() (string, error) {
	if dir := os.Getenv("VITALS_SERVICES_BUILD"); dir != "" {
		return dir, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, "vitals", "services"), nil
}

// program returns the first executable of: the path in the environment
// variable envVar, the paths, then names looked up on PATH. A variable that
// is set but names no executable is a misconfiguration, reported as such.
func program(t testing.TB, name, envVar string, paths []string, names ...string) string {
	t.Helper()
	path, err := findProgram(envVar, paths, names)
	if err != nil {
		missing(t, fmt.Sprintf("%s: %v; scripts/services installs it", name, err))
		return ""
	}
	return path
}

func findProgram(envVar string, paths, names []string) (string, error) {
	if p := os.Getenv(envVar); p != "" {
		if !executable(p) {
			return "", fmt.Errorf("%s=%s is not an executable file", envVar, p)
		}
		return p, nil
	}
	for _, p := range paths {
		if executable(p) {
			return p, nil
		}
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	looked := append(append([]string(nil), paths...), names...)
	return "", fmt.Errorf("none of %s found (or set %s)", strings.Join(looked, ", "), envVar)
}

func executable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}
