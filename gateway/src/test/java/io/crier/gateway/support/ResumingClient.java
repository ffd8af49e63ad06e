package io.crier.gateway.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test client that follows one topic with history the way a real client library should: it remembers the
 * offset and epoch of the last message it got, and when its connection drops (a node killed, a 4006 close) it
 * reconnects to the next node of its list, authenticates and subscribes again with {@code since} that
 * position. A subscribe answered {@code unavailable} (the node's broker is not back yet) is sent again after a
 * short pause, as PROTOCOL.md §7 says a client should. It records every message's position, every subscribe
 * reply and every connection, so that a test can check that nothing was lost or duplicated. Frames are matched with patterns on the exact wire format
 * of PROTOCOL.md (the gateway's tests do not parse JSON with a library).
 *
 * <p>Thread-safe: the JDK WebSocket calls the listener on its own threads, one at a time per connection;
 * reconnects run on the client's own single thread.
 */
public final class ResumingClient implements AutoCloseable {

    /** The position of one received message. */
    public record Received(long offset, String epoch) {
    }

    /** One {@code ok} reply to a subscribe: whether it recovered, and the topic's position then. */
    public record Subscribed(boolean recovered, long offset, String epoch) {
    }

    private static final Pattern MESSAGE =
            Pattern.compile("^\\{\"type\":\"message\",\"topic\":\"([^\"]+)\",\"offset\":(\\d+),\"epoch\":\"([^\"]+)\"");
    private static final Pattern SUBSCRIBED = Pattern.compile(
            "^\\{\"type\":\"ok\",\"id\":2,\"recovered\":(true|false),\"offset\":(\\d+),\"epoch\":\"([^\"]+)\"");
    private static final int MAX_CONNECT_ATTEMPTS = 40;
    private static final Duration RETRY_DELAY = Duration.ofMillis(100);

    private final String topic;
    private final String token;
    private final List<URI> nodes;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ExecutorService reconnects = Executors.newSingleThreadExecutor();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Subscribed> subscribes = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger unavailableSubscribes = new AtomicInteger();
    private final CompletableFuture<Void> firstSubscribe = new CompletableFuture<>();
    private volatile Received last;
    private volatile WebSocket socket;
    private volatile boolean closed;
    private volatile int node;

    private ResumingClient(String topic, String token, List<URI> nodes, int firstNode) {
        this.topic = topic;
        this.token = token;
        this.nodes = List.copyOf(nodes);
        this.node = firstNode;
    }

    /**
     * Connects to {@code nodes[firstNode]}, authenticates with {@code token}, subscribes to {@code topic}
     * (without {@code since}) and returns once the subscribe is acknowledged.
     */
    public static ResumingClient start(String topic, String token, List<URI> nodes, int firstNode) throws Exception {
        return begin(new ResumingClient(topic, token, nodes, firstNode));
    }

    /**
     * As {@link #start}, but the first subscribe asks with {@code since} for everything after that position
     * (one the client saw earlier), as a client coming back does.
     */
    public static ResumingClient startFrom(String topic, String token, List<URI> nodes, int firstNode,
            Received since) throws Exception {
        ResumingClient client = new ResumingClient(topic, token, nodes, firstNode);
        client.last = since;
        return begin(client);
    }

    private static ResumingClient begin(ResumingClient client) throws Exception {
        client.reconnects.execute(client::connect);
        try {
            client.firstSubscribe.get(WsTestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            client.close();
            throw e;
        }
        return client;
    }

    /** Every message's position, in arrival order, across all connections. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The offsets of {@link #received()}. */
    public List<Long> offsets() {
        return received.stream().map(Received::offset).toList();
    }

    /** The subscribe replies, in order: the first, then one per reconnect. */
    public List<Subscribed> subscribes() {
        return List.copyOf(subscribes);
    }

    /** Connections opened so far (1 means it never had to reconnect). */
    public int connections() {
        return connections.get();
    }

    /** Subscribes answered {@code unavailable} and sent again. */
    public int unavailableSubscribes() {
        return unavailableSubscribes.get();
    }

    /** Unexpected frames, failed subscribes and failed reconnects; empty when all went well. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** The offset of the last message, or of the first subscribe's position before any message. */
    public long lastOffset() {
        Received position = last;
        return position == null ? 0 : position.offset();
    }

    @Override
    public void close() {
        closed = true;
        reconnects.shutdownNow();
        WebSocket current = socket;
        if (current != null) {
            current.abort();
        }
    }

    /** Runs on the reconnect thread: tries each node in turn, from the current one. */
    private void connect() {
        List<String> failures = new ArrayList<>();
        for (int attempt = 0; attempt < MAX_CONNECT_ATTEMPTS && !closed; attempt++) {
            URI uri = nodes.get(node);
            try {
                Listener listener = new Listener();
                WebSocket opened = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(2))
                        .buildAsync(uri, listener).get(5, TimeUnit.SECONDS);
                socket = opened;
                connections.incrementAndGet();
                listener.sends().send("{\"type\":\"auth\",\"id\":1,\"token\":\"" + token + "\"}");
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // That node is down (or not ready): the next one in the list is tried after a short pause.
                failures.add(uri + ": " + e);
                node = (node + 1) % nodes.size();
                pause();
            }
        }
        problems.add("could not reconnect: " + failures);
    }

    private void pause() {
        Executor delayed = CompletableFuture.delayedExecutor(RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture.runAsync(() -> { }, delayed).join();
    }

    private String subscribeCommand() {
        Received since = last;
        String sinceField = since == null ? ""
                : ",\"since\":{\"offset\":" + since.offset() + ",\"epoch\":\"" + since.epoch() + "\"}";
        return "{\"type\":\"subscribe\",\"id\":2,\"topic\":\"" + topic + "\"" + sinceField + "}";
    }

    private void onFrame(Listener listener, String frame) {
        Matcher message = MESSAGE.matcher(frame);
        if (message.find()) {
            Received position = new Received(Long.parseLong(message.group(2)), message.group(3));
            received.add(position);
            last = position;
            return;
        }
        Matcher subscribed = SUBSCRIBED.matcher(frame);
        if (subscribed.find()) {
            Subscribed reply = new Subscribed(Boolean.parseBoolean(subscribed.group(1)),
                    Long.parseLong(subscribed.group(2)), subscribed.group(3));
            subscribes.add(reply);
            if (!reply.recovered() || last == null) {
                // Not recovered: the client reloads its state and goes on from the current position.
                last = new Received(reply.offset(), reply.epoch());
            }
            firstSubscribe.complete(null);
        } else if (frame.startsWith("{\"type\":\"ok\",\"id\":1}")) {
            listener.sends().send(subscribeCommand());
        } else if (frame.startsWith("{\"type\":\"error\",\"id\":2,\"code\":\"unavailable\"")) {
            unavailableSubscribes.incrementAndGet();
            Executor later = CompletableFuture.delayedExecutor(RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            later.execute(() -> listener.sends().send(subscribeCommand()));
        } else if (!frame.startsWith("{\"type\":\"welcome\"") && !frame.startsWith("{\"type\":\"heartbeat\"}")
                && !frame.startsWith("{\"type\":\"disconnect\"") && !frame.startsWith("{\"type\":\"join\"")
                && !frame.startsWith("{\"type\":\"leave\"")) {
            problems.add("unexpected frame: " + frame);
        }
    }

    private void onDrop(WebSocket webSocket, String why) {
        if (closed || webSocket != socket) {
            return;
        }
        node = (node + 1) % nodes.size();
        try {
            reconnects.execute(this::connect);
        } catch (RejectedExecutionException e) {
            // Closed in the meantime: nothing to reconnect.
            problems.add("dropped after close: " + why);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private volatile OrderedSends sends;

        @Override
        public void onOpen(WebSocket webSocket) {
            sends = new OrderedSends(webSocket, (failed, error) -> {
                failed.abort();
                onDrop(failed, "send failed: " + error);
            });
            webSocket.request(1);
        }

        OrderedSends sends() {
            return sends;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean lastPart) {
            partial.append(data);
            if (lastPart) {
                onFrame(this, partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            onDrop(webSocket, "close " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            onDrop(webSocket, "error " + error);
        }
    }
}
