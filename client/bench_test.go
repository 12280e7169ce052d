package client_test

import (
	"path/filepath"
	"testing"

	"github.com/vitalsgo/vitals/client"
)

// BenchmarkParse reads typical answers: what Watch and WaitHealthy pay per
// poll on top of the request.
func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"failing_auth/readyz", "failing_auth/readyz_ietf", "failing_auth/readyz_verbose", "failing_auth/chorus_health"} {
		body := client.ReadRecorded(b, filepath.Join("..", "vitalshttp", "testdata", name+".golden"))
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body.Body)))
			for b.Loop() {
				if _, err := client.Parse(body.Code, body.ContentType, body.Body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
