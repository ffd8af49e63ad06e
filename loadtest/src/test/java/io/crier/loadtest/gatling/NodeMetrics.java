package io.crier.loadtest.gatling;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads one counter of a node's {@code GET /metrics} (Prometheus text): how many sessions it closed as slow
 * consumers, {@code crier_disconnects_total{reason="slow_consumer"}}. That is where the close code of a client that
 * does not read can be seen. Only meaningful against one node (a load balancer should not route {@code /metrics}).
 * Thread-safe.
 */
final class NodeMetrics {

    private static final String COUNTER = "crier_disconnects_total{";
    private static final String REASON = "reason=\"slow_consumer\"";

    private final URI url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Reads {@code url}; {@code null} reads nothing, and every count is then unknown. */
    NodeMetrics(URI url) {
        this.url = url;
    }

    /** Whether there is a node to read. */
    boolean enabled() {
        return url != null;
    }

    /** The node's slow-consumer disconnects so far, or -1 when unknown (no URL, or the node did not answer). */
    long slowConsumerDisconnects() {
        if (url == null) {
            return -1;
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return -1;
            }
            return response.body().lines()
                    .filter(line -> line.startsWith(COUNTER) && line.contains(REASON))
                    .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .sum();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
