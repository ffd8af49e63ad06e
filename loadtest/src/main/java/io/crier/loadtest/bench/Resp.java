package io.crier.loadtest.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough RESP2 for the bench's plain-socket Redis clients (which keep Lettuce out of the measurement): a
 * command encoder, a reply reader and a one-shot call. Replies are {@link Long} (integer), {@link String} (simple
 * string), {@link Error} (error), {@code byte[]} (bulk string; null for nil) and {@link List} (array). Stateless
 * apart from {@link Reader}, which one thread owns.
 */
final class Resp {

    private static final int CONNECT_TIMEOUT_MILLIS = 5000;
    private static final int CALL_TIMEOUT_MILLIS = 10_000;

    private Resp() {
    }

    /** An error reply. */
    record Error(String message) {
    }

    /** {@code args} as one RESP command (an array of bulk strings). */
    static byte[] command(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(bytes);
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    /** Sends one command to {@code address} on a connection of its own and returns the reply (bounded: 10 s). */
    static Object call(InetSocketAddress address, String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(CALL_TIMEOUT_MILLIS);
            socket.getOutputStream().write(command(args));
            return new Reader(socket.getInputStream()).read();
        }
    }

    /** Text of a bulk or simple string reply. */
    static String text(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(reply);
    }

    /** Reads replies one after the other from a stream. Not thread-safe: one reader thread owns it. */
    static final class Reader {

        private final InputStream in;

        Reader(InputStream in) {
            this.in = new BufferedInputStream(in, 1 << 16);
        }

        /** The next whole reply; {@link EOFException} when the stream ends. */
        Object read() throws IOException {
            int type = in.read();
            return switch (type) {
                case '+' -> line();
                case '-' -> new Error(line());
                case ':' -> Long.parseLong(line());
                case '$' -> bulk(Integer.parseInt(line()));
                case '*' -> array(Integer.parseInt(line()));
                case -1 -> throw new EOFException("Redis closed the connection");
                default -> throw new IOException("not a RESP2 reply: type byte " + type);
            };
        }

        private byte[] bulk(int length) throws IOException {
            if (length < 0) {
                return null;
            }
            byte[] bytes = in.readNBytes(length);
            if (bytes.length < length || in.read() != '\r' || in.read() != '\n') {
                throw new EOFException("a bulk string was cut short");
            }
            return bytes;
        }

        private List<Object> array(int length) throws IOException {
            if (length < 0) {
                return null;
            }
            List<Object> items = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                items.add(read());
            }
            return items;
        }

        private String line() throws IOException {
            StringBuilder text = new StringBuilder();
            for (int c = in.read(); c != '\r'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException("a reply line was cut short");
                }
                text.append((char) c);
            }
            in.read(); // the '\n' after '\r'
            return text.toString();
        }
    }
}
