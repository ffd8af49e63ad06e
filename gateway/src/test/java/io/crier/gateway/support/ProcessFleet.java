package io.crier.gateway.support;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * Gateway nodes as separate processes ({@link GatewayProcess}) on one Redis, started side by side from one
 * {@code CRIER_*} env map (see {@link TestFleet#env}), named {@code PREFIX-1}, {@code PREFIX-2}, ... The
 * caller owns the Redis; {@link #close()} kills the nodes. Thread-safe once started.
 */
public final class ProcessFleet implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<GatewayProcess> nodes;

    private ProcessFleet(List<GatewayProcess> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** Starts {@code count} nodes in parallel; returns once every one answers {@code /readyz} with 200. */
    public static ProcessFleet start(String prefix, int count, Map<String, String> env) {
        List<CompletableFuture<GatewayProcess>> starting = IntStream.rangeClosed(1, count)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> node(prefix + "-" + i, env))).toList();
        try {
            return new ProcessFleet(starting.stream().map(CompletableFuture::join).toList());
        } catch (RuntimeException e) {
            starting.forEach(node -> node.thenAccept(GatewayProcess::close));
            throw e;
        }
    }

    /** Node {@code index}, from 0. */
    public GatewayProcess node(int index) {
        return nodes.get(index);
    }

    /** Every node's WebSocket URI, in node order (the addresses of a {@link FleetClient} that moves between them). */
    public List<URI> wsUris() {
        return nodes.stream().map(GatewayProcess::wsUri).toList();
    }

    /** Waits until every node answers {@code /readyz} with 200 (after Redis comes back, say). */
    public void awaitReady() {
        for (GatewayProcess node : nodes) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/readyz")).build();
            await(node.name() + " ready").atMost(READY_TIMEOUT).ignoreExceptions().until(
                    () -> HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        }
    }

    @Override
    public void close() {
        nodes.forEach(GatewayProcess::close);
    }

    private static GatewayProcess node(String name, Map<String, String> env) {
        GatewayProcess.Builder builder = GatewayProcess.named(name);
        env.forEach(builder::env);
        return builder.start();
    }
}
