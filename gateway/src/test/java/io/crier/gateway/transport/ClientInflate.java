package io.crier.gateway.transport;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** What a permessage-deflate client reads from one compressed message. Stateless. */
final class ClientInflate {

    /** What a sync flush ends with, which RFC 7692 has the sender cut and the receiver put back. */
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private ClientInflate() {
    }

    /**
     * The bytes of the message whose compressed payload is {@code payload}, inflated by {@code inflater} with the
     * tail put back; the inflater keeps its window for the next message, as a client that takes context over does.
     */
    static byte[] message(Inflater inflater, byte[] payload) throws DataFormatException {
        byte[] input = new byte[payload.length + TAIL.length];
        System.arraycopy(payload, 0, input, 0, payload.length);
        System.arraycopy(TAIL, 0, input, payload.length, TAIL.length);
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        for (int n; (n = inflater.inflate(chunk)) > 0; ) {
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    /** The same with an inflater of its own, ended afterwards. */
    static byte[] message(byte[] payload) throws DataFormatException {
        Inflater inflater = new Inflater(true);
        try {
            return message(inflater, payload);
        } finally {
            inflater.end();
        }
    }
}
