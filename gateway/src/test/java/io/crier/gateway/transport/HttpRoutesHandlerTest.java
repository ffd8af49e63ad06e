package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.BrokerState;
import io.crier.cluster.memory.InMemoryBroker;
import io.crier.gateway.auth.DevTokenIssuer;
import io.crier.gateway.auth.JwtTokenVerifier;
import io.crier.gateway.auth.User;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpRoutesHandlerTest {

    private final InMemoryBroker broker = new InMemoryBroker();
    private final Readiness readiness = new Readiness(() -> broker.state() == BrokerState.CONNECTED);
    private EmbeddedChannel channel = new EmbeddedChannel(TestHandlers.routes("/ws", readiness, null));

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        broker.close();
    }

    @Test
    void healthzAnswersOkWhileAlive() {
        Response response = get("/healthz");
        assertEquals(HttpResponseStatus.OK, response.status);
        assertEquals("ok\n", response.body);
        assertTrue(channel.isActive(), "keep-alive connection stays open");
    }

    @Test
    void readyzIsUnavailableUntilTheBrokerIsConnectedAndAgainWhileDraining() {
        assertEquals(HttpResponseStatus.SERVICE_UNAVAILABLE, get("/readyz").status);
        broker.start((topic, payload) -> { });
        assertEquals(HttpResponseStatus.OK, get("/readyz").status);
        readiness.startDraining();
        Response draining = get("/readyz");
        assertEquals(HttpResponseStatus.SERVICE_UNAVAILABLE, draining.status);
        assertEquals("draining\n", draining.body);
    }

    @Test
    void rootServesTheDemoPageAsUncachedHtml() {
        Response response = get("/");
        assertEquals(HttpResponseStatus.OK, response.status);
        assertEquals("text/html; charset=utf-8", response.contentType);
        assertEquals("no-cache", response.cacheControl);
        assertTrue(response.body.contains("<html"), response.body);
    }

    @Test
    void staticFilesGetTheirContentType() {
        assertEquals("text/javascript; charset=utf-8", get("/demo.js").contentType);
        assertEquals("text/css; charset=utf-8", get("/demo.css").contentType);
    }

    @Test
    void pathsThatLeaveTheWebFolderAreNotFound() {
        for (String path : new String[] {"/../crier-defaults.properties", "/%2e%2e/crier-defaults.properties",
                "/web/index.html", "/crier-defaults.properties", "/logback.xml", "/.hidden.js", "/nope.html"}) {
            assertEquals(HttpResponseStatus.NOT_FOUND, get(path).status, path);
        }
    }

    @Test
    void otherMethodsOnKnownPathsGet405AndUnknownPaths404() {
        Response post = send(HttpMethod.POST, "/healthz", HttpVersion.HTTP_1_1);
        assertEquals(HttpResponseStatus.METHOD_NOT_ALLOWED, post.status);
        assertEquals("GET", post.allow);
        assertEquals(HttpResponseStatus.NOT_FOUND, send(HttpMethod.POST, "/nowhere", HttpVersion.HTTP_1_1).status);
    }

    @Test
    void devTokenRouteDoesNotExistWhenASecretIsConfigured() {
        assertEquals(HttpResponseStatus.NOT_FOUND, get("/dev/token?user=alice").status);
    }

    @Test
    void devTokenRouteIssuesATokenTheNodeAcceptsInDevelopmentMode() throws Exception {
        byte[] secret = "a-development-secret-of-32-bytes-at-least".getBytes(StandardCharsets.UTF_8);
        DevTokenIssuer issuer = new DevTokenIssuer(secret, Clock.systemUTC(), Duration.ofMinutes(5));
        channel.finishAndReleaseAll();
        channel = new EmbeddedChannel(TestHandlers.routes("/ws", readiness, issuer));

        Response response = get("/dev/token?user=alice");
        assertEquals(HttpResponseStatus.OK, response.status);
        assertEquals("application/json", response.contentType);
        Matcher token = Pattern.compile("\\{\"token\":\"([A-Za-z0-9_.-]+)\"}").matcher(response.body);
        assertTrue(token.matches(), response.body);
        User user = new JwtTokenVerifier(secret, Clock.systemUTC()).verify(token.group(1));
        assertEquals("alice", user.id());

        assertEquals(HttpResponseStatus.BAD_REQUEST, get("/dev/token?user=al%20ice").status);
        assertEquals(HttpResponseStatus.BAD_REQUEST, get("/dev/token").status);
    }

    @Test
    void webSocketRequestsPassThroughToTheNextHandler() {
        FullHttpRequest request = request(HttpMethod.GET, "/ws?token=ignored", HttpVersion.HTTP_1_1);
        channel.writeInbound(request);
        FullHttpRequest passed = channel.readInbound();
        assertSame(request, passed);
        assertEquals(1, passed.refCnt());
        assertNull(channel.readOutbound());
        passed.release();
    }

    @Test
    void closesTheConnectionWhenTheClientDoesNotKeepItAlive() {
        Response response = send(HttpMethod.GET, "/healthz", HttpVersion.HTTP_1_0);
        assertEquals(HttpResponseStatus.OK, response.status);
        assertFalse(channel.isActive());
    }

    @Test
    void brokenPercentEscapesGet400() {
        Response response = get("/%zz");
        assertEquals(HttpResponseStatus.BAD_REQUEST, response.status);
        assertFalse(channel.isActive());
    }

    private Response get(String uri) {
        return send(HttpMethod.GET, uri, HttpVersion.HTTP_1_1);
    }

    private Response send(HttpMethod method, String uri, HttpVersion version) {
        channel.writeInbound(request(method, uri, version));
        FullHttpResponse response = channel.readOutbound();
        try {
            return new Response(response.status(), response.content().toString(StandardCharsets.UTF_8),
                    response.headers().get(HttpHeaderNames.CONTENT_TYPE),
                    response.headers().get(HttpHeaderNames.CACHE_CONTROL),
                    response.headers().get(HttpHeaderNames.ALLOW));
        } finally {
            response.release();
        }
    }

    private static FullHttpRequest request(HttpMethod method, String uri, HttpVersion version) {
        FullHttpRequest request = new DefaultFullHttpRequest(version, method, uri);
        request.headers().set(HttpHeaderNames.HOST, "localhost");
        return request;
    }

    private record Response(HttpResponseStatus status, String body, String contentType, String cacheControl,
                            String allow) {
    }
}
