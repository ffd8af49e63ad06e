/**
 * JMH microbenchmarks for the per-publication hot path, run with {@code loadtest/bin/jmh}: the envelope and broker
 * payload codecs ({@link io.crier.loadtest.jmh.CodecBenchmark}) and the gateway's socket-free fan-out work
 * ({@link io.crier.loadtest.jmh.FanoutBenchmark}). They guide performance work; the end-to-end numbers that users
 * judge come from {@code loadtest/bin/bench}.
 *
 * <p>Depends on the protocol module, the gateway's public transport types ({@code NettyFanout},
 * {@code ChannelSubscriber}, {@code Disconnector}), Netty and JMH. Benchmark data is built with the protocol's
 * encoders, never typed by hand.
 *
 * <p>Threading: JMH calls each benchmark from its own worker thread with per-benchmark state; the one-loop fan-out
 * state also owns one Netty event loop thread, stopped in its tear-down.
 */
package io.crier.loadtest.jmh;
