package io.crier.gateway.support;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * A test's resuming clients, from a few to the fleet test's hundreds: it makes the {@link FleetClient}s, which
 * share one {@link HttpClient} (one selector thread, a small fixed pool for the listeners) and one timer for their
 * reconnects, so that 300 clients cost a few threads, and connects them. {@link #close()} drops every connection
 * and stops the threads. Thread-safe.
 */
public final class FleetClients implements AutoCloseable {

    /** Clients connected at once: a burst of handshakes is a test of the machine, not of the fleet. */
    private static final int WAVE = 50;

    private final ExecutorService listeners = Executors.newFixedThreadPool(4);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final HttpClient http = HttpClient.newBuilder().executor(listeners)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<FleetClient> clients = new ArrayList<>();

    /** A client of {@code topic} through one address (a load balancer's, or a node's), not connected yet. */
    public FleetClient client(String topic, String token, URI address) {
        return client(topic, token, List.of(address), 0);
    }

    /**
     * A client of {@code topic} that connects to {@code addresses[first]} first and, after each drop or failed
     * attempt, to the next address of the list; not connected yet.
     */
    public FleetClient client(String topic, String token, List<URI> addresses, int first) {
        return new FleetClient(topic, token, addresses, first, http, timer);
    }

    /** Connects {@code client} and returns it once its first subscribe is acknowledged. */
    public FleetClient connect(FleetClient client, Duration timeout) throws Exception {
        try {
            start(client).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("client not subscribed within " + timeout + ": " + client.state(), e);
        }
        return client;
    }

    /** Creates {@code count} clients with {@code factory} and connects them, {@value #WAVE} at a time. */
    public void connect(int count, IntFunction<FleetClient> factory, Duration timeout) throws Exception {
        for (int from = 0; from < count; from += WAVE) {
            List<CompletableFuture<Void>> subscribed = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + WAVE); i++) {
                subscribed.add(start(factory.apply(i)));
            }
            try {
                CompletableFuture.allOf(subscribed.toArray(CompletableFuture[]::new))
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                List<String> stuck = all().stream().skip(from).filter(c -> c.subscribes().isEmpty()).limit(5)
                        .map(FleetClient::state).toList();
                throw new AssertionError("clients " + from + ".." + (from + WAVE - 1) + " not all subscribed within "
                        + timeout + "; the first of them: " + stuck, e);
            }
        }
    }

    private CompletableFuture<Void> start(FleetClient client) {
        synchronized (this) {
            clients.add(client);
        }
        return client.start();
    }

    public synchronized List<FleetClient> all() {
        return List.copyOf(clients);
    }

    /** How many clients each node welcomed first. */
    public Map<String, Long> countFirstNodes() {
        return all().stream().collect(Collectors.groupingBy(c -> c.nodes().get(0), TreeMap::new,
                Collectors.counting()));
    }

    /** Waits until every client has reached the last offset of its topic. */
    public void awaitCaughtUp(Map<String, Long> lastByTopic, Duration timeout) {
        await("every client caught up to its topic's last offset").atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> all().stream().allMatch(c -> c.lastOffset() >= lastByTopic.get(c.topic())));
    }

    @Override
    public void close() {
        all().forEach(FleetClient::close);
        timer.shutdownNow();
        listeners.shutdownNow();
    }
}
