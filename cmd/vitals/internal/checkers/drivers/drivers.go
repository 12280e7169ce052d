package drivers

import (
	"io"
	"strings"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/amqp"
	"github.com/vitalsgo/vitals/checks/etcd"
	"github.com/vitalsgo/vitals/checks/memcached"
	"github.com/vitalsgo/vitals/checks/mqtt"
	"github.com/vitalsgo/vitals/checks/mysql"
	"github.com/vitalsgo/vitals/checks/nats"
	"github.com/vitalsgo/vitals/checks/postgres"
	"github.com/vitalsgo/vitals/checks/redis"
	"github.com/vitalsgo/vitals/cmd/vitals/internal/checkers"
	"github.com/vitalsgo/vitals/monitor/config"
)

func buildPostgres(c *config.Check) (vitals.Checker, io.Closer, error) {
	chk, err := postgres.Open(c.Params.String("dsn"), &postgres.Options{
		Query:          c.Params.String("query"),
		ConnectTimeout: c.Params.Duration("connect_timeout"),
	})
	return checkers.Opened(c, "dsn", chk, err)
}

func buildMySQL(c *config.Check) (vitals.Checker, io.Closer, error) {
	chk, err := mysql.Open(c.Params.String("dsn"), &mysql.Options{Timeout: c.Timeout})
	return checkers.Opened(c, "dsn", chk, err)
}

func buildRedis(c *config.Check) (vitals.Checker, io.Closer, error) {
	chk, err := redis.Open(c.Params.String("url"), &redis.Options{
		RoundTrip: c.Params.Bool("round_trip"),
		KeyPrefix: c.Params.String("key_prefix"),
	})
	return checkers.Opened(c, "url", chk, err)
}

func buildAMQP(c *config.Check) (vitals.Checker, io.Closer, error) {
	chk, err := amqp.Open(c.Params.String("url"), &amqp.Options{Timeout: c.Timeout, Loopback: c.Params.Bool("loopback")})
	return checkers.Opened(c, "url", chk, err)
}

func buildMQTT(c *config.Check) (vitals.Checker, io.Closer, error) {
	chk, err := mqtt.Open(c.Params.String("url"), &mqtt.Options{
		Timeout:     c.Timeout,
		Loopback:    c.Params.Bool("loopback"),
		TopicPrefix: c.Params.String("topic_prefix"),
	})
	return checkers.Opened(c, "url", chk, err)
}

func buildNATS(c *config.Check) (vitals.Checker, io.Closer, error) {
	chk, err := nats.Open(c.Params.String("url"), &nats.Options{
		Timeout:         c.Timeout,
		ReconnectGrace:  c.Params.Duration("reconnect_grace"),
		JetStream:       c.Params.Bool("jetstream"),
		JetStreamDomain: c.Params.String("jetstream_domain"),
		Loopback:        c.Params.Bool("loopback"),
	})
	return checkers.Opened(c, "url", chk, err)
}

func buildEtcd(c *config.Check) (vitals.Checker, io.Closer, error) {
	chk, err := etcd.Open(strings.Join(c.Params.Strings("endpoints"), ","), &etcd.Options{
		RoundTrip: c.Params.Bool("round_trip"),
		KeyPrefix: c.Params.String("key_prefix"),
	})
	return checkers.Opened(c, "endpoints", chk, err)
}

func buildMemcached(c *config.Check) (vitals.Checker, io.Closer, error) {
	chk, err := memcached.Open(strings.Join(c.Params.Strings("servers"), ","), &memcached.Options{
		KeyPrefix: c.Params.String("key_prefix"),
	})
	return checkers.Opened(c, "servers", chk, err)
}
