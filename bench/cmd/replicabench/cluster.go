package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/vitalsgo/vitals/bench/internal/cfgfile"
	"github.com/vitalsgo/vitals/bench/internal/child"
	"github.com/vitalsgo/vitals/bench/internal/targetsrv"
)

// spec is what a scenario's replicas watch.
type spec struct {
	targets  int
	interval time.Duration
	// alerting gives every target the webhook channel, alert_after and
	// resolve_after; 0 leaves alerts out.
	alertAfter, resolveAfter int
	// compact leaves out the replica header and every field at its default,
	// for the largest files.
	compact bool
}

// cluster is one scenario's world: a fresh database, the target server,
// the webhook receiver, and three replica slots, each with its own proxy
// to PostgreSQL.
type cluster struct {
	o      options
	sp     spec
	name   string // of the database
	dir    string
	db     *sql.DB // the scenario's database, directly
	tgt    *targetsrv.Targets
	tgtLn  net.Listener
	rec    *recorder
	hook   *receiver
	hookLn net.Listener
	srvs   []*http.Server
	down   []atomic.Bool // per target: answer 500
	reps   []*replica
	starts int // replicas started, for node names
}

// replica is one slot: a proxy and, while it runs, a vitals-full process.
type replica struct {
	slot   int
	node   string
	listen string
	file   string
	proxy  *proxy
	proc   *child.Child
}

func newCluster(ctx context.Context, o options, scenario string, sp spec) (*cluster, error) {
	c := &cluster{o: o, sp: sp, name: "replicabench_" + scenario, rec: &recorder{}, hook: &receiver{},
		down: make([]atomic.Bool, sp.targets)}
	var err error
	if c.dir, err = os.MkdirTemp("", "replicabench"); err != nil {
		return nil, err
	}
	if err := c.createDB(ctx); err != nil {
		return nil, err
	}
	c.tgt = targetsrv.New(sp.targets)
	c.tgt.Fail = func(i int) bool { return c.down[i].Load() }
	if !sp.compact {
		c.tgt.Record = c.rec.record
	}
	if c.tgtLn, err = c.serve(c.tgt); err != nil {
		c.close()
		return nil, err
	}
	if c.hookLn, err = c.serve(c.hook); err != nil {
		c.close()
		return nil, err
	}
	for slot := range 3 {
		p, err := newProxy(o.pgAddr)
		if err != nil {
			c.close()
			return nil, err
		}
		c.reps = append(c.reps, &replica{slot: slot, proxy: p})
	}
	return c, nil
}

func (c *cluster) serve(h http.Handler) (net.Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	c.srvs = append(c.srvs, srv)
	go srv.Serve(ln)
	return ln, nil
}

// createDB makes the scenario's database afresh.
func (c *cluster) createDB(ctx context.Context) error {
	admin, err := sql.Open("pgx", c.o.pgDSN("postgres"))
	if err != nil {
		return err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+c.name+` WITH (FORCE)`); err != nil {
		return fmt.Errorf("drop database %s: %w", c.name, err)
	}
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+c.name); err != nil {
		return fmt.Errorf("create database %s: %w", c.name, err)
	}
	c.db, err = sql.Open("pgx", c.o.pgDSN(c.name))
	return err
}

// close stops every replica and server and drops the database.
func (c *cluster) close() {
	for _, r := range c.reps {
		if r.proc != nil {
			r.proc.Signal(syscall.SIGCONT)
			r.proc.Stop(20 * time.Second)
		}
		r.proxy.Close()
	}
	for _, s := range c.srvs {
		s.Close()
	}
	if c.db != nil {
		c.db.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if admin, err := sql.Open("pgx", c.o.pgDSN("postgres")); err == nil {
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+c.name+` WITH (FORCE)`); err != nil {
			logf("drop database %s: %v", c.name, err)
		}
		admin.Close()
	}
	os.RemoveAll(c.dir)
}

