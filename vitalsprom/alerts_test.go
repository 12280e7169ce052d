package vitalsprom_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// The example alert rules live with the other examples; these tests keep
// them loadable and tied to the names this package exports.
var alertsDir = filepath.Join("..", "examples", "prometheus")

func TestAlertRulesLoad(t *testing.T) {
	out, err := promtoolCmd(t, "check", "rules", filepath.Join(alertsDir, "alerts.yml")).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
}

// The example configuration loads the rules as a user would.
func TestPrometheusConfigLoads(t *testing.T) {
	out, err := promtoolCmd(t, "check", "config", filepath.Join(alertsDir, "prometheus.yml")).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check config: %v\n%s", err, out)
	}
}

// TestAlertRulesFire runs the promtool unit tests of the rules: each alert
// fires on the series it should, after its "for", and not before.
func TestAlertRulesFire(t *testing.T) {
	cmd := promtoolCmd(t, "test", "rules", "alerts_test.yml")
	cmd.Dir = alertsDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
}

// exposition returns the label names of each metric family in the golden
// exposition, and the values each label takes.
func exposition(t *testing.T) (labels map[string][]string, values map[string][]string) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "metrics.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := expfmt.NewTextParser(model.LegacyValidation)
	mfs, err := p.TextToMetricFamilies(f)
	if err != nil {
		t.Fatal(err)
	}
	labels, values = map[string][]string{}, map[string][]string{}
	for name, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var names []string
			for _, lp := range m.GetLabel() {
				names = append(names, lp.GetName())
				if !slices.Contains(values[lp.GetName()], lp.GetValue()) {
					values[lp.GetName()] = append(values[lp.GetName()], lp.GetValue())
				}
			}
			slices.Sort(names)
			labels[name] = names
		}
	}
	return labels, values
}

// TestAlertRulesUseExportedSeries ties the rules and their unit tests to
// the collector's output: every metric the rules name is in the golden
// exposition, and every input series of the unit tests has a name, label
// names and status words the collector really emits. A renamed metric or
// label breaks this test rather than silently muting an alert.
func TestAlertRulesUseExportedSeries(t *testing.T) {
	labels, values := exposition(t)
	rules, err := os.ReadFile(filepath.Join(alertsDir, "alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile(`\bvitals_[a-z_]+`).FindAllString(string(rules), -1)
	if len(names) == 0 {
		t.Fatal("alerts.yml names no vitals metric")
	}
	for _, n := range names {
		if _, ok := labels[n]; !ok {
			t.Errorf("alerts.yml uses %s, which the collector does not export", n)
		}
	}

	tests, err := os.ReadFile(filepath.Join(alertsDir, "alerts_test.yml"))
	if err != nil {
		t.Fatal(err)
	}
	series := regexp.MustCompile(`series: '([a-z_]+)\{([^}]*)\}'`).FindAllStringSubmatch(string(tests), -1)
	if len(series) == 0 {
		t.Fatal("alerts_test.yml has no input series")
	}
	pair := regexp.MustCompile(`([a-z_]+)="([^"]*)"`)
	for _, s := range series {
		name, want := s[1], labels[s[1]]
		if want == nil {
			t.Errorf("input series %s: the collector exports no such metric", name)
			continue
		}
		var got []string
		for _, kv := range pair.FindAllStringSubmatch(s[2], -1) {
			k, v := kv[1], kv[2]
			if k == "job" || k == "instance" { // added by Prometheus
				continue
			}
			got = append(got, k)
			if (k == "status" || k == "group") && !slices.Contains(values[k], v) {
				t.Errorf("input series %s{%s}: %s=%q never appears in the exposition", name, s[2], k, v)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("input series %s{%s}: labels %v, the collector's are %v", name, s[2], got, want)
		}
	}
}
