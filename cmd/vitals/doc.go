// Command vitals probes, waits for and checks the health of services.
//
//	vitals probe URL             one probe: exit 0 healthy, 1 unhealthy, 2 usage
//	vitals wait URL...           wait until every target is healthy
//	vitals check --config FILE   run the checks of a config file once
//	vitals version               print the version
//
// URLs are http(s):// health endpoints in any format package client reads,
// grpc(s)://host:port[/service] for grpc.health.v1, and tcp://host:port.
// Run `vitals COMMAND --help` for the flags and examples of each.
//
// # Exit codes
//
// Every command exits 0 on success, 1 when a target or check is unhealthy,
// unreachable or timed out, or when SIGINT or SIGTERM interrupts it (at
// once, whatever a server is sending: an interrupted command is not a
// healthy one), and 2 when the command line or the configuration file is
// wrong. Only main calls os.Exit; each command is a function of its
// arguments and output streams that returns an error.
//
// # vitals and vitals-full
//
// `vitals probe` runs every few seconds in many containers, so vitals starts
// as fast as curl: it links no database driver. Go runs every linked
// package's initialisation before main, and the drivers that only `vitals
// check` needs (the etcd client's protobuf registrations most of all) would
// double its start-up and its size. The check types that need one
// (postgres, mysql, redis, amqp, mqtt, nats, etcd, consul, mongo,
// memcached, bolt, badger) run in vitals-full, the same command with every
// driver linked in: for a configuration that has any of them, vitals
// replaces itself with the vitals-full in its own directory, or else on
// PATH, with the same arguments. Install both:
//
//	go install github.com/vitalsgo/vitals/cmd/vitals/...@latest
//
// Without vitals-full, such a configuration is exit code 2 with that line;
// probe, wait and the other check types need only vitals.
package main
