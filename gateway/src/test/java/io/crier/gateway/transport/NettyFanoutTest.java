package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NettyFanoutTest {

    private static final String PUSH = "{\"type\":\"message\",\"topic\":\"news\",\"data\":{\"n\":1}}";
    private static final byte[] ENCODED = PUSH.getBytes(StandardCharsets.UTF_8);

    private final TestNode node = TestNode.create();
    private final NettyFanout fanout = new NettyFanout(ByteBufAllocator.DEFAULT, node.disconnector);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void tearDown() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        node.close();
    }

    @Test
    void writesOneSharedDirectBufferToEverySubscriber() {
        List<ChannelSubscriber> targets = List.of(subscriber("a"), subscriber("b"), subscriber("c"));
        fanout.deliver(ENCODED, targets);

        List<TextWebSocketFrame> frames = new ArrayList<>();
        for (ChannelSubscriber target : targets) {
            frames.add(((EmbeddedChannel) target.channel()).readOutbound());
        }
        ByteBuf first = frames.get(0).content();
        assertTrue(first.isDirect());
        assertEquals(3, first.refCnt(), "one reference per subscriber, the fan-out's own released");
        for (TextWebSocketFrame frame : frames) {
            assertEquals(PUSH, frame.text());
            assertEquals(first.memoryAddress() + first.readerIndex(),
                    frame.content().memoryAddress() + frame.content().readerIndex(), "same bytes, not a copy");
        }
        frames.forEach(TextWebSocketFrame::release);
        assertEquals(0, first.refCnt());
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

        TextWebSocketFrame delivered = ((EmbeddedChannel) fast.channel()).readOutbound();
        assertEquals(PUSH, delivered.text());
        delivered.release();
        List<String> slowGot = texts(slowChannel);
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

    private ChannelSubscriber subscriber(String id) {
        EmbeddedChannel channel = new EmbeddedChannel();
        ChannelAttributes.markUpgraded(channel);
        channels.add(channel);
        return new ChannelSubscriber(id, channel);
    }

    private static List<String> texts(EmbeddedChannel channel) {
        List<String> out = new ArrayList<>();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            if (msg instanceof CloseWebSocketFrame close) {
                out.add("close " + close.statusCode() + " " + close.reasonText());
                close.release();
            } else {
                TextWebSocketFrame text = (TextWebSocketFrame) msg;
                out.add(text.text());
                text.release();
            }
        }
        return out;
    }
}
