package io.crier.loadtest.gatling;

import io.crier.protocol.ClientCommands;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.badinput.ClientFrame;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Clients that stop reading: raw sockets with a 4 KiB receive buffer that upgrade (Bearer token), subscribe, read
 * the {@code ok} and then read nothing while publications pile up, so that the node's queue for them passes
 * {@code session.maxOutboundQueueBytes}. When publishing is over and the node has had time to close them, they
 * read to the end of their streams and report what they saw: how many publications, in order or not, and whether
 * the connection was closed, with which close frame or {@code disconnect} push when one got through (a client that
 * does not read usually never sees the close frame: the node closes the socket when it cannot flush it, see
 * Disconnector's close timeout). Gatling never sees these sockets. Thread-safe: one thread of its own does the
 * reading, and its results are read from Gatling's.
 */
final class StalledReaders implements AutoCloseable {

    private static final int RECEIVE_BUFFER = 4096;
    private static final int MAX_FRAME = 16 << 20;
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(5);

    /**
     * What one stalled reader saw once it read again.
     *
     * @param closed         whether the node closed the connection
     * @param closeCode      the code of the close frame that reached it, or 0
     * @param disconnectCode the code of the {@code disconnect} push that reached it, or 0
     * @param publications   how many publications it had received
     * @param inOrder        whether they were 1, 2, 3, ... with no gap
     */
    record Outcome(boolean closed, int closeCode, int disconnectCode, int publications, boolean inOrder) {
    }

    private final List<Socket> sockets = new ArrayList<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "crier-stalled-readers");
        t.setDaemon(true);
        return t;
    });
    private final CompletableFuture<List<Outcome>> outcomes = new CompletableFuture<>();

    /** Opens {@code count} stalled readers subscribed to {@code topic}; each has its own token and user. */
    void open(LoadSettings.Target target, String topic, int count, String runId) throws IOException {
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket();
            sockets.add(socket);
            socket.setReceiveBufferSize(RECEIVE_BUFFER);
            socket.connect(new InetSocketAddress(target.url().getHost(), target.url().getPort()),
                    (int) IO_TIMEOUT.toMillis());
            socket.setSoTimeout((int) IO_TIMEOUT.toMillis());
            String token = TestTokens.hs256(target.secret(), "lt-" + runId + "-stalled-" + i, List.of("lt:*"),
                    List.of("lt:*"), Duration.ofHours(1));
            subscribe(socket, target, token, topic);
        }
    }

    /**
     * Once {@code published} completes and then {@code settle} has passed, reads every stalled stream to its end
     * (at most {@code timeout} in all) and records the outcomes.
     */
    void judgeAfter(CompletableFuture<?> published, Duration settle, Duration timeout) {
        published.whenComplete((ignored, error) -> thread.schedule(() -> drainAll(timeout),
                settle.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** The outcomes, complete once every stream has been read. */
    CompletableFuture<List<Outcome>> outcomes() {
        return outcomes;
    }

    /** How many of the readers were closed by the node (0 until judged). */
    int closed() {
        return outcomes.getNow(List.of()).stream().mapToInt(o -> o.closed() ? 1 : 0).sum();
    }

    /** One line per reader. */
    String describe() {
        StringBuilder out = new StringBuilder("stalled readers:");
        for (Outcome o : outcomes.getNow(List.of())) {
            out.append(String.format(Locale.ROOT, "%n  closed %s, close frame %d, disconnect push %d, %d publications%s",
                    o.closed(), o.closeCode(), o.disconnectCode(), o.publications(), o.inOrder() ? " in order" : " OUT OF ORDER"));
        }
        return out.toString();
    }

    /** Closes the sockets and stops the reading thread. */
    @Override
    public void close() throws IOException {
        thread.shutdownNow();
        for (Socket socket : sockets) {
            socket.close();
        }
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the stalled readers' thread did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void subscribe(Socket socket, LoadSettings.Target target, String token, String topic)
            throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + target.url().getPath() + " HTTP/1.1\r\nHost: " + target.url().getHost() + ":"
                + target.url().getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // Unbuffered reads: nothing past the ok may be taken off the socket, or the kernel's buffer drains.
        InputStream in = socket.getInputStream();
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(""));
        }
        // Only after the 101: frames sent with the request would reach the node's HTTP decoder, not its WebSocket one.
        out.write(ClientFrame.text(ClientCommands.subscribe(2, topic)).encode());
        out.flush();
        DataInputStream frames = new DataInputStream(in);
        for (int i = 0; i < 10; i++) {
            String text = new String(readFrame(frames).payload(), StandardCharsets.UTF_8);
            if (text.contains("\"type\":\"ok\"") && text.contains("\"id\":2")) {
                return;
            }
            if (text.contains("\"type\":\"error\"")) {
                throw new IOException("subscribe refused: " + text);
            }
        }
        throw new IOException("no ok to the subscribe among the first frames");
    }

    private void drainAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Outcome> all = new ArrayList<>();
        for (Socket socket : sockets) {
            all.add(drain(socket, deadline));
        }
        outcomes.complete(List.copyOf(all));
    }

    /** Reads one stream to its end, or until the deadline. */
    private static Outcome drain(Socket socket, long deadline) {
        int publications = 0;
        boolean inOrder = true;
        int disconnectCode = 0;
        try {
            DataInputStream frames = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            while (System.nanoTime() < deadline) {
                Frame frame;
                try {
                    frame = readFrame(frames);
                } catch (SocketTimeoutException e) {
                    continue; // still open, nothing more yet: the deadline decides
                }
                if (frame.opcode() == 0x8) {
                    byte[] p = frame.payload();
                    int code = p.length >= 2 ? (p[0] & 0xff) << 8 | (p[1] & 0xff) : 1005;
                    return new Outcome(true, code, disconnectCode, publications, inOrder);
                }
                String text = new String(frame.payload(), StandardCharsets.UTF_8);
                Probe probe = Probe.fromMessage(text);
                if (probe != null) {
                    publications++;
                    inOrder &= probe.seq() == publications;
                } else if (text.contains("\"type\":\"disconnect\"")) {
                    disconnectCode = codeIn(text);
                }
            }
            return new Outcome(false, 0, disconnectCode, publications, inOrder);
        } catch (EOFException | SocketException e) {
            // The node closed (FIN or reset) without a close frame getting through: the usual end of a stalled client.
            return new Outcome(true, 0, disconnectCode, publications, inOrder);
        } catch (IOException e) {
            return new Outcome(false, 0, disconnectCode, publications, false);
        }
    }

    private static int codeIn(String disconnect) {
        int at = disconnect.indexOf("\"code\":");
        if (at < 0) {
            return 0;
        }
        at += "\"code\":".length();
        int end = at;
        while (end < disconnect.length() && end - at < 5 && Character.isDigit(disconnect.charAt(end))) {
            end++;
        }
        return end == at ? 0 : Integer.parseInt(disconnect, at, end, 10);
    }

    private record Frame(int opcode, byte[] payload) {
    }

    private static Frame readFrame(DataInputStream in) throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        if ((second & 0x80) != 0 || length < 0 || length > MAX_FRAME) {
            throw new IOException("the node sent a masked frame or one of " + length + " bytes");
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(first & 0x0f, payload);
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0 || head.length() > 8192) {
                throw new IOException("no complete HTTP response head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
