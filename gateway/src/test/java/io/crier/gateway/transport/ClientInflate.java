package io.crier.gateway.transport;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.Deflater;

/** What a permessage-deflate client sends for one message: its bytes deflated on their own. Stateless. */
final class ClientDeflate {

    private ClientDeflate() {
    }

    /** {@code bytes} compressed as a client without context takeover does: sync flush, the 4-byte tail cut. */
    static byte[] message(byte[] bytes) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(bytes);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int n;
            while ((n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH)) > 0) {
                out.write(chunk, 0, n);
            }
            byte[] deflated = out.toByteArray();
            return Arrays.copyOf(deflated, deflated.length - 4);
        } finally {
            deflater.end();
        }
    }
}
