package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.auth.User;
import io.crier.gateway.logging.ConnectionLines;
import io.crier.gateway.logging.ConnectionLog;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HandshakeGuardHandlerTest {

    private final TestNode node = TestNode.create();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    HandshakeGuardHandlerTest() {
        channel.pipeline().addLast(PipelineNames.TELEMETRY,
                new TelemetryHandler(node.meters, new ConnectionLog(node.meters, 1000, 1000, System::nanoTime)));
        channel.pipeline().addLast(PipelineNames.HTTP_ROUTES, node.shared.routes());
        channel.pipeline().addLast(PipelineNames.HANDSHAKE_GUARD, node.shared.guard());
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        node.close();
    }

    @Test
    void passesAnUpgradeWithoutAuthorizationOn() {
        FullHttpRequest request = upgrade(null);
        channel.writeInbound(request);
        FullHttpRequest passed = channel.readInbound();
        assertSame(request, passed);
        passed.release();
        assertNull(Connection.of(channel).bearerUser());
    }

    @Test
    void remembersTheUserOfAValidBearerToken() {
        channel.writeInbound(upgrade("Bearer " + TestNode.token("alice")));
        FullHttpRequest passed = channel.readInbound();
        passed.release();
        User user = Connection.of(channel).bearerUser();
        assertEquals("alice", user.id());
    }

    @Test
    void refusesAnInvalidBearerTokenWith401AndCountsIt() {
        channel.writeInbound(upgrade("Bearer not.a.token"));
        assertEquals(HttpResponseStatus.UNAUTHORIZED, readStatus());
        assertNull(channel.readInbound());
        assertFalse(channel.isActive());
        assertEquals(1.0, node.meters.counter("crier.handshakes.refused", "reason", "invalid_token").count());
    }

    @Test
    void anInvalidBearerTokenGetsTheInvalidTokenChallengeWithoutSayingWhy() {
        channel.writeInbound(upgrade("Bearer not.a.token"));
        assertEquals("Bearer error=\"invalid_token\"", readChallenge());
    }

    @Test
    void anExpiredBearerTokenGetsAChallengeThatSaysExpiredSoTheClientFetchesAFreshOne() {
        channel.writeInbound(upgrade("Bearer "
                + TestTokens.hs256(TestNode.SECRET, "alice", List.of("*"), List.of("*"), Duration.ofMinutes(-1))));
        assertEquals("Bearer error=\"invalid_token\", error_description=\"token expired\"", readChallenge());
        assertEquals(1.0, node.meters.counter("crier.handshakes.refused", "reason", "invalid_token").count());
    }

    @Test
    void refusesAnAuthorizationHeaderThatIsNotBearer() {
        channel.writeInbound(upgrade("Basic YWxpY2U6c2VjcmV0"));
        assertEquals("Bearer", readChallenge(), "no error code for a request without a Bearer token (RFC 6750 3.1)");
    }

    @Test
    void aRefusedBearerTokenIsOneLogLineWithTheClientAndTheReasonNeverTheToken() {
        String expired = TestTokens.hs256(TestNode.SECRET, "alice", List.of("*"), List.of("*"), Duration.ofMinutes(-1));
        try (ConnectionLines lines = ConnectionLines.capture()) {
            channel.writeInbound(upgrade("Bearer " + expired));
            assertEquals(HttpResponseStatus.UNAUTHORIZED, readStatus());
            assertEquals(List.of("refused conn=embedded client=embedded status=401 tokenError=expired"),
                    lines.messages());
        }
    }

    @Test
    void refusesASecondOriginWith400AndCountsIt() {
        FullHttpRequest request = upgrade(null);
        request.headers().add(HttpHeaderNames.ORIGIN, "http://localhost").add(HttpHeaderNames.ORIGIN, "https://evil.example");
        channel.writeInbound(request);
        assertEquals(HttpResponseStatus.BAD_REQUEST, readStatus());
        assertNull(channel.readInbound());
        assertEquals(1.0, node.meters.counter("crier.handshakes.refused", "reason", "repeated_header").count());
    }

    @Test
    void namesTheFirstRepeatedHeaderInItsListWhateverTheOrderOfTheRequest() {
        FullHttpRequest request = upgrade(null);
        request.headers().add("origin", "http://localhost").add(HttpHeaderNames.ORIGIN, "http://localhost")
                .add("HOST", "evil.example");
        channel.writeInbound(request);

        FullHttpResponse response = channel.readOutbound();
        try {
            assertEquals(HttpResponseStatus.BAD_REQUEST, response.status());
            assertEquals("repeated host header\n", response.content().toString(StandardCharsets.UTF_8));
        } finally {
            response.release();
        }
    }

    @Test
    void refusesUpgradesWith503WhileDraining() {
        node.readiness.startDraining();
        channel.writeInbound(upgrade("Bearer " + TestNode.token("alice")));
        assertEquals(HttpResponseStatus.SERVICE_UNAVAILABLE, readStatus());
        assertNull(channel.readInbound());
        assertEquals(1.0, node.meters.counter("crier.handshakes.refused", "reason", "draining").count());
    }

    @Test
    void passesUpgradesWhileOutOfRotationUntilTheDrainRefusesThem() {
        assertTrue(node.readiness.leaveRotation());
        FullHttpRequest request = upgrade("Bearer " + TestNode.token("alice"));
        channel.writeInbound(request);
        FullHttpRequest passed = channel.readInbound();
        assertSame(request, passed, "out of rotation, the node still takes what the load balancer sends");
        passed.release();
        assertFalse(node.readiness.ready());
        assertEquals(0.0, node.meters.counter("crier.handshakes.refused", "reason", "draining").count());
    }

    @Test
    void removesRoutesAndItselfOnceTheUpgradeCompletes() {
        channel.pipeline().addLast(PipelineNames.UPGRADE_COMPLETE, UpgradeCompleteHandler.INSTANCE);
        channel.pipeline().addLast("after", new ChannelInboundHandlerAdapter());
        channel.pipeline().fireUserEventTriggered(new HandshakeComplete("/ws", new DefaultHttpHeaders(), null));
        assertTrue(Connection.of(channel).isUpgraded());
        assertNull(channel.pipeline().get(PipelineNames.HTTP_ROUTES));
        assertNull(channel.pipeline().get(PipelineNames.HANDSHAKE_GUARD));
    }

    @Test
    void otherResponsesLeaveThePipelineAlone() {
        channel.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST));
        FullHttpResponse written = channel.readOutbound();
        written.release();
        assertFalse(Connection.of(channel).isUpgraded());
        assertSame(node.shared.guard(), channel.pipeline().get(PipelineNames.HANDSHAKE_GUARD));
    }

    /** The {@code WWW-Authenticate} header of a 401 response. */
    private String readChallenge() {
        FullHttpResponse response = channel.readOutbound();
        try {
            assertEquals(HttpResponseStatus.UNAUTHORIZED, response.status());
            return response.headers().get(HttpHeaderNames.WWW_AUTHENTICATE);
        } finally {
            response.release();
        }
    }

    private HttpResponseStatus readStatus() {
        FullHttpResponse response = channel.readOutbound();
        try {
            return response.status();
        } finally {
            response.release();
        }
    }

    private static FullHttpRequest upgrade(String authorization) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws");
        request.headers().set(HttpHeaderNames.HOST, "localhost")
                .set(HttpHeaderNames.UPGRADE, "websocket")
                .set(HttpHeaderNames.CONNECTION, "Upgrade");
        if (authorization != null) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
        }
        return request;
    }
}
