package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.BrokerState;
import io.crier.cluster.ManualClock;
import io.crier.cluster.UserSession;
import io.crier.cluster.memory.InMemoryBroker;
import io.crier.cluster.memory.InMemoryUserStatusLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/events} through the real routes handler, on an embedded node's in-memory log. */
class EventsEndpointTest {

    private static final String KEY = "events-endpoint-test-key-0123456789abcdef";

    private final InMemoryBroker broker = new InMemoryBroker();
    private final Readiness readiness = new Readiness(() -> broker.state() == BrokerState.CONNECTED);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryUserStatusLog log = new InMemoryUserStatusLog(Duration.ofSeconds(15), Duration.ofSeconds(5),
            100, clock);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void tearDown() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        log.close();
        broker.close();
    }

    @Test
    void pagesThroughTheEventsWithTheLastIdAsTheNextCursor() {
        log.open(new UserSession("alice", "s1", "embedded-1"));
        clock.advance(Duration.ofMillis(1));
        log.open(new UserSession("bob", "s2", "embedded-1"));

        HttpCall first = call(HttpMethod.GET, "/api/v1/events?limit=1", "Bearer " + KEY);

        assertEquals(HttpResponseStatus.OK, first.status());
        assertEquals("application/json", first.contentType());
        assertEquals("{\"events\":[{\"id\":\"1767225600000-0\",\"user\":\"alice\",\"type\":\"online\",\"seq\":1,"
                + "\"ts\":1767225600000,\"node\":\"embedded-1\"}],\"next\":\"1767225600000-0\"}", first.body());
        HttpCall second = call(HttpMethod.GET, "/api/v1/events?after=1767225600000-0", "Bearer " + KEY);
        assertTrue(second.body().contains("\"user\":\"bob\"")
                && second.body().endsWith("\"next\":\"1767225600001-0\"}"),
                second.body());
        assertEquals("{\"events\":[],\"next\":\"1767225600001-0\"}",
                call(HttpMethod.GET, "/api/v1/events?after=1767225600001-0&limit=1000", "Bearer " + KEY).body());
        assertEquals(3.0, count("ok"));
    }

    @Test
    void malformedRepeatedOrOutOfRangeParametersGet400WithAFixedMessage() {
        for (String query : List.of("after=abc", "after=-1", "after=1-2-3", "after=99999999999999999999",
                "limit=0", "limit=1001", "limit=ten", "after=0&after=1", "limit=1&limit=2", "from=0",
                "after=<script>")) {
            HttpCall response = call(HttpMethod.GET, "/api/v1/events?" + query, "Bearer " + KEY);

            assertEquals(HttpResponseStatus.BAD_REQUEST, response.status(), query);
            assertEquals("{\"error\":{\"code\":\"bad_request\",\"message\":\"after must be an entry id (<ms>-<n>, or"
                    + " 0) and limit a number from 1 to 1000, each at most once\"}}", response.body(), query);
        }
        assertEquals(11.0, count("bad_request"));
    }

    @Test
    void aMissingKeyGets401AndAnotherMethod405() {
        assertEquals(HttpResponseStatus.UNAUTHORIZED, call(HttpMethod.GET, "/api/v1/events", null).status());
        assertEquals(HttpResponseStatus.UNAUTHORIZED,
                call(HttpMethod.GET, "/api/v1/events", "Bearer " + KEY + "x").status());
        assertEquals(HttpResponseStatus.METHOD_NOT_ALLOWED,
                call(HttpMethod.POST, "/api/v1/events", "Bearer " + KEY).status());
        assertEquals(2.0, count("unauthorized"));
    }

    @Test
    void aLogThatCannotBeReadGives503AndTheConnectionCloses() {
        log.close();

        HttpCall response = call(HttpMethod.GET, "/api/v1/events", "Bearer " + KEY);

        assertEquals(HttpResponseStatus.SERVICE_UNAVAILABLE, response.status());
        assertTrue(response.body().startsWith("{\"error\":{\"code\":\"unavailable\""), response.body());
        assertFalse(channels.get(0).isActive());
    }

    @Test
    void withTheEventsOffTheRouteDoesNotExist() {
        EmbeddedChannel without = new EmbeddedChannel(TestHandlers.routes("/ws", readiness, null,
                new AdminRoutes(KEY.getBytes(StandardCharsets.UTF_8), () -> { }, null, null, meters)));
        channels.add(without);

        assertEquals(HttpResponseStatus.NOT_FOUND,
                HttpCall.of(without, HttpMethod.GET, "/api/v1/events", "Bearer " + KEY).status());
    }

    private HttpCall call(HttpMethod method, String uri, String authorization) {
        EmbeddedChannel channel = new EmbeddedChannel(TestHandlers.routes("/ws", readiness, null,
                new AdminRoutes(KEY.getBytes(StandardCharsets.UTF_8), () -> { }, null,
                        new EventsEndpoint(log, meters), meters)));
        channels.add(channel);
        return HttpCall.of(channel, method, uri, authorization);
    }

    private double count(String outcome) {
        return meters.counter("crier.admin.requests", "action", "events", "outcome", outcome).count();
    }
}
