package io.crier.loadtest.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A WebSocket client on a plain blocking socket, for the abuse mode: it sends whatever request head and frames
 * it is given (the frames are encoded by the caller, rules broken or not), and reads the server's frames one by
 * one until the close frame or the end of the stream. Every read waits at most until the deadline it is given.
 *
 * <p>Not thread-safe, except that one thread may {@link #write} while another reads (a flood the server cuts
 * short).
 */
final class RawClient implements AutoCloseable {

    static final int OPCODE_TEXT = 0x1;
    static final int OPCODE_CLOSE = 0x8;
    /** A close frame without a code (RFC 6455 §7.1.5). */
    static final int NO_CODE = 1005;
    /** CR LF CR LF as four bytes of an int. */
    private static final int BLANK_LINE = 0x0d0a0d0a;
    private static final int MAX_HEAD = 64 * 1024;

    /** One server frame: its opcode and payload (servers never mask). */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame. */
        int closeCode() {
            return payload.length >= 2 ? (payload[0] & 0xff) << 8 | (payload[1] & 0xff) : NO_CODE;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to the host and port of {@code url}; {@code receiveBuffer} (bytes, 0 for the system's default) is
     * set before the connect, so that the TCP window it announces is that small.
     */
    static RawClient connect(URI url, int receiveBuffer, Duration timeout) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), (int) timeout.toMillis());
        socket.setSoTimeout((int) timeout.toMillis());
        return new RawClient(socket);
    }

    /** An upgrade request for {@code url}'s path, with extra header lines (each ending in CRLF). */
    static byte[] upgradeRequest(URI url, String extraHeaders) {
        return ("GET " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + Handshakes.newKey()
                + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Writes the bytes and flushes. */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one HTTP response head up to the blank line; null when the stream ends first. */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int lastFour = 0;
        while (lastFour != BLANK_LINE && head.size() < MAX_HEAD) {
            int b = in.read();
            if (b < 0) {
                return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
            lastFour = lastFour << 8 | b;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The HTTP status of a response head, or 0 when there is none. */
    static int status(String head) {
        return head != null && head.startsWith("HTTP/1.1 ") && head.length() >= 12
                ? Integer.parseInt(head.substring(9, 12)) : 0;
    }

    /** Reads frames until a text frame containing {@code marker}; false when a close or the end came first. */
    boolean awaitText(String marker) throws IOException {
        for (Frame frame; (frame = readFrame()) != null; ) {
            if (frame.opcode() == OPCODE_TEXT && frame.text().contains(marker)) {
                return true;
            }
            if (frame.opcode() == OPCODE_CLOSE) {
                return false;
            }
        }
        return false;
    }

    /** The next frame, or null at the end of the stream (a reset included). */
    Frame readFrame() throws IOException {
        int first = in.read();
        int second = in.read();
        if (first < 0 || second < 0) {
            return null;
        }
        long length = second & 0x7f;
        if (length == 126) {
            length = readBigEndian(2);
        } else if (length == 127) {
            length = readBigEndian(8);
        }
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            throw new IOException("absurd frame length " + length);
        }
        byte[] payload = in.readNBytes((int) length);
        return payload.length < length ? null : new Frame(first & 0x0f, payload);
    }

    /**
     * Reads until the server's close frame and then to the end of the stream, or until {@code deadline}
     * ({@link System#nanoTime()}); returns the close code, or {@code -1} when the stream ended without one (the
     * server closed the socket before its close frame could be read), or {@code -2} when the deadline passed.
     */
    int readToEnd(long deadline) throws IOException {
        int code = -1;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return -2;
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                Frame frame = readFrame();
                if (frame == null) {
                    return code;
                }
                if (frame.opcode() == OPCODE_CLOSE && code == -1) {
                    code = frame.closeCode();
                }
            }
        } catch (SocketTimeoutException e) {
            return -2;
        } catch (IOException e) {
            // A reset after the close frame ends the stream as a FIN does.
            return code;
        }
    }

    private long readBigEndian(int bytes) throws IOException {
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            int b = in.read();
            if (b < 0) {
                return -1;
            }
            value = value << 8 | b;
        }
        return value;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a socket the server already reset: nothing is left to release.
            Bench.say("closing a client socket: %s", e);
        }
    }
}
