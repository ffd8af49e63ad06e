package io.crier.gateway.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * A real WebSocket client for tests, on the JDK's {@link HttpClient} (independent of Netty): it records
 * every text frame and the close status, and lets a test wait for them with timeouts. Thread-safe.
 */
public final class WsTestClient implements AutoCloseable {

    /** How long a test waits for one expected frame or close. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    /** The close frame the server sent: code and reason. */
    public record Close(int code, String reason) {
    }

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    /** Frames received but skipped by an {@link #await}, oldest first. Guarded by this. */
    private final List<String> backlog = new ArrayList<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private WsTestClient(URI uri, Map<String, String> headers) throws Exception {
        this(HttpClient.newHttpClient(), uri, headers);
    }

    private WsTestClient(HttpClient http, URI uri, Map<String, String> headers) throws Exception {
        WebSocket.Builder builder = http.newWebSocketBuilder()
                .connectTimeout(WAIT);
        headers.forEach(builder::header);
        socket = builder.buildAsync(uri, new Recorder()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Opens a {@code wss://} WebSocket to {@code uri}, trusting what {@code tls} trusts. */
    public static WsTestClient connect(URI uri, SSLContext tls) throws Exception {
        return new WsTestClient(HttpClient.newBuilder().sslContext(tls).build(), uri, Map.of());
    }

    /** Opens a WebSocket to {@code uri} with no extra headers. */
    public static WsTestClient connect(URI uri) throws Exception {
        return new WsTestClient(uri, Map.of());
    }

    /** Opens a WebSocket to {@code uri}, sending {@code Authorization: Bearer token} on the upgrade. */
    public static WsTestClient connectWithBearer(URI uri, String token) throws Exception {
        return new WsTestClient(uri, Map.of("Authorization", "Bearer " + token));
    }

    /** Opens a WebSocket to {@code uri}, sending {@code headers} (a {@code Cookie}, say) on the upgrade. */
    public static WsTestClient connectWithHeaders(URI uri, Map<String, String> headers) throws Exception {
        return new WsTestClient(uri, headers);
    }

    /** Sends one text frame. */
    public void send(String text) throws Exception {
        socket.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Sends one binary frame. */
    public void sendBinary(byte[] bytes) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The next text frame not yet consumed; fails the test when none arrives in time. */
    public String next() throws InterruptedException {
        return await(frame -> true);
    }

    /**
     * Waits for the first frame that matches {@code wanted} and consumes it. Frames that do not match stay
     * queued, in order, for later calls: replies and pushes may interleave (a publisher's own message can
     * arrive before the reply to its publish). Fails the test when no such frame arrives in time.
     */
    public synchronized String await(Predicate<String> wanted) throws InterruptedException {
        for (Iterator<String> it = backlog.iterator(); it.hasNext(); ) {
            String frame = it.next();
            if (wanted.test(frame)) {
                it.remove();
                return frame;
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String frame = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
            if (frame == null) {
                return fail("no matching frame within " + WAIT + "; unconsumed: " + backlog);
            }
            if (wanted.test(frame)) {
                return frame;
            }
            backlog.add(frame);
        }
    }

    /** Waits for the frame that contains {@code fragment}. */
    public String awaitContaining(String fragment) throws InterruptedException {
        return await(frame -> frame.contains(fragment));
    }

    /** Waits for the close frame from the server. */
    public Close awaitClose() throws Exception {
        return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Completes with the server's close frame (or exceptionally when the connection fails). */
    public CompletableFuture<Close> closed() {
        return closed;
    }

    /** Whether the server has closed the socket. */
    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private final class Recorder implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
