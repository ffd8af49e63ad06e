package io.crier.loadtest.jmh;

import io.crier.gateway.transport.UpgradeRig;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The HTTP phase of one connection on the node's real pipeline, through an {@code EmbeddedChannel} (no socket,
 * so {@code -prof gc} gives the exact bytes allocated per connection even on a busy machine):
 * <ul>
 *   <li>{@code pipeline}: the pipeline built by the node's initializer, then the channel closed;</li>
 *   <li>{@code upgrade}: the same plus an upgrade request on {@code /ws} ({@code origin=true}: a browser's, with a
 *       same-origin {@code Origin}; {@code false}: {@code bench connect}'s, without one), decoded, checked,
 *       answered with 101 by Netty's handshaker, and the HTTP-phase handlers gone;</li>
 *   <li>{@code bare}: an {@code EmbeddedChannel} with no handler opened and closed, the harness's own cost, to
 *       subtract from both.</li>
 * </ul>
 * {@code compression=true} turns permessage-deflate on (the request does not offer it, as {@code bench connect}'s
 * client does not).
 *
 * <p>Thread-safety: each JMH thread has its own node ({@link Scope#Thread}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UpgradeBenchmark {

    /** A node with the test secret and the bundled defaults. */
    @State(Scope.Thread)
    public static class Node {
        @Param({"false"})
        public boolean compression;
        @Param({"false", "true"})
        public boolean origin;
        UpgradeRig rig;

        @Setup(Level.Trial)
        public void setUp() {
            rig = UpgradeRig.create(Map.of("CRIER_COMPRESSION_ENABLED", Boolean.toString(compression)));
            EmbeddedChannel channel = rig.connect();
            int status = rig.upgrade(channel, origin);
            channel.finishAndReleaseAll();
            if (status != 101) {
                throw new IllegalStateException("the upgrade was answered with " + status + ", not 101");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            rig.close();
        }
    }

    /** The harness alone: an embedded channel with no handler, opened and closed. */
    @Benchmark
    public boolean bare() {
        EmbeddedChannel channel = new EmbeddedChannel();
        return channel.finishAndReleaseAll();
    }

    /** The initializer's pipeline built, then the channel closed. */
    @Benchmark
    public boolean pipeline(Node node) {
        EmbeddedChannel channel = node.rig.connect();
        return channel.finishAndReleaseAll();
    }

    /** The pipeline built, the upgrade request answered with 101, then the channel closed. */
    @Benchmark
    public int upgrade(Node node) {
        EmbeddedChannel channel = node.rig.connect();
        int status = node.rig.upgrade(channel, node.origin);
        channel.finishAndReleaseAll();
        return status;
    }
}
