package drivers

import "github.com/vitalsgo/vitals/cmd/vitals/internal/checkers"

// The types whose checkers need a third-party driver module.
func init() {
	checkers.Register("postgres", buildPostgres)
	checkers.Register("mysql", buildMySQL)
	checkers.Register("redis", buildRedis)
	checkers.Register("amqp", buildAMQP)
	checkers.Register("mqtt", buildMQTT)
	checkers.Register("nats", buildNATS)
	checkers.Register("etcd", buildEtcd)
	checkers.Register("memcached", buildMemcached)
	checkers.Register("mongo", buildMongo)
	checkers.Register("consul", buildConsul)
	checkers.Register("bolt", buildBolt)
	checkers.Register("badger", buildBadger)
}
