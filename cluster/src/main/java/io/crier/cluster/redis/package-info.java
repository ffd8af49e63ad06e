/**
 * The Redis implementations of the cluster seams, the only code that imports Lettuce: {@link
 * io.crier.cluster.redis.RedisBroker} (pub/sub), {@link io.crier.cluster.redis.RedisHistoryStore} (streams,
 * written by the Redis Function library {@code crier.lua} in this package's resources), {@link
 * io.crier.cluster.redis.RedisPresenceStore} (a hash and a sorted set per topic, changed by Lua scripts), {@link
 * io.crier.cluster.redis.RedisNodeRegistry} (the cluster view under leases), {@link
 * io.crier.cluster.redis.RedisUserStatusLog} (users' online/offline events: leases in 16 buckets, swept into one
 * stream), and {@link
 * io.crier.cluster.redis.Publisher}, which JVM backends use to publish straight to Redis. {@link
 * io.crier.cluster.redis.RedisConfig} is how a node reaches Redis, and {@link io.crier.cluster.redis.RedisLink} its
 * one client; {@code RedisEndpoint} is the one place that reads the URI and the mode its scheme chooses (standalone
 * or Sentinel), and {@code RedisProblems} puts what Redis answers to a wrong setup into one sentence.
 *
 * <p>Lettuce is set up as STYLE.md §5 asks: bounded request queues, commands rejected while disconnected,
 * command timeouts, and a reconnect backoff. Depends on {@code io.crier.cluster}, Lettuce and SLF4J.
 *
 * <p>Threading: every public class is thread-safe; listener callbacks run on Lettuce's I/O threads and must not
 * block.
 */
package io.crier.cluster.redis;
