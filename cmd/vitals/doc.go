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
// # Size and start-up
//
// `vitals probe` runs every few seconds in many containers, so it does no work
// of its own at start-up beyond parsing its flags. The init functions of every
// linked package still run, and the database drivers that only `vitals check`
// needs make up most of the binary and half of that initialisation (the etcd
// client's protobuf registrations most of all). Build with -tags vitals_slim
// to leave them out for an image that only probes and waits: a third of the
// size, and about half the start-up time.
package main
