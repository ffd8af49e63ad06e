package io.crier.loadtest.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * One benchmark connection: sends the upgrade request, checks the 101 answer, authenticates with its own token,
 * subscribes to its topic, then reads server frames in place (no frame objects, no JSON parser): a
 * {@code message} push is accounted in the connection's {@link DeliveryLedger} and its latency recorded, pings are
 * answered, and a close is recorded. Made per connection; confined to its event loop.
 */
final class ClientHandler extends ByteToMessageDecoder {

    private static final int MAX_FRAME = 1 << 20;
    private static final byte[] MESSAGE = ascii("{\"type\":\"message\"");
    private static final byte[] OK = ascii("{\"type\":\"ok\",\"id\":");
    private static final byte[] ERROR = ascii("{\"type\":\"error\"");
    private static final byte[] HEADERS_END = ascii("\r\n\r\n");
    private static final byte[] SYNC_FLUSH_TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
    private static final int RSV1 = 0x40;

    private enum State { HANDSHAKE, AUTH, SUBSCRIBE, READY, DONE }

    private final ClientPlan plan;
    private final ClientFleet fleet;
    private final long startNanos;
    private final DeliveryLedger ledger;
    private final String key;
    private State state = State.HANDSHAKE;
    private LoopStats stats;
    private int closeCode = 1006;
    /** Whether the server accepted permessage-deflate (then frames with RSV1 come compressed). */
    private boolean deflate;
    /** Inflates compressed frames, its window kept from message to message as a browser's; made on first use. */
    private Inflater inflater;

