package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// delivery is one alert of one webhook request.
type delivery struct {
	At       int64  // unix ns
	Node     string // the replica that sent it: the path /hook/NODE
	Key      string // the message's Idempotency-Key
	DedupKey string // <incident>:<channel>:<kind>
	Incident string // <target>/<n>
	Kind     string // firing, resolved, reminder
	Target   string
}

// receiver is the webhook channel of every replica: each replica's file
// points its channel at /hook/NODE. It answers 200 to every request and
// keeps every alert it was sent.
type receiver struct {
	mu       sync.Mutex // protects the fields below
	requests int
	got      []delivery
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	node, ok := strings.CutPrefix(r.URL.Path, "/hook/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	var body struct {
		Alerts []struct {
			Kind, Incident, Target string
			DedupKey               string `json:"dedup_key"`
		}
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err := json.Unmarshal(b, &body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	now := time.Now().UnixNano()
	key := r.Header.Get("Idempotency-Key")
	rc.mu.Lock()
	rc.requests++
	for _, a := range body.Alerts {
		rc.got = append(rc.got, delivery{At: now, Node: node, Key: key, DedupKey: a.DedupKey,
			Incident: a.Incident, Kind: a.Kind, Target: a.Target})
	}
	rc.mu.Unlock()
}

// deliveries returns a copy of what was received, and the request count.
func (rc *receiver) deliveries() ([]delivery, int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]delivery(nil), rc.got...), rc.requests
}

// alertCount sums up deliveries: distinct incidents notified as firing and
// as resolved, and duplicates (a dedup key received more than once,
// counted once per extra copy).
type alertCount struct {
	Requests   int            `json:"requests"`
	Alerts     int            `json:"alerts"`
	Firing     int            `json:"firing_incidents"`
	Resolved   int            `json:"resolved_incidents"`
	Duplicates int            `json:"duplicates"`
	DupKeys    []string       `json:"duplicate_keys,omitempty"`
	ByNode     map[string]int `json:"alerts_by_node"`
}

func countAlerts(ds []delivery, requests int) alertCount {
	c := alertCount{Requests: requests, Alerts: len(ds), ByNode: map[string]int{}}
	seen := map[string]int{}
	for _, d := range ds {
		c.ByNode[d.Node]++
		seen[d.DedupKey]++
		if seen[d.DedupKey] > 1 {
			c.Duplicates++
			if seen[d.DedupKey] == 2 {
				c.DupKeys = append(c.DupKeys, d.DedupKey)
			}
			continue
		}
		switch d.Kind {
		case "firing":
			c.Firing++
		case "resolved":
			c.Resolved++
		}
	}
	return c
}
