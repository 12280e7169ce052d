package monitor

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/vitalsgo/vitals/vitalsprom"
)

// metrics are the server's own series, next to vitalsprom's for every
// target.
type metrics struct {
	reloads, reloadFailures prometheus.Counter
	lastReloadOK            prometheus.Gauge
}

func (s *Server) initMetrics() error {
	s.reg = prometheus.NewRegistry()
	m := &metrics{
		reloads: prometheus.NewCounter(prometheus.CounterOpts{Name: "vitals_monitor_config_reloads_total",
			Help: "Configuration reloads applied."}),
		reloadFailures: prometheus.NewCounter(prometheus.CounterOpts{Name: "vitals_monitor_config_reload_failures_total",
			Help: "Configuration reloads refused: the file was invalid, or a target failed to build."}),
		lastReloadOK: prometheus.NewGauge(prometheus.GaugeOpts{Name: "vitals_monitor_config_last_reload_successful",
			Help: "1 when the last reload applied, 0 when it was refused and the previous configuration runs."}),
	}
	m.lastReloadOK.Set(1)
	w := s.writer
	queued := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "vitals_monitor_store_queued",
		Help: "Results waiting to be written to the store."}, func() float64 { return float64(w.Stats().Queued) })
	written := prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "vitals_monitor_store_written_total",
		Help: "Results written to the store."}, func() float64 { return float64(w.Stats().Written) })
	dropped := prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "vitals_monitor_store_dropped_total",
		Help: "Results dropped because the store's queue was full."}, func() float64 { return float64(w.Stats().Dropped) })
	rejected := prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "vitals_monitor_store_rejected_total",
		Help: "Results the database refused on their own (and so dropped) while it took the others."}, func() float64 { return float64(w.Stats().Rejected) })
	failures := prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "vitals_monitor_store_write_failures_total",
		Help: "Store transactions that failed (their results stayed queued)."}, func() float64 { return float64(w.Stats().Failures) })
	s.metrics = m
	if c := s.cl; c != nil {
		owned := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "vitals_monitor_shards_owned",
			Help: "Shards whose targets this replica runs (replicas sharing a PostgreSQL store)."}, func() float64 { return float64(len(c.m.Owned())) })
		fenced := prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "vitals_monitor_fenced_total",
			Help: "Targets whose queued results a write left out because their shard had moved to another replica."}, func() float64 { return float64(c.fenced.Load()) })
		if err := errors.Join(s.reg.Register(owned), s.reg.Register(fenced)); err != nil {
			return err
		}
	}
	for _, c := range []prometheus.Collector{
		m.reloads, m.reloadFailures, m.lastReloadOK, queued, written, dropped, rejected, failures, newAlertMetrics(s),
		vitalsprom.New(s.targets, nil),
		vitalsprom.New(s.self, &vitalsprom.Options{Namespace: "vitals_monitor"}),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := s.reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