// start starts a replica in slot with a new node name and waits until its
// /readyz answers 200.
func (c *cluster) start(ctx context.Context, slot int) error {
	r := c.reps[slot]
	if r.proc != nil && !r.proc.Exited() {
		return fmt.Errorf("slot %d: %s still runs", slot, r.node)
	}
	c.starts++
	r.node = fmt.Sprintf("r%d-%d", slot+1, c.starts)
	var err error
	if r.listen, err = child.FreeAddr(); err != nil {
		return err
	}
	r.file = filepath.Join(c.dir, r.node+".yaml")
	if err := c.writeConfig(r); err != nil {
		return err
	}
	// The process's own deadline: the scenario's, whatever happens.
	if r.proc, err = child.Start(ctx, r.node, []string{c.o.vitalsFull, "serve", "--config", r.file}, nil, nil, 0); err != nil {
		return err
	}
	return c.waitReady(ctx, r, 60*time.Second)
}

// waitReady polls r's /readyz until 200, within limit.
func (c *cluster) waitReady(ctx context.Context, r *replica, limit time.Duration) error {
	end := time.Now().Add(limit)
	for {
		if ready(r.listen) {
			return nil
		}
		if r.proc.Exited() {
			return fmt.Errorf("%s exited: %v: %s", r.node, r.proc.Err(), r.proc.Tail)
		}
		if time.Now().After(end) {
			return fmt.Errorf("%s not ready within %v: %s", r.node, limit, r.proc.Tail)
		}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
}

var readyClient = &http.Client{Timeout: 2 * time.Second}

func ready(listen string) bool {
	resp, err := readyClient.Get("http://" + listen + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// writeConfig writes r's file and the checks files it includes: the same
// targets as every replica, its own node name, store (through its proxy),
// listen address, replica header and webhook path.
func (c *cluster) writeConfig(r *replica) error {
	var b strings.Builder
	fmt.Fprintf(&b, "service: {name: replicabench}\nlisten: %s\n", r.listen)
	fmt.Fprintf(&b, "storage: postgres://postgres@%s/%s?sslmode=disable\n", r.proxy.Addr(), c.name)
	fmt.Fprintf(&b, "cluster: {node: %s, lease_ttl: %v, renew: %v}\n", r.node, c.o.ttl, c.o.renew)
	extra := ""
	if c.sp.interval != 10*time.Second {
		extra += fmt.Sprintf(", interval: %v", c.sp.interval)
	}
	if c.sp.interval < 5*time.Second {
		extra += fmt.Sprintf(", timeout: %v", c.sp.interval)
	}
	if !c.sp.compact {
		extra += fmt.Sprintf(", headers: {%s: %s}", replicaHeader, r.node)
	}
	if c.sp.alertAfter > 0 {
		fmt.Fprintf(&b, "alerting: {group_wait: 0s}\nnotify:\n  - {name: hook, type: webhook, url: \"http://%s/hook/%s\"}\n", c.hookLn.Addr(), r.node)
		extra += fmt.Sprintf(", notify: [hook], alert_after: %d, resolve_after: %d", c.sp.alertAfter, c.sp.resolveAfter)
	}
	addr := c.tgtLn.Addr().String()
	return cfgfile.Write(r.file, b.String(), c.sp.targets, func(i int) string {
		return fmt.Sprintf("{name: t%05d, type: http, url: \"http://%s%s%d\"%s}", i, addr, targetsrv.Prefix, i, extra)
	})
}

// running returns the replicas whose process runs.
func (c *cluster) running() []*replica {
	var out []*replica
	for _, r := range c.reps {
		if r.proc != nil && !r.proc.Exited() {
			out = append(out, r)
		}
	}
	return out
}

// kill sends SIGKILL to slot's replica and waits for it to be gone.
func (c *cluster) kill(slot int) { c.reps[slot].proc.Kill() }

// term stops slot's replica with SIGTERM, giving it limit.
func (c *cluster) term(slot int, limit time.Duration) error {
	r := c.reps[slot]
	if _, err := r.proc.Stop(limit); err != nil {
		return fmt.Errorf("%s: %w: %s", r.node, err, r.proc.Tail)
	}
	return nil
}

// checkAlive fails when a replica that should run has exited.
func (c *cluster) checkAlive() error {
	var errs []error
	for _, r := range c.reps {
		if r.proc != nil && r.proc.Exited() {
			errs = append(errs, fmt.Errorf("%s exited: %v: %s", r.node, r.proc.Err(), r.proc.Tail))
		}
	}
	return errors.Join(errs...)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
