package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.cluster.BrokerState;
import io.crier.cluster.memory.InMemoryBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code POST /admin/drain} through the real routes handler. */
class AdminRoutesTest {

    private static final String KEY = "admin-routes-test-key-0123456789abcdef";

    private final InMemoryBroker broker = new InMemoryBroker();
    private final Readiness readiness = new Readiness(() -> broker.state() == BrokerState.CONNECTED);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger drains = new AtomicInteger();
    private final EmbeddedChannel channel = new EmbeddedChannel(TestHandlers.routes("/ws", readiness, null,
            TestHandlers.admin(KEY.getBytes(StandardCharsets.UTF_8), drains::incrementAndGet, meters)));

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        broker.close();
    }

    @Test
    void theRightKeyStartsTheDrainWith202() {
        assertEquals(HttpResponseStatus.ACCEPTED, call(HttpMethod.POST, "Bearer " + KEY));
        assertEquals(HttpResponseStatus.ACCEPTED, call(HttpMethod.POST, "bearer " + KEY));
        assertEquals(2, drains.get(), "each call asks; the drain itself starts once");
        assertEquals(2.0, count("accepted"));
    }

    @Test
    void aMissingOrWrongKeyIsRefusedWith401AndCounted() {
        assertEquals(HttpResponseStatus.UNAUTHORIZED, call(HttpMethod.POST, null));
        assertEquals(HttpResponseStatus.UNAUTHORIZED, call(HttpMethod.POST, "Bearer " + KEY + "x"));
        assertEquals(HttpResponseStatus.UNAUTHORIZED, call(HttpMethod.POST, "Basic " + KEY));
        assertEquals(HttpResponseStatus.UNAUTHORIZED, call(HttpMethod.POST, "Bearer "));
        assertEquals(0, drains.get());
        assertEquals(4.0, count("unauthorized"));
    }

    @Test
    void aKeyOneByteOffCutShortOrInAnotherCaseIsRefused() {
        String lastByteOff = KEY.substring(0, KEY.length() - 1) + "X";

        assertEquals(HttpResponseStatus.UNAUTHORIZED, call(HttpMethod.POST, "Bearer " + lastByteOff));
        assertEquals(HttpResponseStatus.UNAUTHORIZED, call(HttpMethod.POST, "Bearer " + KEY.substring(0, 31)));
        assertEquals(HttpResponseStatus.UNAUTHORIZED, call(HttpMethod.POST, "Bearer " + KEY.toUpperCase(Locale.ROOT)));
        assertEquals(HttpResponseStatus.UNAUTHORIZED, call(HttpMethod.POST, KEY));
        assertEquals(0, drains.get());
        assertEquals(4.0, count("unauthorized"));
    }

    @Test
    void otherMethodsGet405() {
        assertEquals(HttpResponseStatus.METHOD_NOT_ALLOWED, call(HttpMethod.GET, "Bearer " + KEY));
        assertEquals(0, drains.get());
    }

    @Test
    void withoutAdminRoutesThePathDoesNotExist() {
        EmbeddedChannel plain = new EmbeddedChannel(TestHandlers.routes("/ws", readiness, null));
        plain.writeInbound(request(HttpMethod.POST, "Bearer " + KEY));
        FullHttpResponse response = plain.readOutbound();
        assertEquals(HttpResponseStatus.NOT_FOUND, response.status());
        response.release();
        plain.finishAndReleaseAll();
    }

    private HttpResponseStatus call(HttpMethod method, String authorization) {
        channel.writeInbound(request(method, authorization));
        FullHttpResponse response = channel.readOutbound();
        HttpResponseStatus status = response.status();
        response.release();
        return status;
    }

    private static FullHttpRequest request(HttpMethod method, String authorization) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, AdminRoutes.DRAIN_PATH);
        if (authorization != null) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
        }
        return request;
    }

    private double count(String outcome) {
        return meters.counter("crier.admin.requests", "action", "drain", "outcome", outcome).count();
    }
}
