package compat_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
)

// A check registered in Axway's shape is served at /status/{endpoint}
// under its name, and the query helpers read it back as Axway's do.
func TestRegisterAxwayAndQuery(t *testing.T) {
	m := vitals.New(&vitals.Options{Info: vitals.Info{Service: "agent"}})
	t.Cleanup(func() { m.Close() })
	var down atomic.Bool
	err := compat.RegisterAxway(m, "Central connection", "central", func(name string) *compat.AxwayStatus {
		if down.Load() {
			return &compat.AxwayStatus{Result: "FAIL", Details: name + ": token expired"}
		}
		return &compat.AxwayStatus{Result: compat.AxwayOK}
	})
	if err != nil {
		t.Fatal(err)
	}
	m.SetInfo(vitals.Info{Service: "discovery-agent", Version: "1.2.3"}) // SetNameAndVersion
	mux := http.NewServeMux()
	compat.Axway(vitalshttp.New(m, nil)).Install(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	_, p, _ := net.SplitHostPort(srv.Listener.Addr().String())
	port, _ := strconv.Atoi(p)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	m.RunOnce(ctx)
	if got := compat.AxwayQueryStatus(ctx, port); got != "OK" {
		t.Errorf("QueryStatus = %q, want OK", got)
	}
	down.Store(true)
	m.RunOnce(ctx)
	out, err := compat.AxwayOutput(ctx, srv.URL+"/status")
	if err != nil || !strings.Contains(out, `"name":"discovery-agent","version":"1.2.3","status":"FAIL"`) ||
		!strings.Contains(out, `"central":{"name":"Central connection","endpoint":"central","status":{"result":"FAIL","details":"Central connection: token expired"}}`) {
		t.Errorf("Output = %s, %v", out, err)
	}
	if one, err := compat.AxwayOutput(ctx, srv.URL+"/status/central"); err != nil || !strings.Contains(one, `"result":"FAIL"`) {
		t.Errorf("Output of /status/central = %s, %v", one, err)
	}
	if got := compat.AxwayQueryStatus(ctx, port); got != "FAIL" {
		t.Errorf("QueryStatus = %q, want FAIL", got)
	}
	if _, err := compat.AxwayOutput(ctx, srv.URL+"/status/nope"); err == nil {
		t.Error("Output of an unknown check is not an error")
	}
	if err := compat.RegisterAxway(m, "x", "x", nil); err == nil {
		t.Error("a nil check is not an error")
	}
}

// Nothing listening: "" at once, as Axway's QueryForStatus.
func TestAxwayQueryStatusNothingListening(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if got := compat.AxwayQueryStatus(ctx, port); got != "" {
		t.Errorf("QueryStatus = %q", got)
	}
}
