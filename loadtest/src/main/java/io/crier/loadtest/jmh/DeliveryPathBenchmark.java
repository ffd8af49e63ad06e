package io.crier.loadtest.jmh;

import io.crier.cluster.memory.InMemoryBroker;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.hub.HubBuilder;
import io.crier.gateway.transport.ChannelSubscriber;
import io.crier.gateway.transport.Disconnector;
import io.crier.gateway.transport.NettyFanout;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.PublicationCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
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
 * A node's whole path for a burst of publications of one topic with N local subscribers on real loopback sockets:
 * the broker payload as Redis hands it to the broker's listener ({@link Hub#onPublication}: decode, encode the push
 * once, the subscribers' snapshot) → {@link NettyFanout} (grouping by loop, hand-off to the loops, one write per
 * session, flushes) → {@code writev} → the clients, which read and count every byte; one operation is {@code burst}
 * publications, published back to back as a busy broker connection delivers them, then waited for until every byte
 * arrived. Run it with {@code -prof gc}: {@code gc.alloc.rate.norm} divided by {@code burst} is the allocation per
 * publication (both sides: the clients' reads allocate nothing, their buffers are pooled), and divided again by
 * {@code subscribers}, per delivery. {@code allocator} is where the fan-out's shared frames come from: {@code pooled}
 * as on a node, or {@code adaptive}, Netty 4.2's default, whose {@code retainedDuplicate()} makes an object per
 * session. Leaves out Lettuce's RESP decoding of the message and the channel name.
 *
 * <p>Thread-safety: the state is shared; {@link Hub} and {@link NettyFanout} are thread-safe.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class DeliveryPathBenchmark {

    private static final String TOPIC = "chat:lobby";
    private static final int DATA_BYTES = 100;
    private static final int MAX_DATA_BYTES = 32768;

    @Param({"1000"})
    int subscribers;

    @Param({"1", "16"})
    int burst;

    @Param({"pooled", "adaptive"})
    String allocator;

    /** Event loops the sessions are spread over (a node on 2 cores has 4). */
    @Param({"2"})
    int loops;

    private SocketTargets targets;
    private InMemoryBroker broker;
    private Hub hub;
    private byte[] payload;
    private long frameBytes;
    private long expected;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        targets = new SocketTargets(subscribers, loops);
        broker = new InMemoryBroker();
        EnvelopeCodec envelopes = new EnvelopeCodec(MAX_DATA_BYTES);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Disconnector disconnector = new Disconnector(envelopes, meters, Disconnector.CLOSE_TIMEOUT);
        ByteBufAllocator frames = "pooled".equals(allocator) ? PooledByteBufAllocator.DEFAULT : ByteBufAllocator.DEFAULT;
        hub = HubBuilder.on(broker).envelopes(envelopes).meters(meters)
                .fanout(new NettyFanout(frames, disconnector, meters)).build();
        broker.start(hub).toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (ChannelSubscriber subscriber : targets.subscribers()) {
            hub.subscribe(TOPIC, subscriber, null).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        payload = new PublicationCodec().encode(BenchData.of(DATA_BYTES));
        long before = targets.received();
        hub.onPublication(TOPIC, payload);
        targets.awaitBytes(before + 1);
        // One publication's bytes over all subscribers, once the first one has fully arrived.
        int push = envelopes.encodeMessage(TOPIC, BenchData.of(DATA_BYTES)).length;
        frameBytes = (push < 126 ? 2 : 4) + push;
        expected = frameBytes * subscribers;
        targets.awaitBytes(expected);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        broker.close();
        targets.close();
    }

    @Benchmark
    public long publishBurst() throws Exception {
        for (int i = 0; i < burst; i++) {
            hub.onPublication(TOPIC, payload);
        }
        expected += frameBytes * subscribers * burst;
        targets.awaitBytes(expected);
        return expected;
    }
}
