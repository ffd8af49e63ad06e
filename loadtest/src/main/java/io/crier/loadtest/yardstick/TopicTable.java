package io.crier.loadtest.yardstick;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The subscribers of one worker event loop, by topic, and the loop's half of the fan-out: write each frame of a
 * Redis read to every subscriber of its topic, then flush each written connection once. A connection that is not
 * writable (over the write watermark) is closed as a slow consumer, the gateway's policy.
 *
 * <p>Not thread-safe: every method runs on its loop.
 */
final class TopicTable {

    private final Map<String, List<ChannelHandlerContext>> byTopic = new HashMap<>();
    private final List<ChannelHandlerContext> touched = new ArrayList<>();
    private final Set<List<ChannelHandlerContext>> written = Collections.newSetFromMap(new IdentityHashMap<>());
    private final AtomicLong slowClosed;

    TopicTable(AtomicLong slowClosed) {
        this.slowClosed = slowClosed;
    }

    /** Adds a connection; {@code encoder} is the context of its WebSocket encoder (writes skip the encoder). */
    void add(String topic, ChannelHandlerContext encoder) {
        byTopic.computeIfAbsent(topic, t -> new ArrayList<>()).add(encoder);
    }

    void remove(String topic, ChannelHandlerContext encoder) {
        List<ChannelHandlerContext> list = byTopic.get(topic);
        if (list != null) {
            list.remove(encoder);
            if (list.isEmpty()) {
                byTopic.remove(topic);
            }
        }
    }

    /** Writes each frame to its topic's subscribers, flushes each once, and releases the frames. */
    void deliver(List<String> topics, List<ByteBuf> frames) {
        try {
            for (int i = 0; i < frames.size(); i++) {
                List<ChannelHandlerContext> list = byTopic.get(topics.get(i));
                if (list != null) {
                    write(list, frames.get(i), written.add(list));
                }
            }
            for (ChannelHandlerContext ctx : touched) {
                ctx.flush();
            }
        } finally {
            touched.clear();
            written.clear();
            frames.forEach(ByteBuf::release);
        }
    }

    /** Writes to each of {@code list}; {@code first}: the first frame of this read for them, so flush them later. */
    private void write(List<ChannelHandlerContext> list, ByteBuf frame, boolean first) {
        for (ChannelHandlerContext ctx : list) {
            Channel channel = ctx.channel();
            if (!channel.isActive()) {
                continue;
            }
            if (!channel.isWritable()) {
                slowClosed.incrementAndGet();
                channel.close();
                continue;
            }
            ctx.write(frame.retainedDuplicate(), ctx.voidPromise());
            if (first) {
                touched.add(ctx);
            }
        }
    }
}
