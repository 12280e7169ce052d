package web_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/vitalsgo/vitals/monitor/access"
	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/monitor/web"
)

// The status page over a board, on a server that ends the page's event
// streams when it shuts down.
func Example() {
	dir, err := os.MkdirTemp("", "vitals")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := store.OpenSQLite(context.Background(), filepath.Join(dir, "vitals.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	b := board.New(st)
	b.SetTitle("Acme status")
	b.SetTargets([]board.Target{{Name: "api", Group: "Web"}, {Name: "postgres", Group: "Data"}})

	h := web.New(b, &access.Policy{Token: "s3cret"}, nil)
	mux := http.NewServeMux()
	h.Register(mux)
	srv := &http.Server{Addr: "127.0.0.1:8080", Handler: mux}
	srv.RegisterOnShutdown(h.Close)
	// go srv.ListenAndServe() …

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	page := rec.Body.String()
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Println(strings.Contains(page, `<tr id="t-api" data-target="api" data-status="unknown">`))
	// Output:
	// 200 text/html; charset=utf-8
	// true
}
