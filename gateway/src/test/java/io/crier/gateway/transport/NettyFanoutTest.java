package io.crier.gateway.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.config.CompressionConfig;
import io.crier.gateway.limits.CommandRateLimiter;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.CloseCode;
import io.crier.protocol.Push;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.DataFormatException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NettyFanoutTest {

    private static final String PUSH = "{\"type\":\"message\",\"topic\":\"news\",\"data\":{\"n\":1}}";
    private static final byte[] ENCODED = PUSH.getBytes(StandardCharsets.UTF_8);

    private final TestNode node = TestNode.create();
    private final NettyFanout fanout = TestHandlers.fanout(node.disconnector);
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    /** A fan-out with the node's meters, for the tests that read them. */
    private final NettyFanout counted = new NettyFanout(ByteBufAllocator.DEFAULT, node.disconnector, node.meters);
    /** One event loop for the tests whose sessions sit on a real loop ({@link LocalPair}). */
    private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);

    @AfterEach
    void tearDown() throws InterruptedException {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        node.close();
    }

    @Test
    void writesOnePreEncodedFrameInOneSharedDirectBufferToEverySubscriber() {
        List<ChannelSubscriber> targets = List.of(subscriber("a"), subscriber("b"), subscriber("c"));
        fanout.deliver(ENCODED, targets);
        flushed();

        List<ByteBuf> frames = new ArrayList<>();
        for (ChannelSubscriber target : targets) {
            frames.add(((EmbeddedChannel) target.channel()).readOutbound());
        }
        ByteBuf first = frames.get(0);
        assertTrue(first.isDirect());
        assertEquals(3, first.refCnt(), "one reference per subscriber, the fan-out's own released");
        for (ByteBuf frame : frames) {
            assertEquals(0x81, frame.getUnsignedByte(frame.readerIndex()), "FIN + text");
            assertEquals(ENCODED.length, frame.getUnsignedByte(frame.readerIndex() + 1), "length, no mask");
            assertEquals(PUSH, frame.toString(frame.readerIndex() + 2, ENCODED.length, StandardCharsets.UTF_8));
            assertEquals(first.memoryAddress() + first.readerIndex(), frame.memoryAddress() + frame.readerIndex(),
                    "same bytes, not a copy");
        }
        frames.forEach(ByteBuf::release);
        assertEquals(0, first.refCnt());
    }

    @Test
    void compressedSessionsShareOnePublicationCompressedOnceAndPlainSessionsThePlainFrame() throws Exception {
        NettyFanout deflating = deflating(64);
        String push = "{\"type\":\"message\",\"topic\":\"news\",\"data\":\"" + "compressible ".repeat(40) + "\"}";
        ChannelSubscriber first = compressedSubscriber("z1");
        ChannelSubscriber second = compressedSubscriber("z2");
        ChannelSubscriber plain = subscriber("p");

        deflating.deliver(push.getBytes(StandardCharsets.UTF_8), List.of(first, plain, second));
        flushed();

        ByteBuf one = ((EmbeddedChannel) first.channel()).readOutbound();
        ByteBuf two = ((EmbeddedChannel) second.channel()).readOutbound();
        ByteBuf raw = ((EmbeddedChannel) plain.channel()).readOutbound();
        assertEquals(0xC1, one.getUnsignedByte(one.readerIndex()), "FIN, RSV1 (compressed), text");
        assertEquals(one.memoryAddress() + one.readerIndex(), two.memoryAddress() + two.readerIndex(),
                "both compressed sessions got the same bytes");
        assertEquals(push, inflate(one));
        assertEquals(0x81, raw.getUnsignedByte(raw.readerIndex()), "the plain session's frame is not compressed");
        assertEquals(push, raw.toString(raw.readerIndex() + 4, raw.readableBytes() - 4, StandardCharsets.UTF_8));
        assertTrue(one.readableBytes() < raw.readableBytes() / 3, "compressed: " + one.readableBytes() + " bytes");
        assertEquals(1.0, node.meters.counter("crier.fanout.deflates").count(), "one deflate for the publication");
        one.release();
        two.release();
        raw.release();
        assertEquals(0, one.refCnt(), "the fan-out released its own references to the compressed frame");
    }

    @Test
    void aPublicationUnderMinBytesGoesToCompressedSessionsAsThePlainFrame() {
        NettyFanout deflating = deflating(512);
        ChannelSubscriber compressed = compressedSubscriber("z");

        deflating.deliver(ENCODED, List.of(compressed));
        flushed();

        ByteBuf frame = ((EmbeddedChannel) compressed.channel()).readOutbound();
        assertEquals(0x81, frame.getUnsignedByte(frame.readerIndex()), "RSV1 clear: a plain frame, which it reads too");
        assertEquals(PUSH, frame.toString(frame.readerIndex() + 2, ENCODED.length, StandardCharsets.UTF_8));
        assertEquals(0.0, node.meters.counter("crier.fanout.deflates").count());
        frame.release();
    }

    @Test
    void nothingIsCompressedWhenNoTargetNegotiatedPermessageDeflate() {
        NettyFanout deflating = deflating(0);
        ChannelSubscriber plain = subscriber("p");

        deflating.deliver(ENCODED, List.of(plain));
        flushed();

        ByteBuf frame = ((EmbeddedChannel) plain.channel()).readOutbound();
        assertEquals(0x81, frame.getUnsignedByte(frame.readerIndex()));
        assertEquals(0.0, node.meters.counter("crier.fanout.deflates").count());
        frame.release();
    }

    /** A fan-out with the node's meters that compresses publications of at least {@code minBytes}. */
    private NettyFanout deflating(int minBytes) {
        return new NettyFanout(ByteBufAllocator.DEFAULT, new MessageDeflater(new CompressionConfig(true, minBytes, 6)),
                node.disconnector, node.meters);
    }

    /** A session on a channel whose upgrade negotiated permessage-deflate. */
    private ChannelSubscriber compressedSubscriber(String id) {
        EmbeddedChannel channel = new EmbeddedChannel();
        Connection.of(channel).completeUpgrade(true);
        channels.add(channel);
        ChannelSubscriber subscriber = new ChannelSubscriber(id, channel);
        assertTrue(subscriber.compressed());
        return subscriber;
    }

    /** The text of a server frame with RSV1 set, inflated as a client does. */
    private static String inflate(ByteBuf frame) throws DataFormatException {
        ByteBuf payload = OutboundFrames.retainedPayload(frame);
        try {
            return new String(ClientInflate.message(ByteBufUtil.getBytes(payload)), StandardCharsets.UTF_8);
        } finally {
            payload.release();
        }
    }

    @Test
    void disconnectsASlowConsumerInsteadOfWritingToIt() {
        ChannelSubscriber slow = subscriber("slow");
        ChannelSubscriber fast = subscriber("fast");
        EmbeddedChannel slowChannel = (EmbeddedChannel) slow.channel();
        slowChannel.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32, 64));
        slowChannel.write(new TextWebSocketFrame("x".repeat(100)));
        assertFalse(slowChannel.isWritable());

        fanout.deliver(ENCODED, List.of(slow, fast));
        flushed();

        ByteBuf delivered = ((EmbeddedChannel) fast.channel()).readOutbound();
        assertEquals(PUSH, delivered.toString(delivered.readerIndex() + 2, ENCODED.length, StandardCharsets.UTF_8));
        delivered.release();
        List<String> slowGot = OutboundFrames.texts(slowChannel);
        assertEquals(List.of("x".repeat(100),
                "{\"type\":\"disconnect\",\"code\":4001,\"reason\":\"slow_consumer\",\"reconnect\":true}",
                "close 4001 slow_consumer"), slowGot);
        assertFalse(slowChannel.isActive());
        assertEquals(1.0, node.meters.counter("crier.disconnects", "reason", "slow_consumer").count());
    }

    @Test
    void skipsClosedChannels() {
        ChannelSubscriber gone = subscriber("gone");
        gone.channel().close();
        fanout.deliver(ENCODED, List.of(gone));
        assertNull(((EmbeddedChannel) gone.channel()).readOutbound());
    }

    @Test
    void aSessionTheServerStartedClosingGetsNoMorePublications() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(PipelineNames.TELEMETRY, new ChannelDuplexHandler());
        Connection.of(channel).completeUpgrade(false);
        channels.add(channel);
        ChannelSubscriber open = new ChannelSubscriber("open", channel);

        fanout.deliver(ENCODED, List.of(open));
        assertEquals(List.of(PUSH), OutboundFrames.texts(channel), "written where the telemetry handler sits");

        ChannelAttributes.claimClose(channel, "shutdown");
        fanout.deliver(ENCODED, List.of(open));
        flushed();
        assertEquals(List.of(), OutboundFrames.texts(channel), "nothing after the close began");
    }

    @Test
    void aSessionWhoseClientSentACloseFrameGetsNoMorePublications() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(PipelineNames.TELEMETRY, new ChannelDuplexHandler());
        channel.pipeline().addLast(PipelineNames.CONTROL_LIMITS, new ControlFrameLimitsHandler(
                new CommandBudget(node.disconnector, LimitMeters.register(node.meters))));
        Connection.of(channel).useCommandBucket(new CommandRateLimiter(100, 100, 50, System::nanoTime));
        Connection.of(channel).completeUpgrade(false);
        channels.add(channel);
        ChannelSubscriber open = new ChannelSubscriber("open", channel);

        channel.writeInbound(new CloseWebSocketFrame(1000, "bye"));
        CloseWebSocketFrame passedOn = channel.readInbound();
        passedOn.release();
        fanout.deliver(ENCODED, List.of(open));
        flushed();
        assertEquals(List.of(), OutboundFrames.texts(channel), "nothing after the client's close frame");
        assertFalse(node.disconnector.disconnect(channel, CloseCode.SHUTDOWN),
                "no disconnect push after the client's close either");
    }

    @Test
    void aFrameWrittenPastThePipelineTellsTheHeartbeatAndIsCountedOnce() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(PipelineNames.TELEMETRY, new TelemetryHandler(node.meters, null));
        channel.pipeline().addLast(PipelineNames.HEARTBEAT, new HeartbeatHandler(Duration.ofSeconds(10),
                node.disconnector));
        Connection.of(channel).completeUpgrade(false);
        channels.add(channel);
        ChannelSubscriber target = new ChannelSubscriber("counted", channel);

        channel.advanceTimeBy(9, TimeUnit.SECONDS);
        counted.deliver(ENCODED, List.of(target));
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        List<Object> written = new ArrayList<>();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            written.add(out);
        }
        assertFalse(written.stream().anyMatch(Push.Heartbeat.class::isInstance),
                "the publication was server output: no heartbeat push is due yet");
        assertEquals(2.0 + ENCODED.length, MeterCatalog.BYTES_OUT.counter(node.meters).count(),
                "counted by the fan-out, not again by the telemetry handler it entered past");
        written.forEach(ReferenceCountUtil::release);
    }

    /** Runs each channel's queued tasks: the loop's flush comes after the fan-out's writes. */
    private void flushed() {
        channels.forEach(EmbeddedChannel::runPendingTasks);
    }

    @Test
    void publicationsQueuedTogetherShareOneTaskAndOneFlushPerSession() throws Exception {
        AtomicInteger flushes = new AtomicInteger();
        AtomicLong received = new AtomicLong();
        Channel server = LocalPair.open(group, flushes, received);
        ChannelSubscriber target = new ChannelSubscriber("batched", server);
        deliverWhileHeld(counted, List.of(target), List.of(target), List.of(target));

        long threeFrames = 3L * (2 + ENCODED.length);
        await("all three arrived").atMost(Duration.ofSeconds(10)).until(() -> received.get() == threeFrames);
        assertEquals(1, flushes.get(), "three publications, one flush");
        await("the drain is counted").atMost(Duration.ofSeconds(10))
                .until(() -> meter("crier.fanout.drains") == 1.0);
        assertEquals(3.0, meter("crier.fanout.drained"), "one task wrote all three");
        assertEquals(1.0, meter("crier.fanout.flushes"));
        assertEquals(3.0, meter("crier.pushes.out", "type", "fanout"));
        assertEquals(1L, node.meters.get("crier.fanout.handoff").timer().count(), "one hand-off per drain");
        assertEquals(3L, node.meters.get("crier.delivery.latency").timer().count(), "one per publication");
    }

    @Test
    void aSessionLeftOutOfTheLastPublicationOfADrainIsStillFlushedOnceInOrder() throws Exception {
        Peer a = Peer.open(group, "a");
        Peer b = Peer.open(group, "b");
        deliverWhileHeld(counted, List.of(a.subscriber, b.subscriber), List.of(b.subscriber),
                List.of(a.subscriber));

        b.awaitFrames(2);
        a.awaitFrames(2);
        assertEquals(1, a.flushes.get(), "flushed with the last publication");
        assertEquals(1, b.flushes.get(), "flushed at the end of the drain");
        await("the drain is counted").atMost(Duration.ofSeconds(10))
                .until(() -> meter("crier.fanout.flushes") == 2.0);
    }

    @Test
    void aPublicationQueuedWhileALoopWritesSharesTheFlushesOfTheSessionsNotYetFlushed() throws Exception {
        Peer a = Peer.open(group, "a");
        Peer b = Peer.open(group, "b");
        List<ChannelSubscriber> both = List.of(a.subscriber, b.subscriber);
        AtomicInteger writesToA = new AtomicInteger();
        // As the loop writes the first publication to a, the broker thread hands it the second one.
        a.subscriber.channel().pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
                ctx.write(msg, promise);
                if (writesToA.incrementAndGet() == 1) {
                    Thread broker = new Thread(() -> counted.deliver(ENCODED, both));
                    broker.start();
                    broker.join(10_000);
                }
            }
        });
        counted.deliver(ENCODED, both);

        a.awaitFrames(2);
        b.awaitFrames(2);
        assertEquals(1, a.flushes.get(), "the second publication was queued before a was flushed");
        assertEquals(1, b.flushes.get(), "b was written after it was queued");
        await("the drain is counted").atMost(Duration.ofSeconds(10))
                .until(() -> meter("crier.fanout.flushes") == 2.0);
        assertEquals(4.0, meter("crier.pushes.out", "type", "fanout"));
    }

    @Test
    void aBurstReachesEachSessionInOrder() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Channel server = recordingPayloads(group, seen);
        ChannelSubscriber target = new ChannelSubscriber("ordered", server);
        CountDownLatch gate = new CountDownLatch(1);
        server.eventLoop().execute(() -> awaitQuietly(gate));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String push = "{\"type\":\"message\",\"topic\":\"news\",\"data\":" + i + "}";
            sent.add(push);
            fanout.deliver(push.getBytes(StandardCharsets.UTF_8), List.of(target));
            if (i == 20) {
                gate.countDown(); // the rest arrive while the loop drains: queued behind, never ahead
            }
        }
        await("all fifty arrived").atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 50);
        assertEquals(sent, seen);
    }

    @Test
    void aPublicationDeliveredOnALoopQueuesBehindThoseAlreadyQueuedForIt() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Channel server = recordingPayloads(group, seen);
        ChannelSubscriber target = new ChannelSubscriber("ordered", server);
        String first = "{\"type\":\"message\",\"topic\":\"news\",\"data\":1}";
        String second = "{\"type\":\"message\",\"topic\":\"news\",\"data\":2}";
        // The loop is busy (held) when a broker thread hands it the first publication; then, still in that
        // busy task, the loop itself publishes the second (an in-memory broker's publisher on this loop).
        CountDownLatch firstQueued = new CountDownLatch(1);
        server.eventLoop().execute(() -> {
            awaitQuietly(firstQueued);
            fanout.deliver(second.getBytes(StandardCharsets.UTF_8), List.of(target));
        });
        fanout.deliver(first.getBytes(StandardCharsets.UTF_8), List.of(target));
        firstQueued.countDown();

        await("both arrived").atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
        assertEquals(List.of(first, second), seen, "written in the order they were handed over");
    }

    @Test
    void aPublicationForALoopThatHasShutDownIsReleased() throws Exception {
        List<ByteBuf> frames = new ArrayList<>();
        NettyFanout recording = new NettyFanout(new AbstractByteBufAllocator(true) {
            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                return Unpooled.buffer(initialCapacity, maxCapacity);
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                ByteBuf frame = Unpooled.directBuffer(initialCapacity, maxCapacity);
                frames.add(frame);
                return frame;
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }
        }, node.disconnector, new SimpleMeterRegistry());
        Channel server = LocalPair.open(group, new AtomicInteger(), new AtomicLong());
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();

        recording.deliver(ENCODED, List.of(new ChannelSubscriber("late", server)));
        assertEquals(1, frames.size());
        assertEquals(0, frames.get(0).refCnt(), "nothing to deliver to, and nothing held");
    }

    /** A session on a {@link LocalPair}, with the flushes that reached it and the bytes its client read. */
    private record Peer(ChannelSubscriber subscriber, AtomicInteger flushes, AtomicLong received) {

        static Peer open(DefaultEventLoopGroup group, String id) throws Exception {
            AtomicInteger flushes = new AtomicInteger();
            AtomicLong received = new AtomicLong();
            return new Peer(new ChannelSubscriber(id, LocalPair.open(group, flushes, received)), flushes, received);
        }

        /** Waits until the client has read {@code count} frames of {@link #ENCODED}. */
        void awaitFrames(int count) {
            long bytes = (long) count * (2 + ENCODED.length);
            await(subscriber.sessionId() + " got " + count).atMost(Duration.ofSeconds(10))
                    .until(() -> received.get() == bytes);
        }
    }

    /** A session's channel on a {@link LocalPair} that adds the payload of each frame written to it to {@code seen}. */
    private static Channel recordingPayloads(DefaultEventLoopGroup group, List<String> seen) throws Exception {
        Channel server = LocalPair.open(group, new AtomicInteger(), new AtomicLong());
        server.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ByteBuf frame = (ByteBuf) msg;
                seen.add(frame.toString(frame.readerIndex() + 2, frame.readableBytes() - 2, StandardCharsets.UTF_8));
                ctx.write(msg, promise);
            }
        });
        return server;
    }

    private double meter(String name, String... tags) {
        return node.meters.get(name).tags(tags).counter().count();
    }

    /**
     * Holds the targets' loop (of the first target) while each list gets one publication, so that they queue up
     * behind the held task as under load; then lets the loop go.
     */
    @SafeVarargs
    private static void deliverWhileHeld(NettyFanout fanout, List<ChannelSubscriber>... publications) {
        CountDownLatch gate = new CountDownLatch(1);
        publications[0].get(0).channel().eventLoop().execute(() -> awaitQuietly(gate));
        for (List<ChannelSubscriber> targets : publications) {
            fanout.deliver(ENCODED, targets);
        }
        gate.countDown();
    }

    private static void awaitQuietly(CountDownLatch gate) {
        try {
            gate.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ChannelSubscriber subscriber(String id) {
        EmbeddedChannel channel = new EmbeddedChannel();
        Connection.of(channel).completeUpgrade(false);
        channels.add(channel);
        return new ChannelSubscriber(id, channel);
    }
}
