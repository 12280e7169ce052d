package notify_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/vitalsgo/vitals/monitor/notify"
)

// A receiver of the webhook checks the signature over the exact bytes it
// read, before it decodes them.
func ExampleVerifySignature() {
	const secret = "shared-with-the-monitor"
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil || !notify.VerifySignature(secret, body, r.Header.Get(notify.SignatureHeader)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		fmt.Println("verified message", r.Header.Get("Idempotency-Key"))
	})

	// What the monitor sends (the body shortened here).
	body := `{"version":"1","key":"m-1","channel":"ops","status":"firing","alerts":[]}`
	req := httptest.NewRequest(http.MethodPost, "/vitals", strings.NewReader(body))
	req.Header.Set("Idempotency-Key", "m-1")
	req.Header.Set(notify.SignatureHeader, "sha256=e78f51fbfbdb396ce533173e65f815a713717eb4320cad6754b18c39820c3e59")
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println(rec.Code)

	// A forged request.
	req = httptest.NewRequest(http.MethodPost, "/vitals", strings.NewReader(body))
	req.Header.Set(notify.SignatureHeader, "sha256=00")
	rec = httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// verified message m-1
	// 200
	// 401
}
