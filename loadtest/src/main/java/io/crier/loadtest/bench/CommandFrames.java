package io.crier.loadtest.bench;

import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.crier.protocol.EnvelopeCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of the wire: turns {@link Command}s into UTF-8 JSON with the protocol's own command encoder
 * ({@link EnvelopeCodec#encodeCommand(Command)}), and payloads into masked WebSocket frames.
 *
 * <p>Thread-safe: the codec is stateless and the mask keys come from {@link ThreadLocalRandom}.
 */
final class CommandFrames {

    static final int OPCODE_TEXT = 0x1;
    static final int OPCODE_CLOSE = 0x8;
    static final int OPCODE_PING = 0x9;
    static final int OPCODE_PONG = 0xA;

    /** Only encodes here, so its data limit (the node's default) never comes into play. */
    private final EnvelopeCodec codec = new EnvelopeCodec(32768);

    /** {@code {"type":"auth","id":<id>,"token":"<token>"}}. */
    byte[] auth(long id, String token) {
        return codec.encodeCommand(new Command.Auth(CommandId.of(id), token));
    }

    /** {@code {"type":"subscribe","id":<id>,"topic":"<topic>"}}. */
    byte[] subscribe(long id, String topic) {
        return codec.encodeCommand(new Command.Subscribe(CommandId.of(id), topic));
    }

    /** {@code {"type":"ping","id":<id>}}. */
    byte[] ping(long id) {
        return codec.encodeCommand(new Command.Ping(CommandId.of(id)));
    }

    /** A masked client frame (FIN set) with {@code payload}, as RFC 6455 requires of every client frame. */
    static ByteBuf masked(ByteBufAllocator alloc, int opcode, byte[] payload, int offset, int length) {
        ByteBuf out = alloc.buffer(14 + length);
        out.writeByte(0x80 | opcode);
        if (length < 126) {
            out.writeByte(0x80 | length);
        } else if (length < 65536) {
            out.writeByte(0x80 | 126);
            out.writeShort(length);
        } else {
            out.writeByte(0x80 | 127);
            out.writeLong(length);
        }
        int mask = ThreadLocalRandom.current().nextInt();
        out.writeInt(mask);
        for (int i = 0; i < length; i++) {
            int shift = 24 - 8 * (i & 3);
            out.writeByte(payload[offset + i] ^ (mask >>> shift));
        }
        return out;
    }

    /** A masked text frame holding {@code payload}. */
    static ByteBuf maskedText(ByteBufAllocator alloc, byte[] payload) {
        return masked(alloc, OPCODE_TEXT, payload, 0, payload.length);
    }
}
