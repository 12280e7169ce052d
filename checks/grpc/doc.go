// Package grpccheck checks another gRPC server through the standard health
// service, grpc.health.v1.Health/Check, with a grpc-go client
// (google.golang.org/grpc).
//
// The package lives in checks/grpc but is named grpccheck, as httpcheck
// and tlscheck are, so that it does not shadow grpc-go's own package in
// the files that use both. Serving a [vitals.Monitor] as the health
// service is the job of package vitalsgrpc.
//
// # Use
//
// [New] checks over the application's own connection, the one that must
// be healthy:
//
//	conn, err := grpc.NewClient("payments:9090", grpc.WithTransportCredentials(creds))
//	…
//	check, err := grpccheck.New(conn, &grpccheck.Options{Service: "payments.v1.Payments"})
//	…
//	m.Add("payments", check, vitals.Timeout(2*time.Second))
//
// [Open] makes and owns a connection, for checks configured by address. It
// dials TLS with the system roots by default ([Options].TLSConfig for a
// private CA or client certificates, [Options].Insecure for plaintext),
// connects at the first check, and dials afresh after a call that failed
// below the RPC, so a recovered server is seen at the next check rather
// than after gRPC's reconnect backoff; [Checker.Close] releases it.
//
//	check, err := grpccheck.Open("payments:9090", &grpccheck.Options{
//		Service:  "payments.v1.Payments",
//		Insecure: true, // plaintext; the default is TLS with the system roots
//	})
//	if err != nil { … }
//	defer check.Close()
//	m.Add("payments", check, vitals.Timeout(2*time.Second))
//
// # Result
//
// SERVING passes; NOT_SERVING, an unknown service (NotFound), a server
// without the health service (Unimplemented), an unreachable server
// (Unavailable) and no answer by the deadline fail, each with a message
// that says which, and the gRPC error as Err. The call always goes out: a
// connection that is idle, because it was dialled lazily or has not been
// used for a while, is connected on demand and never counts as a failure.
//
// Observed is the round-trip time in milliseconds (Unit "ms"). Details:
//
//	target   the target called, without a password
//	service  the service name asked about ("" for the whole server)
//	status   the status answered: SERVING, NOT_SERVING, SERVICE_UNKNOWN, …
//	code     the gRPC code of a failed call
//
// [Options].Metadata travels with every call, e.g. an authorization token;
// its values appear in no result.
//
// # Servers without the health service
//
// With [Options].ConnectivityOnly the check calls nothing: it passes once
// the connection is READY (connecting it if idle) and fails when it falls
// into TRANSIENT_FAILURE or is not READY by the deadline, with the state in
// Details ("state"), as regiocom's GrpcProbe(cc) checks a connection.
package grpccheck
