package io.crier.gateway.support;

import static org.awaitility.Awaitility.await;

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
 * The crowd of the fleet test: hundreds of {@link FleetClient}s sharing one {@link HttpClient} (one selector
 * thread, a small fixed pool for the listeners) and one timer for their reconnects, so that 300 clients cost
 * a few threads. {@link #close()} drops every connection and stops the threads. Thread-safe.
 */
public final class FleetClients implements AutoCloseable {

    /** Clients connected at once: a burst of handshakes is a test of the machine, not of the fleet. */
    private static final int WAVE = 50;

    private final ExecutorService listeners = Executors.newFixedThreadPool(4);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final HttpClient http = HttpClient.newBuilder().executor(listeners)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<FleetClient> clients = new ArrayList<>();

    public HttpClient http() {
        return http;
    }

    public ScheduledExecutorService timer() {
        return timer;
    }

    /** Creates {@code count} clients with {@code factory} and connects them, {@value #WAVE} at a time. */
    public void connect(int count, IntFunction<FleetClient> factory, Duration timeout) throws Exception {
        for (int from = 0; from < count; from += WAVE) {
            List<CompletableFuture<Void>> subscribed = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + WAVE); i++) {
                FleetClient client = factory.apply(i);
                synchronized (this) {
                    clients.add(client);
                }
                subscribed.add(client.start());
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
