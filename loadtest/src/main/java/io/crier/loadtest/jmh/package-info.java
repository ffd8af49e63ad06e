/**
 * JMH microbenchmarks for the per-publication hot path, run with {@code loadtest/bin/jmh}: the envelope and broker
 * payload codecs ({@link io.crier.loadtest.jmh.CodecBenchmark}), the verification of a client token
 * ({@link io.crier.loadtest.jmh.TokenBenchmark}), the gateway's socket-free fan-out work
 * ({@link io.crier.loadtest.jmh.FanoutBenchmark}), and the whole path from the broker's listener through the hub and
 * the fan-out to real loopback sockets, with bursts ({@link io.crier.loadtest.jmh.DeliveryPathBenchmark}). They guide performance work; the end-to-end numbers that users
 * judge come from {@code loadtest/bin/bench}.
 *
 * <p>Depends on the protocol module, the gateway's public transport types ({@code NettyFanout},
 * {@code ChannelSubscriber}, {@code Disconnector}), Netty and JMH. Benchmark data is built with the protocol's
 * encoders, never typed by hand.
 *
 * <p>Threading: JMH calls each benchmark from its own worker thread with per-benchmark state; the one-loop fan-out
 * state also owns one Netty event loop thread, and the delivery path's state a few (server and client loops),
 * stopped in their tear-downs.
 */
package io.crier.loadtest.jmh;
