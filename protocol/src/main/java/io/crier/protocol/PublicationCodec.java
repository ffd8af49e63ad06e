package io.crier.protocol;

/**
 * The format of a publication on the broker (the payload of a Redis PUBLISH), which backends write
 * with nothing but {@code redis-cli}: {@code {"data":<any JSON value>}}. Unknown fields are ignored so
 * that later versions can add some.
 *
 * <p>Stateless; thread-safe. (Skeleton: the implementation lands with the codec.)
 */
public final class PublicationCodec {

    /** Encodes {@code {"data":<data>}}. */
    public byte[] encode(RawJson data) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Reads the {@code data} value of a broker payload.
     *
     * @throws MalformedPublicationException when the payload is not a JSON object with a {@code data} field
     */
    public RawJson decodeData(byte[] payload) throws MalformedPublicationException {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
