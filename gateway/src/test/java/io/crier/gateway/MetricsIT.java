package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.gateway.metrics.MeterDefinition;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.WsTestClient;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node's meters seen from outside: a node on the in-memory broker serves a short session (auth, subscribe,
 * publish, a malformed frame, a client close), then {@code GET /metrics} answers in the Prometheus text format
 * with the meters, and every {@code crier.*} meter of its registry is in {@link MeterCatalog} with
 * only the catalog's tag keys and allowed values: no topic, user, session or address ever becomes a tag.
 */
class MetricsIT {

    private static final String TOPIC = "metrics-it.room-42";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayServer node;

    @BeforeEach
    void startNode() {
        node = GatewayServer.start(new ConfigLoader().load(null, Map.of(
                "CRIER_NODE_ID", "metrics-it",
                "CRIER_SERVER_PORT", "0",
                "CRIER_AUTH_HMAC_SECRET", new String(TestTokens.secret(), StandardCharsets.UTF_8))));
    }

    @AfterEach
    void stopNode() {
        node.close();
    }

    @Test
    void scrapeAnswersInPrometheusTextFormatWithTheCatalogsMeters() throws Exception {
        exerciseOneSession("user-alice@example.com");
        HttpResponse<String> scrape = get("/metrics");
        assertEquals(200, scrape.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                scrape.headers().firstValue("content-type").orElse(""));
        String body = scrape.body();
        for (String series : List.of("# HELP crier_connections ", "# TYPE crier_commands_in_total counter",
                "crier_handshakes_completed_total ", "crier_commands_in_total{type=\"publish\"} 1.0",
                "crier_pushes_out_total{type=\"welcome\"} 1.0", "crier_received_bytes_total ",
                "crier_sent_bytes_total ", "crier_delivery_latency_seconds_bucket{le=",
                "crier_delivery_latency_seconds_count 1", "crier_outbound_queued_bytes ",
                "crier_broker_state{state=\"connected\"} 1.0", "crier_redis_reconnects_total 0.0",
                "crier_hub_recoveries_total{result=\"recovered\"}", "crier_netty_direct_used_bytes ",
                "crier_netty_allocator_direct_bytes{allocator=\"default\"}", "jvm_memory_used_bytes{",
                "jvm_gc_", "jvm_threads_live_threads ", "process_cpu_usage ")) {
            assertTrue(body.contains(series), "the scrape lacks " + series);
        }
        assertTrue(!body.contains(TOPIC) && !body.contains("alice") && !body.contains("127.0.0.1"),
                "no topic, user or address in the scrape");
    }

    @Test
    void everyCrierMeterHasOnlyTheCatalogsTagsAndValues() throws Exception {
        exerciseOneSession("user-bob");
        List<String> problems = new ArrayList<>();
        int crierMeters = 0;
        for (Meter meter : node.meters().getMeters()) {
            String name = meter.getId().getName();
            if (!name.startsWith("crier.")) {
                continue;
            }
            crierMeters++;
            MeterDefinition definition = MeterCatalog.find(name).orElse(null);
            if (definition == null) {
                problems.add(name + " is not in the catalog");
                continue;
            }
            List<String> keys = meter.getId().getTags().stream().map(Tag::getKey).sorted().toList();
            if (!keys.equals(definition.tags().keySet().stream().sorted().toList())) {
                problems.add(name + " has tags " + keys + ", the catalog says " + definition.tags().keySet());
            }
            for (Tag tag : meter.getId().getTags()) {
                if (!definition.tags().getOrDefault(tag.getKey(), Set.of()).contains(tag.getValue())) {
                    problems.add(name + " has " + tag.getKey() + "=" + tag.getValue() + ", not an allowed value");
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(crierMeters > 40, "the node registered its meters: " + crierMeters);
    }

    @Test
    void metricsIsReadOnly() throws Exception {
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    /** Auth, subscribe, publish and receive it, a malformed frame, then a client close. */
    private void exerciseOneSession(String user) throws Exception {
        try (WsTestClient client = WsTestClient.connect(URI.create(node.webSocketUrl()))) {
            client.send(ClientCommands.auth(1, TestTokens.hs256(TestTokens.secret(), user,
                    List.of("*"), List.of("*"), Duration.ofMinutes(5))));
            client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
            client.send(ClientCommands.subscribe(2, TOPIC));
            client.awaitContaining("{\"type\":\"ok\",\"id\":2}");
            client.send(ClientCommands.publish(3, TOPIC, "{\"n\":1}"));
            client.awaitContaining("\"type\":\"message\"");
            client.send("{not json");
            client.awaitContaining("\"bad_json\"");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> node.meters().get("crier.connections").gauge().value() == 0
                && node.meters().get("crier.delivery.latency").timer().count() == 1);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
