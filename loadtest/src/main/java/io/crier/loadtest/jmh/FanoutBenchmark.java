package io.crier.loadtest.jmh;

import io.crier.gateway.transport.ChannelSubscriber;
import io.crier.gateway.transport.Disconnector;
import io.crier.gateway.transport.NettyFanout;
import io.crier.protocol.EnvelopeCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
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
 * A node's work for one publication of 100-byte data to N local subscribers, without sockets, in microseconds per
 * publication: {@link NettyFanout#deliver} to N {@link EmbeddedChannel}s (each on its own loop, so the grouping by
 * loop degenerates to N batches and the embedded channels' bookkeeping dominates), to N in-JVM channels on one event
 * loop as on a node ({@link LocalTargets}; includes the hand-over to that loop), and the floor: one direct buffer
 * holding the push and N {@code retainedDuplicate()}s of it, released. Every buffer is released after each operation.
 *
 * <p>Thread-safety: the embedded channels and the floor's scratch array are per JMH thread; the one-loop targets are
 * shared and thread-safe ({@link NettyFanout} is).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FanoutBenchmark {

    private static final int DATA_BYTES = 100;
    private static final int MAX_DATA_BYTES = 32768;

    /** The floor: allocation, one copy and the reference counting that sharing one buffer needs. */
    @State(Scope.Thread)
    public static class Floor {
        @Param({"1000"})
        int subscribers;

        byte[] push;
        ByteBuf[] duplicates;

        @Setup(Level.Trial)
        public void setUp() {
            push = push();
            duplicates = new ByteBuf[subscribers];
        }
    }

    /** N embedded channels behind a real fan-out; their outbound is drained and released after each operation. */
    @State(Scope.Thread)
    public static class Embedded {
        @Param({"1000"})
        int subscribers;

        byte[] push;
        NettyFanout fanout;
        final List<EmbeddedChannel> channels = new ArrayList<>();
        final List<ChannelSubscriber> targets = new ArrayList<>();

        @Setup(Level.Trial)
        public void setUp() {
            push = push();
            fanout = fanout();
            for (int i = 0; i < subscribers; i++) {
                EmbeddedChannel channel = new EmbeddedChannel();
                channels.add(channel);
                targets.add(new ChannelSubscriber("jmh-" + i, channel));
            }
            fanout.deliver(push, targets);
            requireDelivered(drain(), subscribers);
        }

        /** Releases every frame the channels were given; returns how many there were. */
        int drain() {
            int drained = 0;
            for (EmbeddedChannel channel : channels) {
                for (Object frame = channel.readOutbound(); frame != null; frame = channel.readOutbound()) {
                    ReferenceCountUtil.release(frame);
                    drained++;
                }
            }
            return drained;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        }
    }

    /** N channels on one event loop behind a real fan-out, as a node's sessions share a few loops. */
    @State(Scope.Benchmark)
    public static class OneLoop {
        @Param({"1000"})
        int subscribers;

        byte[] push;
        NettyFanout fanout;
        LocalTargets targets;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            push = push();
            fanout = fanout();
            targets = new LocalTargets(subscribers);
            fanout.deliver(push, targets.subscribers());
            requireDelivered(targets.awaitIdle(), subscribers);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            targets.close();
        }
    }

    @Benchmark
    public int floor(Floor state) {
        ByteBuf shared = ByteBufAllocator.DEFAULT.directBuffer(state.push.length).writeBytes(state.push);
        ByteBuf[] duplicates = state.duplicates;
        for (int i = 0; i < duplicates.length; i++) {
            duplicates[i] = shared.retainedDuplicate();
        }
        // Released after all were taken, as sockets release them after the fan-out has handed all of them out.
        for (int i = 0; i < duplicates.length; i++) {
            duplicates[i].release();
            duplicates[i] = null;
        }
        return shared.release() ? duplicates.length : -1;
    }

    @Benchmark
    public int deliverEmbedded(Embedded state) {
        state.fanout.deliver(state.push, state.targets);
        return state.drain();
    }

    @Benchmark
    public long deliverOneLoop(OneLoop state) throws Exception {
        state.fanout.deliver(state.push, state.targets.subscribers());
        return state.targets.awaitIdle();
    }

    /** The {@code message} push of 100-byte data, as the broker listener encodes it once per publication. */
    static byte[] push() {
        return new EnvelopeCodec(MAX_DATA_BYTES).encodeMessage("chat:lobby", BenchData.of(DATA_BYTES));
    }

    private static NettyFanout fanout() {
        EnvelopeCodec envelopes = new EnvelopeCodec(MAX_DATA_BYTES);
        Disconnector disconnector = new Disconnector(envelopes, new SimpleMeterRegistry(), Disconnector.CLOSE_TIMEOUT);
        return new NettyFanout(ByteBufAllocator.DEFAULT, disconnector, new SimpleMeterRegistry());
    }

    private static void requireDelivered(long delivered, int subscribers) {
        if (delivered != subscribers) {
            throw new IllegalStateException("a publication reached " + delivered + " of " + subscribers + " subscribers");
        }
    }
}
