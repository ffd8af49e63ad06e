package io.crier.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.config.ProxyConfig;
import io.crier.gateway.support.TestBackend;
import io.crier.gateway.support.TestBackend.Answer;
import io.crier.protocol.HookRequest;
import io.crier.protocol.HookResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HookClient} against a real HTTP backend: each way a call can end, the bounds that end it, and that a call
 * given up frees its place in the bulkhead.
 */
class HookClientTest {

    private static final HookRequest REQUEST = new HookRequest.Rpc("n1", "n1-1", "u", "m", null);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TestBackend backend;
    private HookClient client;

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.start();
        client = new HookClient(new ProxyConfig("", "", "", "", "", Duration.ofMillis(300), 2, 1, 256, List.of(),
                Duration.ofSeconds(1)), 64, meters);
    }

    @AfterEach
    void stop() {
        client.close();
        backend.close();
    }

    @Test
    void aResultIsAnsweredAndTheForwardedHeadersGoAlong() throws Exception {
        backend.answer("/rpc", "{\"result\":{\"data\":[1]}}");
        HookAnswer answer = call("/rpc", Map.of("cookie", "sid=1"));
        assertEquals("[1]", answer.result().data().text());
        TestBackend.Request seen = backend.requests().poll(5, TimeUnit.SECONDS);
        assertEquals("sid=1", seen.headers().get("cookie"));
        assertEquals("application/json", seen.headers().get("content-type"));
    }

    @Test
    void eachFailureHasItsOutcome() throws Exception {
        backend.answer("/garbage", "{\"result\":{},\"disconnect\":{\"code\":4000,\"reason\":\"x\"}}");
        backend.on("/status", request -> new Answer.Status(302));
        backend.on("/big", request -> new Answer.Oversized(10_000));
        backend.on("/stall", request -> new Answer.Stall());
        backend.on("/stall-body", request -> new Answer.StallBody());
        assertEquals(HookFailure.INVALID, call("/garbage", Map.of()).failure());
        assertEquals(HookFailure.BAD_STATUS, call("/status", Map.of()).failure(), "redirects are not followed");
        assertEquals(HookFailure.TOO_LARGE, call("/big", Map.of()).failure());
        assertEquals(HookFailure.TIMEOUT, call("/stall", Map.of()).failure());
        assertEquals(HookFailure.TIMEOUT, call("/stall-body", Map.of()).failure(), "a body that never ends");
        backend.goAway();
        assertEquals(HookFailure.UNAVAILABLE, call("/rpc", Map.of()).failure());
        assertEquals(0, client.inFlight(), "every call, failed or not, gave its place back");
        assertEquals(1, meters.find("crier.proxy.calls").tags("hook", "rpc", "outcome", "too_large").timer().count());
    }

    @Test
    void theBulkheadFailsFastWhenFullAndFreesItsPlacesOnTimeout() throws Exception {
        backend.on("/stall", request -> new Answer.Stall());
        var first = client.call(uri("/stall"), REQUEST, Map.of());
        var second = client.call(uri("/stall"), REQUEST, Map.of());
        HookAnswer third = client.call(uri("/stall"), REQUEST, Map.of()).get(1, TimeUnit.SECONDS);
        assertEquals(HookFailure.BUSY, third.failure());
        assertEquals(HookFailure.TIMEOUT, first.get(5, TimeUnit.SECONDS).failure());
        assertEquals(HookFailure.TIMEOUT, second.get(5, TimeUnit.SECONDS).failure());
        assertEquals(0, client.inFlight());
        backend.answer("/rpc", "{\"error\":{\"code\":1000,\"message\":\"no\"}}");
        assertTrue(call("/rpc", Map.of()).response() instanceof HookResponse.Error);
    }

    private HookAnswer call(String path, Map<String, String> headers) throws Exception {
        return client.call(uri(path), REQUEST, headers).get(5, TimeUnit.SECONDS);
    }

    private URI uri(String path) {
        return URI.create(backend.url(path));
    }
}
