package grpccheck_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/vitalsgo/vitals"
	grpccheck "github.com/vitalsgo/vitals/checks/grpc"
)

// startServer stands for the server an example checks: grpc-go's health
// server on a loopback port, with payments.v1.Payments SERVING and
// orders.v1.Orders NOT_SERVING. stop stops it and waits for it.
func startServer() (addr string, stop func()) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	hs := health.NewServer()
	hs.SetServingStatus("payments.v1.Payments", healthpb.HealthCheckResponse_SERVING)
	hs.SetServingStatus("orders.v1.Orders", healthpb.HealthCheckResponse_NOT_SERVING)
	gs := grpc.NewServer()
	healthpb.RegisterHealthServer(gs, hs)
	var wg sync.WaitGroup
	wg.Go(func() { gs.Serve(lis) })
	return lis.Addr().String(), func() { gs.Stop(); wg.Wait() }
}

// Open makes a connection of the Checker's own, for a check configured by
// address; Close releases it.
func ExampleOpen() {
	addr, stop := startServer()
	defer stop()

	check, err := grpccheck.Open(addr, &grpccheck.Options{
		Service:  "payments.v1.Payments",
		Insecure: true, // plaintext; the default is TLS with the system roots
	})
	if err != nil {
		log.Fatal(err)
	}
	defer check.Close()

	m := vitals.New(nil)
	defer m.Close()
	if err := m.Add("payments", check, vitals.Timeout(2*time.Second)); err != nil {
		log.Fatal(err)
	}
	snap, err := m.RunOnce(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	payments, _ := snap.Check("payments")
	fmt.Println(payments.Status, payments.Last.Details["status"])
	// Output: pass SERVING
}

// New checks over the application's own connection, the one that must be
// healthy; the application keeps it and closes it.
func ExampleNew() {
	addr, stop := startServer()
	defer stop()

	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	check, err := grpccheck.New(conn, &grpccheck.Options{Service: "orders.v1.Orders"})
	if err != nil {
		log.Fatal(err)
	}

	r := check.Check(context.Background())
	fmt.Println(r.Status, r.Details["status"])
	// Output: fail NOT_SERVING
}
