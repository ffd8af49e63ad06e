package io.crier.loadtest.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A Redis {@code PUBLISH channel payload} (or {@code SPUBLISH}) command in RESP, for the load tools' plain-socket
 * publishers (the bench's {@link RedisPublisher} and the Gatling simulations'), which keep Lettuce out of the
 * measurement and out of this module. Stateless.
 */
public final class RespPublish {

    private static final byte[] CRLF = {'\r', '\n'};

    private RespPublish() {
    }

    /** The command's start, the same for every publication on {@code channel}: it can be made once and reused. */
    public static byte[] head(byte[] channel) {
        return head("PUBLISH", channel);
    }

    /** Like {@link #head(byte[])} for another command of the same shape, such as {@code SPUBLISH}. */
    public static byte[] head(String command, byte[] channel) {
        byte[] start = ("*3\r\n$" + command.length() + "\r\n" + command + "\r\n$" + channel.length + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] head = new byte[start.length + channel.length + CRLF.length];
        System.arraycopy(start, 0, head, 0, start.length);
        System.arraycopy(channel, 0, head, start.length, channel.length);
        System.arraycopy(CRLF, 0, head, start.length + channel.length, CRLF.length);
        return head;
    }

    /** Writes one whole command: {@code head} (from {@link #head}), then {@code payload} as a bulk string. */
    public static void write(OutputStream out, byte[] head, byte[] payload) throws IOException {
        out.write(head);
        out.write(("$" + payload.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(payload);
        out.write(CRLF);
    }
}
