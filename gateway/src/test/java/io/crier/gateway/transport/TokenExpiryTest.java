package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.config.CrierConfig;
import io.crier.gateway.permission.TopicPolicy;
import io.crier.gateway.session.SessionPolicy;
import io.crier.gateway.session.TokenLifetime;
import io.crier.protocol.ClientCommands;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Token expiry and anonymous sessions through the real auth and session handlers, on an
 * {@code EmbeddedChannel} whose time is frozen: the expiry settings read a clock that starts at
 * {@link #NOW} and moves only with the channel's {@code advanceTimeBy}, so every delay is exact.
 */
class TokenExpiryTest {

    private static final Duration WARNING = Duration.ofSeconds(10);
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final String EXPIRED_PUSH =
            "{\"type\":\"disconnect\",\"code\":4004,\"reason\":\"token_expired\",\"reconnect\":true}";

    private final TestNode node = TestNode.create();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    TokenExpiryTest() {
        channel.freezeTime();
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        node.close();
    }

    @Test
    void warnsOnceAtExpiryMinusTheWarningAndThenDisconnectsWith4004AfterTheGrace() {
        authenticate(token("alice", 60));

        advance(Duration.ofSeconds(49));
        assertEquals(List.of(), written());
        advance(Duration.ofSeconds(1));
        assertEquals(List.of("{\"type\":\"expiring\",\"in\":10}"), written());
        advance(Duration.ofSeconds(14));
        assertEquals(List.of(), written());
        assertTrue(channel.isActive());
        advance(Duration.ofSeconds(1));
        assertEquals(List.of(EXPIRED_PUSH, "close 4004 token_expired"), written());
        assertFalse(channel.isActive());
        assertEquals(1.0, node.meters.counter("crier.disconnects", "reason", "token_expired").count());
    }

    @Test
    void aTokenAlreadyInsideTheWarningWindowIsWarnedRightAfterTheWelcome() {
        send(ClientCommands.auth(1, token("alice", 7)));
        advance(Duration.ZERO);

        List<String> frames = written();
        assertEquals(3, frames.size(), frames.toString());
        assertTrue(frames.get(0).startsWith("{\"type\":\"welcome\""), frames.get(0));
        assertEquals("{\"type\":\"ok\",\"id\":1}", frames.get(1));
        assertEquals("{\"type\":\"expiring\",\"in\":7}", frames.get(2));
    }

    @Test
    void anAcceptedRefreshKeepsTheSessionPastTheFirstTokensExpiry() {
        authenticate(token("alice", 60));
        advance(Duration.ofSeconds(50));
        assertEquals(List.of("{\"type\":\"expiring\",\"in\":10}"), written());

        send(ClientCommands.encode(new Command.Refresh(CommandId.ofString("r1"), token("alice", 120))));
        assertEquals(List.of("{\"type\":\"ok\",\"id\":\"r1\"}"), written());
        advance(Duration.ofSeconds(59));
        assertEquals(List.of(), written(), "no disconnect at the first token's exp + grace");
        assertTrue(channel.isActive());
        advance(Duration.ofSeconds(1));
        assertEquals(List.of("{\"type\":\"expiring\",\"in\":10}"), written());
        advance(Duration.ofSeconds(15));
        assertEquals(List.of(EXPIRED_PUSH, "close 4004 token_expired"), written());
    }

    @Test
    void aRefusedRefreshGetsInvalidTokenAndTheOldExpiryIsStillEnforced() {
        authenticate(token("alice", 60));

        send(ClientCommands.refresh(2, "not-a-jwt"));
        List<String> frames = written();
        assertTrue(frames.get(0).startsWith("{\"type\":\"error\",\"id\":2,\"code\":\"invalid_token\""),
                frames.toString());
        send(ClientCommands.refresh(3, token("mallory", 600)));
        frames = written();
        assertTrue(frames.get(0).startsWith("{\"type\":\"error\",\"id\":3,\"code\":\"invalid_token\""),
                frames.toString());
        assertTrue(channel.isActive());

        advance(Duration.ofSeconds(50));
        assertEquals(List.of("{\"type\":\"expiring\",\"in\":10}"), written());
        advance(Duration.ofSeconds(15));
        assertEquals(List.of(EXPIRED_PUSH, "close 4004 token_expired"), written());
    }

    @Test
    void aTokenExpiringCenturiesAheadKeepsItsSessionAndCanBeRefreshedWithAnother() {
        authenticate(farToken("service"));

        advance(Duration.ofDays(365L * 200));
        assertEquals(List.of(), written());
        assertTrue(channel.isActive());
        send(ClientCommands.refresh(2, farToken("service")));
        assertEquals(List.of("{\"type\":\"ok\",\"id\":2}"), written());
        send(ClientCommands.subscribe(3, "expiry:far"));
        assertEquals(List.of("{\"type\":\"ok\",\"id\":3}"), written());
        assertTrue(channel.isActive());
        assertEquals(0.0, node.meters.counter("crier.disconnects", "reason", "internal_error").count());
    }

    @Test
    void aRefreshToATokenExpiringCenturiesAheadCancelsTheNearExpiry() {
        authenticate(token("alice", 60));

        send(ClientCommands.refresh(2, farToken("alice")));
        assertEquals(List.of("{\"type\":\"ok\",\"id\":2}"), written());
        advance(Duration.ofDays(1));

        assertEquals(List.of(), written(), "neither the warning nor the disconnect of the first token");
        assertTrue(channel.isActive());
    }

    @Test
    void closingTheConnectionCancelsTheExpiryTimers() {
        authenticate(token("alice", 60));

        channel.close();
        advance(Duration.ofMinutes(5));

        assertEquals(List.of(), written());
        assertEquals(0.0, node.meters.counter("crier.disconnects", "reason", "token_expired").count());
    }

    @Test
    void anAnonymousAuthOpensASessionWithAnEmptyUserAndNoExpiry() {
        usePipeline(true);
        send(ClientCommands.anonymousAuth(1));

        assertEquals(List.of(
                "{\"type\":\"welcome\",\"session\":\"test-node-1\",\"node\":\"test-node\",\"user\":\"\","
                        + "\"heartbeat\":25}",
                "{\"type\":\"ok\",\"id\":1}"), written());
        advance(Duration.ofDays(400));
        assertEquals(List.of(), written());
        assertTrue(channel.isActive());
        send(ClientCommands.refresh(2, token("alice", 60)));
        assertTrue(written().get(0).startsWith("{\"type\":\"error\",\"id\":2,\"code\":\"forbidden\""));
        send(ClientCommands.publish(3, "expiry:anon", "1"));
        assertTrue(written().get(0).startsWith("{\"type\":\"error\",\"id\":3,\"code\":\"forbidden\""));
    }

    @Test
    void anAuthWithoutATokenClosesWith4500WhenAnonymousSessionsAreNotAllowed() {
        usePipeline(false);
        send(ClientCommands.anonymousAuth(1));

        assertEquals(List.of(
                "{\"type\":\"disconnect\",\"code\":4500,\"reason\":\"invalid_token\",\"reconnect\":false}",
                "close 4500 invalid_token"), written());
        assertFalse(channel.isActive());
    }

    private void authenticate(String token) {
        send(ClientCommands.auth(1, token));
        List<String> frames = written();
        assertEquals(2, frames.size(), frames.toString());
    }

    /** The auth phase of a connection whose sessions read expiry on a clock fixed at {@link #NOW}. */
    private void usePipeline(boolean allowAnonymous) {
        CrierConfig config = node.config;
        SessionPolicy policy = new SessionPolicy(config.session().maxTopics(), new TopicPolicy(config.namespaces()),
                node.verifier, allowAnonymous,
                new TokenLifetime.Settings(new LoopClock(channel), WARNING, GRACE));
        SessionFactory sessions = node.sessionFactory(policy);
        channel.pipeline().addLast(PipelineNames.ENVELOPE_CODEC, node.shared.envelopes());
        channel.pipeline().addLast(PipelineNames.AUTH,
                new AuthHandler(node.verifier, sessions, node.disconnector, Duration.ofHours(1)));
        channel.pipeline().addLast(PipelineNames.EXCEPTIONS, node.shared.exceptions());
        UpgradeCompleteHandler.complete(channel, false);
    }

    private void send(String text) {
        if (channel.pipeline().get(PipelineNames.ENVELOPE_CODEC) == null) {
            usePipeline(false);
        }
        channel.writeInbound(new TextWebSocketFrame(text));
        channel.runPendingTasks();
    }

    private static String token(String user, long ttlSeconds) {
        return TestTokens.hs256At(TestNode.SECRET, NOW, user, List.of("expiry:*"), List.of("expiry:*"),
                Duration.ofSeconds(ttlSeconds));
    }

    /** A token of {@code user} whose {@code exp} is in the year 2350, past what a nanosecond delay can hold. */
    private static String farToken(String user) {
        return TestTokens.hs256Payload(TestNode.SECRET, "{\"sub\":\"" + user + "\",\"exp\":12000000000,"
                + "\"subscribe\":[\"expiry:*\"],\"publish\":[\"expiry:*\"]}");
    }

    /** {@link #NOW} plus the time the channel's event loop has been advanced by. */
    private static final class LoopClock extends Clock {
        private final EmbeddedChannel channel;
        private final long start;

        LoopClock(EmbeddedChannel channel) {
            this.channel = channel;
            this.start = channel.eventLoop().ticker().nanoTime();
        }

        @Override
        public Instant instant() {
            return NOW.plusNanos(channel.eventLoop().ticker().nanoTime() - start);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("always UTC");
        }
    }

    private void advance(Duration duration) {
        channel.advanceTimeBy(duration.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    private List<String> written() {
        return OutboundFrames.texts(channel);
    }
}
