package io.crier.gateway.support;

import io.crier.protocol.ClientCommands;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test client that follows one topic with history the way a client library should, cheap enough to run
 * hundreds in one JVM: it shares the {@link HttpClient} and timer of its {@link FleetClients} with its siblings.
 * It remembers the position of the last message; when its connection drops it waits (the {@code reconnectDelayMs}
 * hint of a {@code disconnect} push, else a full-jitter exponential backoff from {@link #BACKOFF_BASE} to
 * {@link #BACKOFF_MAX}), reconnects to the next address of its list (the same one when the list has one, a load
 * balancer's), authenticates and subscribes again with {@code since} that position. A subscribe answered
 * {@code unavailable} (the node's broker is not back yet) is sent again after a short pause, as PROTOCOL.md §7
 * says a client should. It records every message (its position and arrival time), every subscribe reply, every
 * connection, the node of every {@code welcome}, and each reconnect's duration (from the drop to the {@code ok}
 * of the resubscribe), so that a test can check that nothing was lost or duplicated. Frames are matched on the
 * exact wire format of PROTOCOL.md (the gateway's tests do not parse JSON with a library).
 *
 * <p>Thread-safe: the JDK WebSocket calls the listener one frame at a time per connection, on the shared
 * client's executor; reconnects run on the shared timer; the state is guarded by this object's lock.
 */
public final class FleetClient {

    /** The first reconnect attempt after a drop without a hint waits up to this; each failure doubles it. */
    static final Duration BACKOFF_BASE = Duration.ofMillis(100);
    /** The longest wait between two reconnect attempts. */
    public static final Duration BACKOFF_MAX = Duration.ofSeconds(2);

    private static final int MAX_FAILURES = 40;
    private static final int MAX_FAILURES_KEPT = 5;
    /** How long a client waits before it sends a subscribe answered {@code unavailable} again. */
    private static final Duration UNAVAILABLE_RETRY = Duration.ofMillis(100);
    private static final Pattern SUBSCRIBED = Pattern.compile(
            "^\\{\"type\":\"ok\",\"id\":2,\"recovered\":(true|false),\"offset\":(\\d+),\"epoch\":\"([^\"]+)\"");
    private static final Pattern NODE = Pattern.compile("\"node\":\"([^\"]+)\"");
    private static final Pattern HINT = Pattern.compile("\"reconnectDelayMs\":(\\d+)");

    /**
     * One {@code ok} reply to a subscribe: whether it recovered, the topic's position then, and how many messages
     * the client had received before it (the index in {@link #received()} of the first message after it).
     */
    public record Subscribed(boolean recovered, long offset, String epoch, int after) {
    }

    /** One {@code message} push: its position, and when it arrived ({@link System#nanoTime()}). */
    public record Received(long offset, String epoch, long atNanos) {
    }

    /** One reconnect: how long from the drop to the resubscribe's {@code ok}; told: a disconnect push came first. */
    record Reconnect(long millis, boolean told) {
    }

    private final String topic;
    private final String token;
    private final List<URI> addresses;
    private final HttpClient http;
    private final ScheduledExecutorService timer;
    private final CompletableFuture<Void> firstSubscribe = new CompletableFuture<>();
    private final List<Received> received = new ArrayList<>();
    private final Set<String> epochs = new LinkedHashSet<>();
    private final List<Subscribed> subscribes = new ArrayList<>();
    private final List<String> nodes = new ArrayList<>();
    private final List<Reconnect> reconnects = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> failedAttempts = new ArrayList<>();
    private WebSocket socket;
    /** The index in {@link #addresses} of the current connection, or of the next attempt. */
    private int address;
    private int connections;
    private int unavailableSubscribes;
    private long lastOffset;
    private String lastEpoch;
    /** When the connection dropped (System.nanoTime), or -1 while subscribed or before the first connection. */
    private long droppedAt = -1;
    private long hintMillis;
    /** A disconnect push came on the current connection (a drain), before it dropped. */
    private boolean told;
    private boolean dropWasTold;
    private int failures;
    private boolean closed;

    /** Made by {@link FleetClients#client}: a client that connects to {@code addresses[first]} first. */
    FleetClient(String topic, String token, List<URI> addresses, int first, HttpClient http,
                ScheduledExecutorService timer) {
        this.topic = topic;
        this.token = token;
        this.addresses = List.copyOf(addresses);
        this.address = first;
        this.http = http;
        this.timer = timer;
    }

    /**
     * Makes the first subscribe ask with {@code since} for everything after that position (one the client saw
     * earlier), as a client coming back does. Call it before the client is connected.
     */
    public synchronized FleetClient since(long offset, String epoch) {
        lastOffset = offset;
        lastEpoch = epoch;
        return this;
    }

    /** Connects; the future completes when the first subscribe is acknowledged. */
    CompletableFuture<Void> start() {
        connect();
        return firstSubscribe;
    }

    public String topic() {
        return topic;
    }

    /** The offset of the last message, or the position of the latest subscribe (or {@link #since}) before any. */
    public synchronized long lastOffset() {
        return lastOffset;
    }

    /** The offsets of {@link #received()}. */
    public synchronized List<Long> offsets() {
        return received.stream().map(Received::offset).toList();
    }

    /** Every message's position and arrival time, in arrival order, across all connections. */
    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    public synchronized Set<String> epochs() {
        return Set.copyOf(epochs);
    }

    public synchronized List<Subscribed> subscribes() {
        return List.copyOf(subscribes);
    }

    /** The node of each {@code welcome}, in order. */
    public synchronized List<String> nodes() {
        return List.copyOf(nodes);
    }

    /** Connections opened so far (1 means it never had to reconnect). */
    public synchronized int connections() {
        return connections;
    }

    /** Subscribes answered {@code unavailable} and sent again. */
    public synchronized int unavailableSubscribes() {
        return unavailableSubscribes;
    }

    /** Each reconnect after a drop (not the retries of the first connection), in order. */
    synchronized List<Reconnect> reconnects() {
        return List.copyOf(reconnects);
    }

    /** Why connection attempts failed (the first {@value #MAX_FAILURES_KEPT}), for the figures. */
    synchronized List<String> failedAttempts() {
        return List.copyOf(failedAttempts);
    }

    /** Unexpected frames and failed reconnects; empty when all went well. */
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /** A one-line summary of the client's state, for a failure message. */
    synchronized String state() {
        return topic + ": " + (socket == null ? "not connected" : "connected to " + addresses.get(address))
                + ", welcomes " + nodes + ", subscribes " + subscribes.size() + ", failures in a row " + failures
                + ", failed attempts " + failedAttempts + ", problems " + problems;
    }

    /** Stops reconnecting and drops the connection. */
    public void close() {
        WebSocket current;
        synchronized (this) {
            closed = true;
            current = socket;
        }
        if (current != null) {
            current.abort();
        }
    }

    private void connect() {
        URI uri;
        synchronized (this) {
            uri = addresses.get(address);
        }
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(2)).buildAsync(uri, new Listener())
                .whenComplete((webSocket, error) -> {
                    if (error != null) {
                        retry("connect failed: " + error);
                    }
                });
    }

    /** A connection attempt failed: back off and try the next address. */
    private void retry(String why) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (droppedAt < 0) {
                droppedAt = System.nanoTime();
            }
            failures++;
            address = (address + 1) % addresses.size();
            reconnectLater(backoffMillis(failures), why);
        }
    }

    /**
     * The connection dropped: wait for the server's hint if it gave one, else a jittered moment, then reconnect
     * to the next address.
     */
    private void dropped(WebSocket webSocket, String why) {
        synchronized (this) {
            if (closed || webSocket != socket) {
                return;
            }
            socket = null;
            if (droppedAt >= 0) {
                // It dropped before the resubscribe was acknowledged: that attempt failed.
                failures++;
            } else {
                droppedAt = System.nanoTime();
                dropWasTold = told;
            }
            told = false;
            address = (address + 1) % addresses.size();
            long delayMillis = hintMillis > 0 ? hintMillis : backoffMillis(failures);
            hintMillis = 0;
            reconnectLater(delayMillis, why);
        }
    }

    /** Called with the lock held. */
    private void reconnectLater(long delayMillis, String why) {
        if (failures > 0 && failedAttempts.size() < MAX_FAILURES_KEPT) {
            failedAttempts.add(why);
        }
        if (failures > MAX_FAILURES) {
            problems.add("gave up after " + MAX_FAILURES + " failed attempts; last: " + why);
            return;
        }
        timer.schedule(this::connect, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Full jitter: uniform in [0, min(max, base * 2^failures)]. */
    private static long backoffMillis(int failures) {
        long ceiling = Math.min(BACKOFF_MAX.toMillis(), BACKOFF_BASE.toMillis() << Math.min(failures, 20));
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    private void onFrame(OrderedSends sends, String frame) {
        if (frame.startsWith("{\"type\":\"message\"")) {
            onMessage(frame);
        } else if (frame.startsWith("{\"type\":\"ok\",\"id\":2,")) {
            onSubscribed(frame);
        } else if (frame.equals("{\"type\":\"ok\",\"id\":1}")) {
            sends.send(subscribeCommand());
        } else if (frame.startsWith("{\"type\":\"error\",\"id\":2,\"code\":\"unavailable\"")) {
            synchronized (this) {
                unavailableSubscribes++;
            }
            timer.schedule(() -> sends.send(subscribeCommand()), UNAVAILABLE_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } else if (frame.startsWith("{\"type\":\"welcome\"")) {
            Matcher node = NODE.matcher(frame);
            synchronized (this) {
                nodes.add(node.find() ? node.group(1) : "?");
            }
        } else if (frame.startsWith("{\"type\":\"disconnect\"")) {
            Matcher hint = HINT.matcher(frame);
            synchronized (this) {
                hintMillis = hint.find() ? Long.parseLong(hint.group(1)) : 0;
                told = true;
            }
        } else if (!frame.equals("{\"type\":\"heartbeat\"}")) {
            synchronized (this) {
                problems.add("unexpected frame: " + frame);
            }
        }
    }

    /** A {@code message} push, parsed with indexOf rather than a regex: it is the hot path. */
    private void onMessage(String frame) {
        int offsetAt = frame.indexOf("\"offset\":") + "\"offset\":".length();
        int offsetEnd = frame.indexOf(',', offsetAt);
        int epochAt = frame.indexOf("\"epoch\":\"", offsetEnd) + "\"epoch\":\"".length();
        long offset = Long.parseLong(frame, offsetAt, offsetEnd, 10);
        String epoch = frame.substring(epochAt, frame.indexOf('"', epochAt));
        long now = System.nanoTime();
        synchronized (this) {
            // One String per epoch, not per message: hundreds of clients keep thousands of positions each.
            String shared = epoch.equals(lastEpoch) ? lastEpoch : epoch;
            received.add(new Received(offset, shared, now));
            epochs.add(shared);
            lastOffset = offset;
            lastEpoch = shared;
        }
    }

    private void onSubscribed(String frame) {
        Matcher matcher = SUBSCRIBED.matcher(frame);
        synchronized (this) {
            if (!matcher.find()) {
                problems.add("subscribe failed: " + frame);
                return;
            }
            Subscribed reply = new Subscribed(Boolean.parseBoolean(matcher.group(1)),
                    Long.parseLong(matcher.group(2)), matcher.group(3), received.size());
            subscribes.add(reply);
            if (droppedAt >= 0 && subscribes.size() > 1) {
                reconnects.add(new Reconnect(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - droppedAt),
                        dropWasTold));
            }
            droppedAt = -1;
            failures = 0;
            if (!reply.recovered() || lastEpoch == null) {
                // Not recovered: a real client reloads its state; the test counts these and expects none.
                lastOffset = reply.offset();
                lastEpoch = reply.epoch();
                epochs.add(reply.epoch());
            }
        }
        firstSubscribe.complete(null);
    }

    private synchronized String subscribeCommand() {
        return lastEpoch == null ? ClientCommands.subscribe(2, topic)
                : ClientCommands.subscribe(2, topic, lastOffset, lastEpoch);
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private OrderedSends sends;

        @Override
        public void onOpen(WebSocket webSocket) {
            synchronized (FleetClient.this) {
                if (closed) {
                    webSocket.abort();
                    return;
                }
                socket = webSocket;
                connections++;
            }
            sends = new OrderedSends(webSocket, (failed, error) -> {
                failed.abort();
                dropped(failed, "send failed: " + error);
            });
            sends.send(ClientCommands.auth(1, token));
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                onFrame(sends, partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            dropped(webSocket, "close " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            dropped(webSocket, "error " + error);
        }
    }
}
