package io.crier.gateway.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A WebSocket client on a plain TCP socket to a live node, for abuse the JDK's client refuses to commit:
 * any request bytes, any frame ({@link ClientFrame}), bytes dribbled slowly, and a byte-exact view of what
 * the server answers (HTTP status, every frame, the close code, the end of the stream). Every read waits
 * at most {@link #WAIT} and then fails the test. Not thread-safe, except that {@link #write} may run on one
 * thread while another reads.
 */
public final class RawWebSocket implements AutoCloseable {

    /** The longest a single read waits for the server. */
    public static final Duration WAIT = Duration.ofSeconds(5);
    /** How long a {@link Flood} goes on at most. */
    public static final Duration FLOOD_LIMIT = Duration.ofSeconds(20);

    /** The head of an HTTP response: status code and the raw head text. */
    public record HttpHead(int status, String text) {
        /** The value of the first header called {@code name} (case-insensitive), or null. */
        public String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return text.lines().filter(line -> line.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(line -> line.substring(prefix.length()).strip()).findFirst().orElse(null);
        }
    }

    /** One frame from the server (servers never mask). */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** How the server ended the WebSocket: the close frame's code and reason, and the text frames before it. */
    public record Closed(int code, String reason, List<String> textsBefore) {
    }

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    /** CR LF CR LF as four bytes of an int. */
    private static final int BLANK_LINE = 0x0d0a0d0a;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens a TCP connection to the host and port of {@code uri}; nothing is sent yet. */
    public static RawWebSocket connect(URI uri) throws IOException {
        return connectFrom(null, uri);
    }

    /**
     * Opens a TCP connection from {@code local} (a loopback address such as 127.0.0.2; {@code null}: any) to the
     * host and port of {@code uri}.
     */
    public static RawWebSocket connectFrom(InetAddress local, URI uri) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        if (local != null) {
            socket.bind(new InetSocketAddress(local, 0));
        }
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) WAIT.toMillis());
        socket.setSoTimeout((int) WAIT.toMillis());
        return new RawWebSocket(socket);
    }

    /** Opens a connection and upgrades it on {@code path}, asserting the 101. */
    public static RawWebSocket upgraded(URI uri, String path) throws IOException {
        RawWebSocket raw = connect(uri);
        HttpHead head = raw.request(upgradeRequest(path, ""));
        assertEquals(101, head.status(), head.text());
        return raw;
    }

    /** A valid upgrade request for {@code path} with extra header lines (each ending in CRLF). */
    public static String upgradeRequest(String path, String extraHeaders) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
    }

    /** Writes {@code request} as ASCII and reads the response head. */
    public HttpHead request(String request) throws IOException {
        write(request.getBytes(StandardCharsets.ISO_8859_1));
        return readHead();
    }

    /** Reads one HTTP response head (up to and including the blank line); the body stays unread. */
    public HttpHead readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int lastFour = 0;
        while (lastFour != BLANK_LINE) {
            int b = in.read();
            if (b < 0) {
                fail("connection closed inside the HTTP response head: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            lastFour = lastFour << 8 | b;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return new HttpHead(Integer.parseInt(text.substring(9, 12)), text);
    }

    /** Writes raw bytes and flushes. */
    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes one frame. */
    public void send(ClientFrame frame) throws IOException {
        write(frame.encode());
    }

    /** Writes one valid masked text frame. */
    public void sendText(String text) throws IOException {
        send(ClientFrame.text(text));
    }

    /** Reads the next frame; fails the test when the stream ends first. */
    public Frame readFrame() throws IOException {
        int first = readByte();
        int second = readByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = readBigEndian(2);
        } else if (length == 127) {
            length = readBigEndian(8);
        }
        if ((second & 0x80) != 0 || length > Integer.MAX_VALUE) {
            fail("the server sent a masked or absurdly long frame");
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("stream ended inside a frame");
        }
        return new Frame((first & 0x80) != 0, first & 0x0f, payload);
    }

    /** The next text frame, skipping pings and pongs; fails the test on a close frame or the end of the stream. */
    public String nextText() throws IOException {
        while (true) {
            Frame frame = readFrame();
            if (frame.opcode() == ClientFrame.TEXT) {
                return frame.text();
            }
            if (frame.opcode() == ClientFrame.CLOSE) {
                fail("closed while a text frame was expected: " + describeClose(frame.payload()));
            }
        }
    }

    /** Reads frames until the server's close frame, keeping the texts that came before it. */
    public Closed awaitClose() throws IOException {
        return awaitClose(frame -> { });
    }

    /**
     * Reads frames until the server's close frame, keeping the texts that came before it and handing every other
     * frame before it (pings, pongs) to {@code others}.
     */
    public Closed awaitClose(Consumer<Frame> others) throws IOException {
        List<String> texts = new ArrayList<>();
        while (true) {
            Frame frame;
            try {
                frame = readFrame();
            } catch (SocketTimeoutException e) {
                return fail("no close frame within " + WAIT + "; text frames before: " + texts);
            }
            if (frame.opcode() == ClientFrame.TEXT) {
                texts.add(frame.text());
            } else if (frame.opcode() == ClientFrame.CLOSE) {
                byte[] p = frame.payload();
                int code = p.length >= 2 ? (p[0] & 0xff) << 8 | (p[1] & 0xff) : 1005;
                String reason = p.length > 2 ? new String(p, 2, p.length - 2, StandardCharsets.UTF_8) : "";
                return new Closed(code, reason, List.copyOf(texts));
            } else {
                others.accept(frame);
            }
        }
    }

    /**
     * Writes {@code bytes} on another thread while this one reads frames until the server's close frame, for
     * floods that the server cuts short: a write the close interrupts is not an error.
     */
    public Closed writeWhileAwaitingClose(byte[] bytes) throws Exception {
        return writeWhileAwaitingClose(bytes, frame -> { });
    }

    /** As {@link #writeWhileAwaitingClose(byte[])}, handing the frames other than texts to {@code others}. */
    public Closed writeWhileAwaitingClose(byte[] bytes, Consumer<Frame> others) throws Exception {
        CompletableFuture<Boolean> written = CompletableFuture.supplyAsync(() -> {
            try {
                write(bytes);
                return true;
            } catch (IOException e) {
                // The server closed the connection while the flood was still being written: the expected end.
                return false;
            }
        });
        Closed closed = awaitClose(others);
        written.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return closed;
    }

    /**
     * A client that does not stop sending: writes one chunk after another on a thread of its own until the server
     * ends the connection (a write fails: the expected end) or {@link #FLOOD_LIMIT} passes.
     */
    public final class Flood {
        private final CompletableFuture<Boolean> ended;
        private volatile boolean stopped;

        private Flood(byte[] chunk) {
            long deadline = System.nanoTime() + FLOOD_LIMIT.toNanos();
            ended = CompletableFuture.supplyAsync(() -> {
                try {
                    while (!stopped && System.nanoTime() < deadline) {
                        write(chunk);
                    }
                    return false;
                } catch (IOException e) {
                    // The server closed (or reset) the connection under the flood.
                    return true;
                }
            }, runnable -> {
                Thread writer = new Thread(runnable, "raw-websocket-flood");
                writer.setDaemon(true);
                writer.start();
            });
        }

        /** Whether the server ended the connection while the flood went on, within {@code timeout}. */
        public boolean endedByTheServer(Duration timeout) throws Exception {
            try {
                return ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                stopped = true;
            }
        }
    }

    /** Starts writing {@code chunk} again and again on another thread; see {@link Flood}. */
    public Flood flood(byte[] chunk) {
        return new Flood(chunk);
    }

    /**
     * Reads until the server ends the TCP stream (FIN or reset); fails the test when it is still open after
     * {@code timeout}.
     *
     * @return whatever the server sent before the end
     */
    public byte[] readUntilEndOfStream(Duration timeout) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            for (int b; (b = in.read()) >= 0; ) {
                received.write(b);
            }
        } catch (SocketTimeoutException e) {
            fail("the server kept the connection open for " + timeout + " after sending "
                    + received.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            // A reset ends the stream as surely as a FIN does.
            return received.toByteArray();
        } finally {
            socket.setSoTimeout((int) WAIT.toMillis());
        }
        return received.toByteArray();
    }

    /**
     * Reads until the server ends the TCP stream, and fails the test unless it ended it gracefully: with a FIN
     * (end of stream), not a reset. A server that closes a socket with unread input makes the kernel send a
     * reset, which can destroy what it was owed before the client read it.
     *
     * @return whatever the server sent before the end
     */
    public byte[] readUntilGracefulEnd() throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try {
            for (int b; (b = in.read()) >= 0; ) {
                received.write(b);
            }
        } catch (SocketTimeoutException e) {
            fail("the server kept the connection open for " + WAIT);
        } catch (IOException e) {
            fail("the server reset the connection instead of ending it (" + e.getMessage() + ") after sending "
                    + received.size() + " bytes");
        }
        return received.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the server ended the stream");
        }
        return b;
    }

    private long readBigEndian(int bytes) throws IOException {
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            value = value << 8 | readByte();
        }
        return value;
    }

    private static String describeClose(byte[] payload) {
        return payload.length < 2 ? "close without code"
                : "close " + ((payload[0] & 0xff) << 8 | (payload[1] & 0xff))
                + " " + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
}
