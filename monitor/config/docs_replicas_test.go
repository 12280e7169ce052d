package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// The replica deployments in docs/replicas are what users copy: their
// vitals file must load as a replica's (PostgreSQL, the cluster block), the
// Kubernetes ConfigMap must hold that same file, and both deployments must
// run three replicas with the DSN from outside the file.
func TestReplicaDeploymentDocsLoad(t *testing.T) {
	dir := filepath.Join("..", "..", "docs", "replicas")
	read := func(name string) []byte {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	file := read("vitals.yaml")
	const dsn = "postgres://vitals:pw-docs-1@db:5432/vitals"
	cfg, err := Parse("vitals.yaml", file, env(map[string]string{"VITALS_DSN": dsn}))
	if err != nil {
		t.Fatalf("docs/replicas/vitals.yaml: %v", err)
	}
	if cfg.Storage != dsn || cfg.Cluster.Line == 0 {
		t.Errorf("storage %q, cluster block at line %d: want the DSN from VITALS_DSN and a cluster block", cfg.Storage, cfg.Cluster.Line)
	}
	if len(cfg.Checks) == 0 {
		t.Error("the example watches nothing")
	}

	// Kubernetes: ConfigMap, Deployment, Service.
	type container struct {
		Args []string `yaml:"args"`
		Env  []struct {
			Name      string `yaml:"name"`
			ValueFrom struct {
				SecretKeyRef struct {
					Name string `yaml:"name"`
					Key  string `yaml:"key"`
				} `yaml:"secretKeyRef"`
			} `yaml:"valueFrom"`
		} `yaml:"env"`
	}
	type object struct {
		Kind string            `yaml:"kind"`
		Data map[string]string `yaml:"data"`
		Spec struct {
			Replicas int `yaml:"replicas"`
			Template struct {
				Spec struct {
					Containers []container `yaml:"containers"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	kinds := map[string]object{}
	for i, doc := range strings.Split(string(read("deployment.yaml")), "\n---\n") {
		var o object
		if err := yaml.Unmarshal([]byte(doc), &o); err != nil {
			t.Fatalf("deployment.yaml, document %d: %v", i+1, err)
		}
		kinds[o.Kind] = o
	}
	// The ConfigMap holds vitals.yaml but its header comment.
	_, want, _ := strings.Cut(string(file), "\nservice:")
	if got := kinds["ConfigMap"].Data["vitals.yaml"]; strings.TrimSpace(got) != strings.TrimSpace("service:"+want) {
		t.Errorf("the ConfigMap's vitals.yaml differs from docs/replicas/vitals.yaml:\n%s", got)
	}
	d := kinds["Deployment"]
	if d.Spec.Replicas != 3 || len(d.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("Deployment: %d replicas, %d containers; want 3 and 1", d.Spec.Replicas, len(d.Spec.Template.Spec.Containers))
	}
	c := d.Spec.Template.Spec.Containers[0]
	if strings.Join(c.Args, " ") != "serve --config /etc/vitals/vitals.yaml" {
		t.Errorf("Deployment args %q", c.Args)
	}
	fromSecret := false
	for _, e := range c.Env {
		fromSecret = fromSecret || e.Name == "VITALS_DSN" && e.ValueFrom.SecretKeyRef.Name != "" && e.ValueFrom.SecretKeyRef.Key != ""
	}
	if !fromSecret {
		t.Error("Deployment: VITALS_DSN does not come from a Secret")
	}
	if _, ok := kinds["Service"]; !ok {
		t.Error("deployment.yaml has no Service")
	}

	// Compose: three replicas of the same image and file, the DSN from the
	// environment.
	var compose struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Command     []string          `yaml:"command"`
			Environment map[string]string `yaml:"environment"`
			Volumes     []string          `yaml:"volumes"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(read("compose.yaml"), &compose); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	replicas := 0
	for name, s := range compose.Services {
		if name == "db" {
			continue
		}
		replicas++
		if !strings.HasPrefix(s.Environment["VITALS_DSN"], "postgres://") ||
			strings.Join(s.Command, " ") != "serve --config /etc/vitals/vitals.yaml" ||
			len(s.Volumes) != 1 || !strings.HasPrefix(s.Volumes[0], "./vitals.yaml:/etc/vitals/vitals.yaml") {
			t.Errorf("compose service %s: %+v", name, s)
		}
	}
	if replicas != 3 {
		t.Errorf("compose.yaml runs %d replicas, want 3", replicas)
	}
}
