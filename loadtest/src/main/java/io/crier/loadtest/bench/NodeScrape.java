package io.crier.loadtest.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One reading of a node's {@code GET /metrics} (Prometheus text): every sample by its full name with labels, as
 * the node prints it ({@code crier_disconnects_total{reason="slow_consumer"}}). The meters themselves are defined
 * in the gateway's {@code MeterCatalog}; this class only looks them up by the names the node serves.
 * Immutable and thread-safe.
 */
final class NodeScrape {

    static final String CONNECTIONS = "crier_connections";
    static final String NETTY_DIRECT = "crier_netty_direct_used_bytes";
    static final String ALLOCATOR_DIRECT = "crier_netty_allocator_direct_bytes{allocator=\"default\"}";
    static final String JDK_DIRECT = "jvm_buffer_memory_used_bytes{id=\"direct\"}";
    static final String OUTBOUND_QUEUED = "crier_outbound_queued_bytes";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<String, Double> samples;

    private NodeScrape(Map<String, Double> samples) {
        this.samples = samples;
    }

    /** The metrics URL of the node whose WebSocket URL is {@code ws}. */
    static URI metricsUrl(URI ws) {
        return URI.create("http://" + ws.getHost() + ":" + ws.getPort() + "/metrics");
    }

    /** Reads the node's metrics now. */
    static NodeScrape read(URI metricsUrl) {
        return read(metricsUrl, Duration.ofSeconds(10));
    }

    /** Reads the node's metrics now, waiting at most {@code timeout} for the answer. */
    static NodeScrape read(URI metricsUrl, Duration timeout) {
        try {
            HttpRequest request = HttpRequest.newBuilder(metricsUrl).timeout(timeout).build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(metricsUrl + " answered " + response.statusCode());
            }
            return parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + metricsUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + metricsUrl, e);
        }
    }

    /** The samples of a Prometheus text page. */
    static NodeScrape parse(String page) {
        Map<String, Double> samples = new HashMap<>();
        page.lines().filter(line -> !line.isEmpty() && line.charAt(0) != '#').forEach(line -> {
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        });
        return new NodeScrape(samples);
    }

    /** The sample's value as a whole number, or -1 when the node did not print it. */
    long get(String sample) {
        Double value = samples.get(sample);
        return value == null ? -1 : value.longValue();
    }

    /** The sum of every sample of {@code name}, whatever its labels ({@code jvm_gc_pause_seconds_count{...}}); 0 if none. */
    double sum(String name) {
        double total = 0;
        for (Map.Entry<String, Double> sample : samples.entrySet()) {
            if (isOf(sample.getKey(), name)) {
                total += sample.getValue();
            }
        }
        return total;
    }

    /** The largest sample of {@code name}, whatever its labels; 0 if none. */
    double max(String name) {
        double max = 0;
        for (Map.Entry<String, Double> sample : samples.entrySet()) {
            if (isOf(sample.getKey(), name)) {
                max = Math.max(max, sample.getValue());
            }
        }
        return max;
    }

    /** Whether the sample {@code key} (a name and maybe labels) is one of {@code name}'s. */
    private static boolean isOf(String key, String name) {
        return key.startsWith(name) && (key.length() == name.length() || key.charAt(name.length()) == '{');
    }

    /** How many connections the node closed for {@code reason} ({@code crier_disconnects_total}). */
    long disconnects(String reason) {
        return Math.max(0, get("crier_disconnects_total{reason=\"" + reason + "\"}"));
    }

    /** How many upgrades the node refused for {@code reason} ({@code crier_handshakes_refused_total}). */
    long refused(String reason) {
        return Math.max(0, get("crier_handshakes_refused_total{reason=\"" + reason + "\"}"));
    }
}
