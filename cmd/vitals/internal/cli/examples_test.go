package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/vitalsgo/vitals/cmd/vitals/internal/target"
)

// The example manifests must be well-formed, give every container the three
// probes (over http and grpc between them), and every vitals command line
// in them must parse.
func TestKubernetesExamples(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../../../../examples/kubernetes/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	handlers := map[string]bool{}
	var commands [][]string
	for _, file := range files {
		for i, doc := range yamlDocs(t, file) {
			name, _ := dig(doc, "metadata", "name").(string)
			if doc["apiVersion"] == nil || doc["kind"] == nil || name == "" {
				t.Errorf("%s: document %d lacks apiVersion, kind or metadata.name", file, i)
			}
			if doc["kind"] != "Deployment" {
				continue
			}
			spec, _ := dig(doc, "spec", "template", "spec").(map[string]any)
			for _, c := range list(spec["initContainers"]) {
				commands = append(commands, strs(dig(c, "command")))
			}
			for _, c := range list(spec["containers"]) {
				ports := map[any]bool{}
				for _, p := range list(dig(c, "ports")) {
					ports[dig(p, "name")] = true
					ports[dig(p, "containerPort")] = true
				}
				for _, kind := range []string{"startupProbe", "livenessProbe", "readinessProbe"} {
					probe, ok := dig(c, kind).(map[string]any)
					if !ok {
						t.Errorf("%s: %s: container %v has no %s", file, name, dig(c, "name"), kind)
						continue
					}
					var found []string
					for _, h := range []string{"httpGet", "grpc", "exec", "tcpSocket"} {
						if probe[h] != nil {
							found = append(found, h)
							handlers[h] = true
						}
					}
					if len(found) != 1 {
						t.Errorf("%s: %s: %s has handlers %v, want one", file, name, kind, found)
						continue
					}
					if port := dig(probe, found[0], "port"); port != nil && !ports[port] && !ports[toUint(port)] {
						t.Errorf("%s: %s: %s uses port %v, which the container does not declare", file, name, kind, port)
					}
					if found[0] == "exec" {
						cmd := strs(dig(probe, "exec", "command"))
						commands = append(commands, cmd)
						// The kubelet gives up after timeoutSeconds (1 by
						// default) and records no reason: the probe must
						// give up first and say why.
						limit := time.Second
						if n, ok := toInt(probe["timeoutSeconds"]); ok {
							limit = time.Duration(n) * time.Second
						}
						if d := probeTimeout(t, cmd); d >= limit {
							t.Errorf("%s: %s: %s: vitals --timeout %v is not under timeoutSeconds %v", file, name, kind, d, limit)
						}
					}
				}
			}
		}
	}
	for _, h := range []string{"httpGet", "grpc", "exec"} {
		if !handlers[h] {
			t.Errorf("no example uses a %s probe", h)
		}
	}
	checkVitalsCommands(t, commands)
}

// The Dockerfile's and the compose file's vitals command lines parse too.
func TestDockerExamples(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../../../examples/docker/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.ReplaceAll(string(data), "\\\n", " ")
	var commands [][]string
	for _, m := range regexp.MustCompile(`(?m)^HEALTHCHECK (.*)CMD (\[.*\])$`).FindAllStringSubmatch(joined, -1) {
		var args []string
		if err := json.Unmarshal([]byte(m[2]), &args); err != nil {
			t.Errorf("HEALTHCHECK CMD %s is not an exec-form JSON array: %v", m[2], err)
		}
		commands = append(commands, args)
		// Docker kills a probe at --timeout (30s by default) and logs no
		// reason: the probe must give up first.
		limit := 30 * time.Second
		if opt := regexp.MustCompile(`--timeout=(\S+)`).FindStringSubmatch(m[1]); opt != nil {
			limit, _ = time.ParseDuration(opt[1])
		}
		if len(args) > 0 && filepath.Base(args[0]) == "vitals" {
			if d := probeTimeout(t, args); d >= limit {
				t.Errorf("HEALTHCHECK %v: vitals --timeout %v is not under the HEALTHCHECK --timeout %v", args, d, limit)
			}
		}
	}
	if len(commands) != 2 {
		t.Errorf("want the self-probe and the vitals probe HEALTHCHECK, found %d", len(commands))
	}
	for _, doc := range yamlDocs(t, "../../../../examples/docker/compose.yaml") {
		services, _ := doc["services"].(map[string]any)
		for _, svc := range services {
			if ep := strs(dig(svc, "entrypoint")); len(ep) > 0 {
				commands = append(commands, ep)
			}
		}
	}
	checkVitalsCommands(t, commands)
}

// checkVitalsCommands runs each "/vitals …" command line with a short
// timeout appended: the targets do not exist here, so it must fail as
// unhealthy (1), never as a usage error (2).
func checkVitalsCommands(t *testing.T, commands [][]string) {
	t.Helper()
	ran := 0
	for _, cmd := range commands {
		if len(cmd) == 0 || filepath.Base(cmd[0]) != "vitals" {
			continue
		}
		ran++
		r := vitalsRun(t, append(cmd[1:], "--timeout", "300ms")...)
		if r.code == exitUsage {
			t.Errorf("%v: usage error: %s", cmd, r)
		}
	}
	if ran == 0 {
		t.Error("no vitals command line found")
	}
}

// probeTimeout returns the --timeout of a "vitals probe" command line, or
// the default.
func probeTimeout(t *testing.T, cmd []string) time.Duration {
	t.Helper()
	for i, a := range cmd {
		v, ok := strings.CutPrefix(a, "--timeout=")
		if !ok && a == "--timeout" && i+1 < len(cmd) {
			v, ok = cmd[i+1], true
		}
		if ok {
			d, err := time.ParseDuration(v)
			if err != nil {
				t.Fatalf("%v: --timeout %q: %v", cmd, v, err)
			}
			return d
		}
	}
	return target.DefaultTimeout
}

func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case uint64:
		return int64(n), true
	case int:
		return int64(n), true
	}
	return 0, false
}

func yamlDocs(t *testing.T, file string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(data), yaml.Strict())
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		docs = append(docs, doc)
	}
	if len(docs) == 0 {
		t.Fatalf("%s: no documents", file)
	}
	return docs
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func strs(v any) []string {
	var out []string
	for _, s := range list(v) {
		if s, ok := s.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func toUint(v any) any {
	if n, ok := v.(int64); ok {
		return uint64(n)
	}
	if n, ok := v.(uint64); ok {
		return int64(n)
	}
	return v
}
