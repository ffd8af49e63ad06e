package io.crier.loadtest.yardstick;

import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.MalformedPublicationException;
import io.crier.protocol.PublicationCodec;
import io.crier.protocol.RawJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The yardstick's Redis pub/sub link: subscribes each topic's channel once (a future completes on Redis's
 * confirmation), and turns each message into one pre-encoded WebSocket text frame (the gateway's {@code message}
 * push, built by the protocol's codec), collected over one socket read and handed to every worker loop's
 * {@link TopicTable} as one task at the read's end.
 *
 * <p>Thread-safe: {@link #subscribe} may be called from any loop; the rest runs on the link's event loop.
 */
final class RedisFeedHandler extends ChannelInboundHandlerAdapter {

    private final String prefix;
    private final Map<EventExecutor, TopicTable> tables;
    private final Map<String, CompletableFuture<Void>> subscriptions = new ConcurrentHashMap<>();
    private final PublicationCodec publications = new PublicationCodec();
    private final EnvelopeCodec envelopes = new EnvelopeCodec(32768);
    private final List<String> pendingTopics = new ArrayList<>();
    private final List<ByteBuf> pendingFrames = new ArrayList<>();
    private final AtomicLong malformed = new AtomicLong();
    private volatile Channel channel;

    RedisFeedHandler(String prefix, Map<EventExecutor, TopicTable> tables) {
        this.prefix = prefix;
        this.tables = Map.copyOf(tables);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        super.channelActive(ctx);
    }

    /** Subscribes {@code topic}'s channel unless done already; completes once Redis confirmed it. */
    CompletableFuture<Void> subscribe(String topic) {
        CompletableFuture<Void> fresh = new CompletableFuture<>();
        CompletableFuture<Void> known = subscriptions.putIfAbsent(topic, fresh);
        if (known != null) {
            return known;
        }
        List<RedisMessage> parts = List.of(bulk("SUBSCRIBE"), bulk(prefix + topic));
        channel.writeAndFlush(new ArrayRedisMessage(parts));
        return fresh;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof ArrayRedisMessage array && array.children().size() >= 3) {
                String kind = text(array.children().get(0));
                String name = text(array.children().get(1));
                if ("message".equals(kind)) {
                    onMessage(name.substring(prefix.length()), array.children().get(2));
                } else if ("subscribe".equals(kind)) {
                    CompletableFuture<Void> f = subscriptions.get(name.substring(prefix.length()));
                    if (f != null) {
                        f.complete(null);
                    }
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onMessage(String topic, RedisMessage payload) {
        byte[] bytes = ByteBufUtil.getBytes(((FullBulkStringRedisMessage) payload).content());
        RawJson data;
        try {
            data = publications.decodeData(bytes);
        } catch (MalformedPublicationException e) {
            malformed.incrementAndGet(); // a backend's mistake: counted and dropped, as the gateway does
            return;
        }
        byte[] push = envelopes.encodeMessage(topic, data);
        ByteBuf frame = channel.alloc().directBuffer(push.length + 4);
        frame.writeByte(0x81);
        if (push.length < 126) {
            frame.writeByte(push.length);
        } else if (push.length < 65536) {
            frame.writeByte(126).writeShort(push.length);
        } else {
            frame.writeByte(127).writeLong(push.length);
        }
        frame.writeBytes(push);
        pendingTopics.add(topic);
        pendingFrames.add(frame);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (pendingFrames.isEmpty()) {
            return;
        }
        List<String> topics = List.copyOf(pendingTopics);
        try {
            for (Map.Entry<EventExecutor, TopicTable> e : tables.entrySet()) {
                List<ByteBuf> dups = new ArrayList<>(pendingFrames.size());
                pendingFrames.forEach(f -> dups.add(f.retainedDuplicate()));
                TopicTable table = e.getValue();
                e.getKey().execute(() -> table.deliver(topics, dups));
            }
        } finally {
            pendingFrames.forEach(ByteBuf::release);
            pendingFrames.clear();
            pendingTopics.clear();
        }
    }

    long malformed() {
        return malformed.get();
    }

    private static FullBulkStringRedisMessage bulk(String text) {
        return new FullBulkStringRedisMessage(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private static String text(RedisMessage message) {
        return message instanceof FullBulkStringRedisMessage bulk
                ? bulk.content().toString(StandardCharsets.UTF_8) : "";
    }
}