    ClientHandler(ClientPlan plan, ClientFleet fleet, long startNanos) {
        this.plan = plan;
        this.fleet = fleet;
        this.startNanos = startNanos;
        this.ledger = new DeliveryLedger(plan.topic());
        this.key = Handshakes.newKey();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        stats = fleet.statsFor(ctx.channel().eventLoop());
        byte[] request = Handshakes.request(plan.host(), plan.port(), plan.path(), key, plan.deflate());
        ctx.writeAndFlush(Unpooled.wrappedBuffer(request));
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.HANDSHAKE && !readHandshake(ctx, in)) {
            return;
        }
        long now = System.nanoTime(); // one clock read per socket read: frames in it arrived together
        while (state != State.DONE && in.readableBytes() >= 2) {
            int start = in.readerIndex();
            int b0 = in.getUnsignedByte(start);
            int b1 = in.getUnsignedByte(start + 1);
            long length = b1 & 0x7f;
            int header = 2;
            if (length == 126) {
                if (in.readableBytes() < 4) {
                    return;
                }
                length = in.getUnsignedShort(start + 2);
                header = 4;
            } else if (length == 127) {
                if (in.readableBytes() < 10) {
                    return;
                }
                length = in.getLong(start + 2);
                header = 10;
            }
            if ((b1 & 0x80) != 0 || length > MAX_FRAME || (b0 & (deflate ? 0x30 : 0x70)) != 0) {
                fail(ctx, "bad frame from the server (masked, reserved bits or over " + MAX_FRAME + " bytes)");
                return;
            }
            if (in.readableBytes() < header + length) {
                return;
            }
            int from = start + header;
            int to = from + (int) length;
            in.readerIndex(to);
            if ((b0 & RSV1) != 0) {
                ByteBuf text = inflate(ctx, in, from, to);
                if (text == null) {
                    return;
                }
                try {
                    onFrame(ctx, b0 & 0x0f, text, text.readerIndex(), text.writerIndex(), now);
                } finally {
                    text.release();
                }
            } else {
                onFrame(ctx, b0 & 0x0f, in, from, to, now);
            }
        }
        if (state == State.DONE) {
            in.skipBytes(in.readableBytes());
        }
    }

    private boolean readHandshake(ChannelHandlerContext ctx, ByteBuf in) {
        int end = indexOf(in, HEADERS_END);
        if (end < 0) {
            if (in.readableBytes() > 16384) {
                fail(ctx, "upgrade answer too long");
            }
            return false;
        }
        String head = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
        in.readerIndex(end + HEADERS_END.length);
        String problem = Handshakes.check(head, key);
        if (problem != null) {
            fail(ctx, problem);
            return false;
        }
        deflate = plan.deflate() && head.toLowerCase(Locale.ROOT).contains("permessage-deflate");
        state = State.AUTH;
        ctx.writeAndFlush(CommandFrames.maskedText(ctx.alloc(), plan.authFrame()));
        return true;
    }

    /** The message of a compressed frame's payload (the sync flush's tail put back), or null when it is broken. */
    private ByteBuf inflate(ChannelHandlerContext ctx, ByteBuf in, int from, int to) {
        if (inflater == null) {
            inflater = new Inflater(true);
        }
        byte[] input = new byte[to - from + SYNC_FLUSH_TAIL.length];
        in.getBytes(from, input, 0, to - from);
        System.arraycopy(SYNC_FLUSH_TAIL, 0, input, to - from, SYNC_FLUSH_TAIL.length);
        inflater.setInput(input);
        ByteBuf out = ctx.alloc().heapBuffer(Math.max(256, input.length * 4));
        try {
            while (true) {
                out.ensureWritable(1024);
                int n = inflater.inflate(out.array(), out.arrayOffset() + out.writerIndex(), out.writableBytes());
                out.writerIndex(out.writerIndex() + n);
                if (n == 0 && inflater.needsInput()) {
                    return out;
                }
                if (out.readableBytes() > MAX_FRAME) {
                    throw new DataFormatException("inflates past " + MAX_FRAME + " bytes");
                }
            }
        } catch (DataFormatException e) {
            out.release();
            fail(ctx, "a compressed frame that does not inflate: " + e.getMessage());
            return null;
        }
    }

    private void onFrame(ChannelHandlerContext ctx, int opcode, ByteBuf in, int from, int to, long now) {
        switch (opcode) {
            case CommandFrames.OPCODE_TEXT -> onText(ctx, in, from, to, now);
            case CommandFrames.OPCODE_PING -> {
                byte[] payload = new byte[to - from];
                in.getBytes(from, payload);
                ctx.writeAndFlush(CommandFrames.masked(ctx.alloc(), CommandFrames.OPCODE_PONG, payload, 0,
                        payload.length));
                stats.pong();
            }
            case CommandFrames.OPCODE_CLOSE -> {
                closeCode = to - from >= 2 ? in.getUnsignedShort(from) : 1005;
                if (state != State.READY) {
                    fail(ctx, "closed by the server with " + closeCode + " before it was ready");
                } else {
                    ctx.close();
                }
            }
            case CommandFrames.OPCODE_PONG -> {
                // Unasked pongs are allowed (RFC 6455 5.5.3) and mean nothing here.
            }
            default -> fail(ctx, "unexpected frame opcode " + opcode + " (fragments are not expected)");
        }
    }

    private void onText(ChannelHandlerContext ctx, ByteBuf in, int from, int to, long now) {
        if (startsWith(in, from, to, MESSAGE)) {
            int at = BenchPayload.locate(in, from, to, plan.payloadBytes());
            if (at < 0) {
                ledger.record(-1, -1);
                return;
            }
            stats.recordDelivery(now - BenchPayload.sentNanos(in, at));
            ledger.record(BenchPayload.topic(in, at), BenchPayload.seq(in, at));
        } else if (startsWith(in, from, to, OK)) {
            onOk(ctx, parseId(in, from + OK.length, to));
        } else if (startsWith(in, from, to, ERROR)) {
            fail(ctx, "error reply: " + in.toString(from, Math.min(to - from, 200), StandardCharsets.UTF_8));
        }
        // welcome, heartbeat, disconnect (the close frame follows) and unknown pushes need nothing.
    }

    private void onOk(ChannelHandlerContext ctx, long id) {
        if (state == State.AUTH && id == ClientPlan.AUTH_ID) {
            state = State.SUBSCRIBE;
            ctx.writeAndFlush(CommandFrames.maskedText(ctx.alloc(), plan.subscribeFrame()));
        } else if (state == State.SUBSCRIBE && id == ClientPlan.SUBSCRIBE_ID) {
            state = State.READY;
            stats.add(ledger);
            stats.recordConnect(System.nanoTime() - startNanos);
            fleet.onReady(ctx.channel());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
        if (state == State.READY) {
            stats.closedAfterReady(closeCode);
            state = State.DONE;
        } else if (state != State.DONE) {
            fail(ctx, "connection closed before it was ready (state " + state + ")");
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state == State.READY) {
            ctx.close(); // counted as a close after ready, with 1006, by channelInactive
        } else {
            fail(ctx, cause.toString());
        }
    }

    private void fail(ChannelHandlerContext ctx, String reason) {
        if (state != State.DONE) {
            state = State.DONE;
            fleet.onFailed(reason);
        }
        ctx.close();
    }

    private static long parseId(ByteBuf in, int at, int to) {
        long id = 0;
        for (int i = at; i < to; i++) {
            int c = in.getByte(i);
            if (c < '0' || c > '9') {
                break;
            }
            id = id * 10 + (c - '0');
        }
        return id;
    }

    /** The absolute index of {@code needle} among the readable bytes of {@code in}, or -1. */
    private static int indexOf(ByteBuf in, byte[] needle) {
        int last = in.writerIndex() - needle.length;
        for (int at = in.readerIndex(); at <= last; at++) {
            if (startsWith(in, at, in.writerIndex(), needle)) {
                return at;
            }
        }
        return -1;
    }

    private static boolean startsWith(ByteBuf in, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (in.getByte(from + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
