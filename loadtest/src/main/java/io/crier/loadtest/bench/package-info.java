/**
 * The lean fan-out benchmark: a Netty WebSocket load generator ({@link io.crier.loadtest.bench.Bench}) that opens
 * many authenticated, subscribed connections spread over 127.0.0.x source addresses, publishes over Redis at a
 * fixed rate with a sequence number and a send timestamp in each payload, and reports publish-to-receive latency
 * (HdrHistogram) and per-client delivery accounting (lost, duplicated, out of order). Modes: fixed rate, max-rate
 * search, idle memory per connection, hold (connections held for other processes to act on: {@code bin/bench-fleet}
 * and idle start them; a {@code count} line on standard input counts one publication,
 * {@link io.crier.loadtest.bench.HoldRun}), connect rate, memory after abuse ({@link io.crier.loadtest.bench.AbuseRun}:
 * slow readers, floods, oversized and compressed messages, oversized handshakes, on blocking sockets), and Redis
 * alone ({@link io.crier.loadtest.bench.RedisRun}: plain subscriber connections in place of nodes). Publications go
 * to a standalone Redis or, on a Redis Cluster, to the primary that owns each channel's slot
 * ({@link io.crier.loadtest.bench.RedisShards}); the CPU of watched processes (Redis, nodes) is read per step
 * ({@link io.crier.loadtest.bench.CpuWatch}).
 *
 * <p>Depends on the protocol module (commands it sends are encoded and checked with it, publications are encoded
 * with {@code PublicationCodec}), Netty (transport only: frames are parsed by hand for speed), HdrHistogram and the
 * gateway test-jar's {@code TestTokens}. It never imports gateway production code.
 *
 * <p>Threading: each connection's handler and its delivery ledger live on the connection's event loop; the
 * controller thread reads them by running tasks on those loops, and latencies cross over through
 * {@code SingleWriterRecorder}s. The Redis publisher has one writer and one reply-reader thread per Redis
 * connection; each Redis subscriber connection of the redis mode has a reader thread. The abuse mode's
 * clients each run on a thread of their own (plus one that writes their abuse), and the controller waits for them.
 */
package io.crier.loadtest.bench;
