package io.crier.gateway.transport;

import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.CloseCode;
import io.crier.protocol.Command;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.Inbound;
import io.crier.protocol.Malformed;
import io.crier.protocol.Push;
import io.crier.protocol.Reply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Translates between WebSocket frames and envelopes. Inbound: a text frame becomes the {@link Inbound}
 * that {@link EnvelopeCodec#decode} makes of it (a command, or a {@link Malformed} counted as
 * {@link MeterCatalog#FRAMES_MALFORMED}); a binary frame disconnects with {@link CloseCode#BINARY_NOT_SUPPORTED}.
 * A text message (reassembled from its fragments by {@code ws-aggregator}) that is not valid UTF-8 gets what Netty's
 * {@code Utf8FrameValidator} gave it, which this replaces (one handler context less per connection): a close frame
 * 1007 {@value #NOT_UTF8}, the channel closed once it is written, and the
 * {@link CorruptedWebSocketFrameException} passed on, for {@code exceptions} to record.
 * Outbound: a {@link Reply} or {@link Push} becomes a text frame; frames pass through untouched.
 *
 * <p>A frame in a direct buffer is copied for the decoder into a scratch array kept per event-loop thread (frames of
 * up to {@value #SCRATCH_BYTES} bytes; a larger one gets an array of its own): the decoder keeps nothing of the array
 * it reads, it copies what a command carries.
 *
 * <p>Thread-safe: one instance per node, {@link Sharable}; its only mutable state is the per-thread scratch array.
 */
@ChannelHandler.Sharable
public final class EnvelopeCodecHandler extends ChannelDuplexHandler {

    /** The close reason of Netty's {@code Utf8FrameValidator}, kept for clients that read it. */
    static final String NOT_UTF8 = "bytes are not UTF-8";
    /** The size of each thread's scratch array: most commands (an {@code auth} with its token included) fit. */
    static final int SCRATCH_BYTES = 4096;

    private final EnvelopeCodec codec;
    private final FastThreadLocal<byte[]> scratch = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[SCRATCH_BYTES];
        }
    };
    private final Disconnector disconnector;
    private final Map<ErrorCode, Counter> malformed = new EnumMap<>(ErrorCode.class);
    private final Map<String, Counter> commandsIn = new HashMap<>();
    private final Map<Class<?>, Counter> pushesOut = new HashMap<>();

    public EnvelopeCodecHandler(EnvelopeCodec codec, Disconnector disconnector, MeterRegistry meters) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
        for (ErrorCode code : ErrorCode.values()) {
            malformed.put(code, MeterCatalog.FRAMES_MALFORMED.counter(meters, "code", code.wire()));
        }
        for (String type : MeterCatalog.COMMANDS_IN.tags().get("type")) {
            commandsIn.put(type, MeterCatalog.COMMANDS_IN.counter(meters, "type", type));
        }
        for (Class<?> type : Push.class.getPermittedSubclasses()) {
            pushesOut.put(type, MeterCatalog.PUSHES_OUT.counter(meters, "type",
                    type.getSimpleName().toLowerCase(Locale.ROOT)));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof TextWebSocketFrame text && disconnector.isClosing(ctx.channel())) {
            text.release(); // the server is closing this connection: what the client still sends is moot
        } else if (msg instanceof TextWebSocketFrame text) {
            Inbound inbound;
            try {
                inbound = decode(text.content());
                // The decoder refuses bytes that are not UTF-8 as malformed, so only a refused message needs the
                // check that tells them apart (close 1007, not an error reply): one pass over a good command.
                if (inbound instanceof Malformed && !ByteBufUtil.isText(text.content(), StandardCharsets.UTF_8)) {
                    throw notUtf8(ctx);
                }
            } finally {
                text.release();
            }
            if (inbound instanceof Malformed bad) {
                malformed.get(bad.code()).increment();
            } else if (inbound instanceof Command command) {
                countCommand(command);
            }
            ctx.fireChannelRead(inbound);
        } else if (msg instanceof BinaryWebSocketFrame binary) {
            binary.release();
            disconnector.disconnect(ctx.channel(), CloseCode.BINARY_NOT_SUPPORTED);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Reply reply) {
            ctx.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(codec.encode(reply))), promise);
        } else if (msg instanceof Push push) {
            ctx.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(codec.encode(push))), promise);
            pushesOut.get(push.getClass()).increment();
        } else {
            ctx.write(msg, promise);
        }
    }

    /**
     * What Netty's validator did on a protocol violation, with {@code closeOnProtocolViolation} on: sends the close
     * frame (the channel closes once it is written) and returns the exception for the caller to throw.
     */
    private static CorruptedWebSocketFrameException notUtf8(ChannelHandlerContext ctx) {
        if (ctx.channel().isOpen()) {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(), NOT_UTF8))
                    .addListener(ChannelFutureListener.CLOSE);
        }
        return new CorruptedWebSocketFrameException(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, NOT_UTF8);
    }

    private void countCommand(Command command) {
        Counter counter = commandsIn.get(command.type());
        if (counter != null) {
            counter.increment();
        }
    }

    private Inbound decode(ByteBuf content) {
        int length = content.readableBytes();
        if (content.hasArray()) {
            return codec.decode(content.array(), content.arrayOffset() + content.readerIndex(), length);
        }
        if (length > SCRATCH_BYTES) {
            return codec.decode(ByteBufUtil.getBytes(content, content.readerIndex(), length, false));
        }
        byte[] bytes = scratch.get();
        content.getBytes(content.readerIndex(), bytes, 0, length);
        return codec.decode(bytes, 0, length);
    }
}
