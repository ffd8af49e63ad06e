package io.crier.protocol;

/**
 * Decodes commands from, and encodes replies and pushes to, the UTF-8 JSON text of WebSocket frames.
 *
 * <p>Stateless apart from its limits; thread-safe. (Skeleton: the implementation lands with the codec.)
 */
public final class EnvelopeCodec {

    private final int maxDataBytes;

    /**
     * @param maxDataBytes the largest {@code data} value a {@code publish} may carry, in UTF-8 bytes;
     *                     a larger one is answered with {@link ErrorCode#TOO_LARGE}
     */
    public EnvelopeCodec(int maxDataBytes) {
        if (maxDataBytes < 1) {
            throw new IllegalArgumentException("maxDataBytes must be positive");
        }
        this.maxDataBytes = maxDataBytes;
    }

    /** The largest accepted {@code data} value, in bytes. */
    public int maxDataBytes() {
        return maxDataBytes;
    }

    /**
     * Decodes one text frame. Never throws for bad input: every problem becomes a {@link Malformed}
     * with its own {@link ErrorCode}, carrying the id when it could be read.
     */
    public Inbound decode(byte[] utf8, int offset, int length) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Encodes a reply to UTF-8 JSON. */
    public byte[] encode(Reply reply) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Encodes a push to UTF-8 JSON. */
    public byte[] encode(Push push) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
