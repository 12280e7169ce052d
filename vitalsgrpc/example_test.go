package vitalsgrpc_test

import (
	"context"
	"fmt"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalsgrpc"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

func ExampleRegister() {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("db", vitals.CheckFunc(func(context.Context) error { return nil }))
	m.Add("cache", vitals.CheckFunc(func(context.Context) error { return vitals.Warn(fmt.Errorf("hit rate 41%%")) }),
		vitals.Critical(false))
	m.RunOnce(context.Background())

	gs := grpc.NewServer()
	health := vitalsgrpc.Register(gs, m)
	// gs.Serve(lis) …

	for _, svc := range []string{"", "db", "cache", "nope"} {
		resp, err := health.Check(context.Background(), &healthpb.HealthCheckRequest{Service: svc})
		if err != nil {
			fmt.Printf("%q: %v\n", svc, status.Code(err))
			continue
		}
		fmt.Printf("%q: %v\n", svc, resp.GetStatus())
	}
	health.Shutdown()
	resp, _ := health.Check(context.Background(), &healthpb.HealthCheckRequest{Service: "db"})
	fmt.Println("after Shutdown:", resp.GetStatus())
	// Output:
	// "": SERVING
	// "db": SERVING
	// "cache": SERVING
	// "nope": NotFound
	// after Shutdown: NOT_SERVING
}
