package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/owned"
	"github.com/vitalsgo/vitals/checks/internal/report"
	"github.com/vitalsgo/vitals/redact"
)

// closeTimeout bounds Close: connections still checked out by then (a
// check on a hung server) are closed without waiting for them.
const closeTimeout = 5 * time.Second

// Options configures a [Checker]. A nil *Options means the defaults.
type Options struct {
	// Database and Collection, when Collection is set, add a read of one
	// document of that collection (a find with no filter and a limit of
	// one) to every check, with the client's read preference. An empty
	// collection passes: the read proves the server serves queries on
	// the service's data and that the client may read it. Collection
	// needs Database. Default: no read.
	Database   string
	Collection string
}

// Checker checks a MongoDB deployment, or a server that speaks its
// protocol (FerretDB, Amazon DocumentDB): ping, then hello for the
// member's role, then optionally a read. Use [New] or [Open] to make one;
// it is safe for concurrent use.
type Checker struct {
	client     *mongo.Client
	collection *mongo.Collection // nil without Options.Collection
	own        owned.Client      // the client Open made, which Close disconnects
}

var _ vitals.Checker = (*Checker)(nil)

// ErrClosed is the error of a check run on a Checker made by [Open] after
// [Checker.Close].
var ErrClosed = errors.New("mongo: checker closed")

// New returns a Checker that uses client, typically the client the service
// itself uses. The caller keeps ownership of client.
func New(client *mongo.Client, opts *Options) (*Checker, error) {
	if client == nil {
		return nil, errors.New("mongo: nil client")
	}
	if opts == nil {
		opts = &Options{}
	}
	c := &Checker{client: client}
	switch {
	case opts.Collection != "" && opts.Database == "":
		return nil, errors.New("mongo: Options.Collection needs Options.Database")
	case opts.Collection != "":
		c.collection = client.Database(opts.Database).Collection(opts.Collection)
	}
	return c, nil
}

// Open returns a Checker that owns a new client for uri, a MongoDB
// connection string ("mongodb://[user:password@]host[:port][,…][/db][?options]"
// or "mongodb+srv://…"). The client connects in the background: Open does
// not wait for a server. Close the Checker to disconnect the client. An
// error never quotes the password.
func Open(uri string, opts *Options) (*Checker, error) {
	if uri == "" {
		return nil, errors.New("mongo: empty URI")
	}
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		// The driver's parse errors may quote the URI.
		return nil, fmt.Errorf("mongo: %w", redact.Error(err))
	}
	return owned.Adopt(New, client, opts, func() error { return disconnect(client) }, (*Checker).owner)
}

func (c *Checker) owner() *owned.Client { return &c.own }

// Close disconnects the client that [Open] created, waiting at most five
// seconds for connections in use. For a Checker made by [New] it does
// nothing: the client belongs to the caller.
func (c *Checker) Close() error {
	if err := c.own.Close(); err != nil {
		return fmt.Errorf("mongo: disconnect: %w", err)
	}
	return nil
}

func disconnect(client *mongo.Client) error {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	return client.Disconnect(ctx)
}

// commandOpts sends ping and hello to the primary when there is one and to
// a secondary when there is none, so that a replica set without a primary
// still answers and its hello tells why it cannot take writes.
var commandOpts = options.RunCmd().SetReadPreference(readpref.PrimaryPreferred())

// Check sends ping, then hello, then (with [Options].Collection) reads one
// document, and reports:
//
//   - [vitals.StatusFail] when ping, hello or the read fails (no server
//     reachable before the deadline, wrong credentials, not authorized),
//     when the member is a secondary of a replica set that has no
//     primary (writes fail), or when it is neither primary, secondary,
//     standalone nor mongos (recovering, starting up);
//   - [vitals.StatusWarn] when the member is an arbiter, which holds no
//     data;
//   - [vitals.StatusPass] otherwise.
//
// The driver waits for a server it can use until the deadline, so a
// server that refuses connections fails at the deadline, not at once; the
// message then holds the driver's view of every server and its last error.
//
// Observed is ping's round-trip time in milliseconds. Details hold role
// (primary, secondary, standalone, mongos, arbiter or other),
// writable_primary, max_wire_version and min_wire_version; set_name,
// primary (its host:port, empty when there is none) and me on a replica
// set member; and read_ms with a read.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	if c.own.Closed() {
		return vitals.Failf("%w", ErrClosed)
	}
	admin := c.client.Database("admin")
	start := time.Now()
	if err := admin.RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}, commandOpts).Err(); err != nil {
		return vitals.Failf("mongo ping: %w", err)
	}
	rtt := time.Since(start)

	raw, err := admin.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}, commandOpts).Raw()
	if err != nil {
		return vitals.Failf("mongo hello: %w", err)
	}
	h, err := readHello(raw)
	if err != nil {
		return vitals.Failf("mongo hello: %w", err)
	}
	details := h.details()

	if c.collection != nil {
		start := time.Now()
		err := c.collection.FindOne(ctx, bson.D{}).Err()
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			r := vitals.Failf("mongo read of %s.%s: %w", c.collection.Database().Name(), c.collection.Name(), err)
			r.Details = details
			return r
		}
		details["read_ms"] = report.Ms(time.Since(start))
	}

	r := h.result(rtt)
	r.Details = details
	r.Observed, r.Unit = report.Ms(rtt), "ms"
	return r
}
