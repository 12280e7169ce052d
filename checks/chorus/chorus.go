// Package chorus is the CHORUS preset: the built-in health checks of
// CHORUS's pkg/health with its defaults, so that a service moving from it
// keeps its checks as they were, in one call each:
//
//	CHORUS                              here                                   interval, timeout  critical
//	CreateDatabaseCheck(db)             chorus.Database(m, "database", db)     30s, 10s           yes
//	CreateDiskSpaceCheck(path, 0.90)    chorus.DiskSpace(m, "disk", path, 0.90) 60s, 5s           no
//	CreateMemoryCheck(0.85)             chorus.Memory(m, "memory", 0.85)       30s, 5s            no
//	CreateActivePubSubCheck(bus)        chorus.PubSub(m, "pubsub", bus)        60s, 15s           yes
//	CreateActiveDHTCheck(dht)           chorus.DHT(m, "dht", store)            90s, 20s           yes
//
// Each adds the vitals checker that does the same work — checks/sql,
// checks/disk, checks/memory (the machine's memory, as CHORUS measures it),
// checks/pubsub's loopback and checks/kv's put/get round trip (for a store
// with only Put and Get, as CHORUS's DHT) — with those settings; options
// given after them override them.
package chorus

import (
	"errors"
	"fmt"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/disk"
	"github.com/vitalsgo/vitals/checks/kv"
	"github.com/vitalsgo/vitals/checks/memory"
	"github.com/vitalsgo/vitals/checks/pubsub"
	sqlcheck "github.com/vitalsgo/vitals/checks/sql"
)

// add registers chk under name with CHORUS's interval, timeout and
// criticality, then opts.
func add(m *vitals.Monitor, name string, chk vitals.Checker, err error, interval, timeout time.Duration, critical bool, opts []vitals.CheckOption) error {
	if err != nil {
		return fmt.Errorf("chorus: %s: %w", name, err)
	}
	preset := []vitals.CheckOption{vitals.Interval(interval), vitals.Timeout(timeout), vitals.Critical(critical)}
	return m.Add(name, chk, append(preset, opts...)...)
}

// Database adds CHORUS's database check: a ping of db (and its pool's
// statistics) every 30 s within 10 s, critical.
func Database(m *vitals.Monitor, name string, db sqlcheck.DB, opts ...vitals.CheckOption) error {
	chk, err := sqlcheck.New(db, nil)
	return add(m, name, chk, err, 30*time.Second, 10*time.Second, true, opts)
}

// DiskSpace adds CHORUS's disk check: it fails when the file system of
// path is used to maxUsage (0–1, CHORUS's 0.90) or more; every 60 s within
// 5 s, not critical.
func DiskSpace(m *vitals.Monitor, name, path string, maxUsage float64, opts ...vitals.CheckOption) error {
	if !(maxUsage > 0 && maxUsage <= 1) {
		return fmt.Errorf("chorus: %s: usage threshold %v is not in (0, 1]", name, maxUsage)
	}
	chk, err := disk.New(path, &disk.Options{FailFreePercent: (1 - maxUsage) * 100})
	return add(m, name, chk, err, 60*time.Second, 5*time.Second, false, opts)
}

// Memory adds CHORUS's memory check: it fails when the machine's memory in
// use reaches maxUsage (0–1, CHORUS's 0.85) of its total; every 30 s within
// 5 s, not critical.
func Memory(m *vitals.Monitor, name string, maxUsage float64, opts ...vitals.CheckOption) error {
	if !(maxUsage > 0 && maxUsage <= 1) {
		return fmt.Errorf("chorus: %s: usage threshold %v is not in (0, 1]", name, maxUsage)
	}
	chk, err := memory.New(&memory.Options{FailHostPercent: maxUsage * 100})
	return add(m, name, chk, err, 30*time.Second, 5*time.Second, false, opts)
}

// PubSub adds CHORUS's active pub/sub check: a message published and
// received back on the bus every 60 s within 15 s.
func PubSub(m *vitals.Monitor, name string, bus pubsub.Bus, opts ...vitals.CheckOption) error {
	if bus == nil {
		return fmt.Errorf("chorus: %s: %w", name, errors.New("nil bus"))
	}
	chk, err := pubsub.New(bus, nil)
	return add(m, name, chk, err, 60*time.Second, 15*time.Second, true, opts)
}

// DHT adds CHORUS's active DHT check: a put/get round trip of a fresh value
// every 90 s within 20 s, on one well-known key when store cannot delete
// (see package kv).
func DHT(m *vitals.Monitor, name string, store kv.Store, opts ...vitals.CheckOption) error {
	chk, err := kv.New(store, nil)
	return add(m, name, chk, err, 90*time.Second, 20*time.Second, true, opts)
}
