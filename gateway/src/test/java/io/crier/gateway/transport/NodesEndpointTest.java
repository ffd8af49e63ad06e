package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.BrokerState;
import io.crier.cluster.ManualClock;
import io.crier.cluster.memory.InMemoryBroker;
import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.nodes.ClusterView;
import io.crier.gateway.nodes.NodeVersion;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/nodes} and the status page through the real routes handler, on a node alone. */
class NodesEndpointTest {

    private static final String KEY = "nodes-endpoint-test-key-0123456789abcdef";

    private final InMemoryBroker broker = new InMemoryBroker();
    private final Readiness readiness = new Readiness(() -> broker.state() == BrokerState.CONNECTED);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ClusterView view = new ClusterView(
            new ConfigLoader().load(null, Map.of("CRIER_NODE_ID", "embedded-1")), null, clock, meters);
    private final EmbeddedChannel channel = new EmbeddedChannel(TestHandlers.routes("/ws", readiness, null,
            new AdminRoutes(KEY.getBytes(StandardCharsets.UTF_8), () -> { }, new NodesEndpoint(view, meters), null,
                    meters)));

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        view.close();
        scheduler.shutdownNow();
        broker.close();
    }

    @Test
    void theRightKeyGetsTheNodeListAsJsonAndTheConnectionCloses() {
        view.start("127.0.0.1:8080", () -> 2, scheduler);
        clock.advance(Duration.ofMillis(1500));

        HttpCall response = HttpCall.of(channel, HttpMethod.GET, "/api/v1/nodes?pretty=no", "Bearer " + KEY);

        assertEquals(HttpResponseStatus.OK, response.status());
        assertEquals("application/json", response.contentType());
        assertEquals("{\"node\":\"embedded-1\",\"nodes\":[{\"id\":\"embedded-1\",\"address\":\"127.0.0.1:8080\","
                + "\"connections\":2,\"startedAt\":\"2026-01-01T00:00:00Z\",\"version\":\""
                + NodeVersion.of(ClusterView.class) + "\",\"uptimeMs\":1500}]}", response.body());
        assertFalse(channel.isActive(), "an answer that may come later closes the connection");
        assertEquals(1.0, count("ok"));
    }

    @Test
    void aMissingOrWrongKeyGets401AndIsCounted() {
        view.start("h:1", () -> 0, scheduler);
        assertEquals(HttpResponseStatus.UNAUTHORIZED,
                HttpCall.of(channel, HttpMethod.GET, "/api/v1/nodes", null).status());
        assertEquals(HttpResponseStatus.UNAUTHORIZED,
                HttpCall.of(channel, HttpMethod.GET, "/api/v1/nodes", "Bearer " + KEY + "x").status());
        assertEquals(HttpResponseStatus.UNAUTHORIZED,
                HttpCall.of(channel, HttpMethod.GET, "/api/v1/nodes", "Basic " + KEY).status());
        assertEquals(3.0, count("unauthorized"));
        assertEquals(0.0, count("ok"));
    }

    @Test
    void otherMethodsGet405() {
        assertEquals(HttpResponseStatus.METHOD_NOT_ALLOWED,
                HttpCall.of(channel, HttpMethod.POST, "/api/v1/nodes", "Bearer " + KEY).status());
    }

    @Test
    void aRegistryThatCannotBeReadGives503WithAJsonError() {
        view.start("h:1", () -> 0, scheduler);
        view.close();

        HttpCall response = HttpCall.of(channel, HttpMethod.GET, "/api/v1/nodes", "Bearer " + KEY);

        assertEquals(HttpResponseStatus.SERVICE_UNAVAILABLE, response.status());
        assertTrue(response.body().startsWith("{\"error\":{\"code\":\"unavailable\""), response.body());
        assertEquals(1.0, count("unavailable"));
    }

    @Test
    void withoutAnAdminKeyTheRouteDoesNotExistButTheStatusPageDoes() {
        EmbeddedChannel plain = new EmbeddedChannel(TestHandlers.routes("/ws", readiness, null));
        assertEquals(HttpResponseStatus.NOT_FOUND,
                HttpCall.of(plain, HttpMethod.GET, "/api/v1/nodes", "Bearer " + KEY).status());

        HttpCall page = HttpCall.of(plain, HttpMethod.GET, "/status", null);
        assertEquals(HttpResponseStatus.OK, page.status());
        assertTrue(page.contentType().startsWith("text/html"), page.contentType());
        assertTrue(page.body().contains("/status.js"), "the page loads its script");
        HttpCall script = HttpCall.of(plain, HttpMethod.GET, "/status.js", null);
        assertTrue(script.body().contains("/api/v1/nodes") && script.body().contains("Bearer "),
                "the script calls the API");
        assertEquals(HttpResponseStatus.METHOD_NOT_ALLOWED,
                HttpCall.of(plain, HttpMethod.POST, "/status", null).status());
        plain.finishAndReleaseAll();
    }

    private double count(String outcome) {
        return meters.counter("crier.admin.requests", "action", "nodes", "outcome", outcome).count();
    }
}
