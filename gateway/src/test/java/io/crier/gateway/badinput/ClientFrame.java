package io.crier.gateway.badinput;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.Deflater;

/**
 * One WebSocket frame as a client would write it, encoded by hand so that a test can break any rule of
 * RFC 6455 §5.2: FIN and RSV bits, any opcode (reserved ones included), masking on or off, and a declared
 * payload length that differs from the payload sent. Immutable and thread-safe; the builder methods
 * return copies.
 */
public record ClientFrame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload, long declaredLength) {

    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    /** A final, masked frame with {@code opcode} and {@code payload}, its length declared truthfully. */
    public static ClientFrame of(int opcode, byte[] payload) {
        return new ClientFrame(true, 0, opcode, true, payload, payload.length);
    }

    /** A final, masked text frame holding {@code text} in UTF-8. */
    public static ClientFrame text(String text) {
        return of(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A final, masked text frame holding {@code message} compressed as permessage-deflate sends it (RFC 7692
     * §7.2.1: raw deflate, sync-flushed, without the trailing {@code 00 00 ff ff}), with RSV1 set.
     */
    public static ClientFrame deflatedText(byte[] message) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            deflater.setInput(message);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            for (int n; (n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH)) > 0; ) {
                out.write(chunk, 0, n);
            }
            byte[] compressed = out.toByteArray();
            return of(TEXT, Arrays.copyOf(compressed, compressed.length - 4)).withRsv(4);
        } finally {
            deflater.end();
        }
    }

    /** This frame with the FIN bit set or cleared. */
    public ClientFrame withFin(boolean value) {
        return new ClientFrame(value, rsv, opcode, masked, payload, declaredLength);
    }

    /** This frame with the RSV1-3 bits set to {@code bits} (0 to 7, RSV1 being 4). */
    public ClientFrame withRsv(int bits) {
        return new ClientFrame(fin, bits, opcode, masked, payload, declaredLength);
    }

    /** This frame without the client mask that RFC 6455 requires. */
    public ClientFrame unmasked() {
        return new ClientFrame(fin, rsv, opcode, false, payload, declaredLength);
    }

    /** This frame with a header that announces {@code length} payload bytes, whatever follows it. */
    public ClientFrame declaring(long length) {
        return new ClientFrame(fin, rsv, opcode, masked, payload, length);
    }

    /** The bytes on the wire: header, masking key when masked, then the (masked) payload. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
        out.write((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0xf));
        int maskBit = masked ? 0x80 : 0;
        if (declaredLength < 126) {
            out.write(maskBit | (int) declaredLength);
        } else if (declaredLength <= 0xffff) {
            out.write(maskBit | 126);
            writeBigEndian(out, declaredLength, 2);
        } else {
            out.write(maskBit | 127);
            writeBigEndian(out, declaredLength, 8);
        }
        byte[] key = new byte[4];
        if (masked) {
            ThreadLocalRandom.current().nextBytes(key);
            out.write(key, 0, 4);
        }
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ key[i & 3]);
        }
        return out.toByteArray();
    }

    private static void writeBigEndian(ByteArrayOutputStream out, long value, int bytes) {
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            out.write((int) (value >>> shift) & 0xff);
        }
    }
}
