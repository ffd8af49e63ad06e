package io.crier.gateway.auth;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.ManualClock;
import io.crier.gateway.auth.InvalidTokenException.Reason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A JWKS served by a real local HTTP server: keys picked by kid, rotation picked up through the unknown-kid
 * refresh (rate-limited on a test clock), the background refresh, and the last good keys kept through every
 * kind of failed fetch (a redirect and a document of too many keys among them).
 */
class JwksKeySourceTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final Duration HOUR = Duration.ofHours(1);
    private static final KeyPair RSA_1 = TestTokens.rsaKeyPair();
    private static final KeyPair RSA_2 = TestTokens.rsaKeyPair();
    private static final KeyPair EC_1 = TestTokens.ecKeyPair("secp256r1");

    private final ManualClock clock = new ManualClock(NOW);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private JwksServer server;
    private JwksKeySource source;

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void tokensSignedWithTheServedKeysVerify() throws Exception {
        JwtTokenVerifier verifier = start(TestTokens.jwks(TestTokens.jwk("rsa-1", RSA_1.getPublic(), "RS256"),
                TestTokens.jwk("ec-1", EC_1.getPublic(), null)), HOUR);

        assertEquals("a", verifier.verify(TestTokens.rsa("RS256", RSA_1, "rsa-1", NOW, "a", TTL)).id());
        assertEquals("b", verifier.verify(TestTokens.ec("ES256", EC_1, "ec-1", NOW, "b", TTL)).id());
        assertRefused(Reason.UNKNOWN_KEY, verifier, TestTokens.rsa("RS384", RSA_1, "rsa-1", NOW, "c", TTL));
        assertEquals(1, server.requests());
        assertEquals(2.0, meters.get("crier.auth.jwks.keys").gauge().value());
    }

    @Test
    void aNewKidIsPickedUpByTheRefreshItsFirstTokenTriggers() throws Exception {
        JwtTokenVerifier verifier = start(TestTokens.jwks(TestTokens.jwk("k1", RSA_1.getPublic(), null)), HOUR);
        server.serve(TestTokens.jwks(TestTokens.jwk("k2", RSA_2.getPublic(), null)));
        String rotated = TestTokens.rsa("RS256", RSA_2, "k2", NOW, "alice", TTL);

        assertRefused(Reason.UNKNOWN_KEY, verifier, rotated);
        await().atMost(10, TimeUnit.SECONDS).until(() -> source.current().hasKid("k2"));

        assertEquals("alice", verifier.verify(rotated).id());
        assertRefused(Reason.UNKNOWN_KEY, verifier, TestTokens.rsa("RS256", RSA_1, "k1", NOW, "gone", TTL));
        assertEquals(2, server.requests());
    }

    @Test
    void unknownKidsRefreshAtMostOncePer30Seconds() throws Exception {
        JwtTokenVerifier verifier = start(TestTokens.jwks(TestTokens.jwk("k1", RSA_1.getPublic(), null)), HOUR);
        String unknown = TestTokens.rsa("RS256", RSA_1, "made-up", NOW, "mallory", TTL);

        for (int i = 0; i < 20; i++) {
            assertRefused(Reason.UNKNOWN_KEY, verifier, unknown);
        }
        assertEquals(1.0, unknownKidRefreshes());
        await().atMost(10, TimeUnit.SECONDS).until(() -> server.requests() == 2);

        clock.advance(Duration.ofSeconds(29));
        assertRefused(Reason.UNKNOWN_KEY, verifier, unknown);
        assertEquals(1.0, unknownKidRefreshes());

        clock.advance(Duration.ofSeconds(1));
        server.serve(TestTokens.jwks(TestTokens.jwk("k1", RSA_1.getPublic(), null),
                TestTokens.jwk("k2", RSA_2.getPublic(), null)));
        assertRefused(Reason.UNKNOWN_KEY, verifier, TestTokens.rsa("RS256", RSA_2, "k2", NOW, "bob", TTL));
        assertEquals(2.0, unknownKidRefreshes());
        await().atMost(10, TimeUnit.SECONDS).until(() -> source.current().hasKid("k2"));
        assertEquals("bob", verifier.verify(TestTokens.rsa("RS256", RSA_2, "k2", NOW, "bob", TTL)).id());
    }

    @Test
    void theLastGoodKeysStillWorkWhenTheServerIsDown() throws Exception {
        JwtTokenVerifier verifier = start(TestTokens.jwks(TestTokens.jwk("k1", RSA_1.getPublic(), null)), HOUR);
        server.close();

        assertFalse(source.refresh().get(30, TimeUnit.SECONDS));

        assertEquals("alice", verifier.verify(TestTokens.rsa("RS256", RSA_1, "k1", NOW, "alice", TTL)).id());
        assertEquals(1.0, meters.get("crier.auth.jwks.fetches").tag("result", "failed").counter().count());
        assertEquals(1.0, meters.get("crier.auth.jwks.fetches").tag("result", "ok").counter().count());
    }

    @Test
    void theLastGoodKeysSurviveBadStatusesBadJsonEmptySetsAndOversizedDocuments() throws Exception {
        JwtTokenVerifier verifier = start(TestTokens.jwks(TestTokens.jwk("k1", RSA_1.getPublic(), null)), HOUR);
        String token = TestTokens.rsa("RS256", RSA_1, "k1", NOW, "alice", TTL);

        server.answerStatus(500);
        assertFalse(source.refresh().get(30, TimeUnit.SECONDS));
        server.serve("{\"keys\":[");
        assertFalse(source.refresh().get(30, TimeUnit.SECONDS));
        server.serve("{\"keys\":[]}");
        assertFalse(source.refresh().get(30, TimeUnit.SECONDS));
        server.serve("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}");
        assertFalse(source.refresh().get(30, TimeUnit.SECONDS));
        server.serve("{\"keys\":[],\"pad\":\"" + "x".repeat(JwksFetcher.MAX_BYTES) + "\"}");
        assertFalse(source.refresh().get(30, TimeUnit.SECONDS));

        assertEquals("alice", verifier.verify(token).id());
        assertEquals(5.0, meters.get("crier.auth.jwks.fetches").tag("result", "failed").counter().count());
    }

    @Test
    void aRedirectIsNotFollowedSoTheKeysItPointsToAreNeverTaken() throws Exception {
        JwtTokenVerifier verifier = start(TestTokens.jwks(TestTokens.jwk("k1", RSA_1.getPublic(), null)), HOUR);
        server.redirect(302, TestTokens.jwks(TestTokens.jwk("k2", RSA_2.getPublic(), null)));

        assertFalse(source.refresh().get(30, TimeUnit.SECONDS));

        assertFalse(source.current().hasKid("k2"));
        assertEquals(0, server.targetRequests());
        assertEquals("alice", verifier.verify(TestTokens.rsa("RS256", RSA_1, "k1", NOW, "alice", TTL)).id());
        assertEquals(1.0, meters.get("crier.auth.jwks.fetches").tag("result", "failed").counter().count());
    }

    @Test
    void aDocumentOfMoreThan64KeysIsRefusedWholeAndTheLastGoodKeysStay() throws Exception {
        JwtTokenVerifier verifier = start(TestTokens.jwks(TestTokens.jwk("k1", RSA_1.getPublic(), null)), HOUR);
        String[] sixtyFive = new String[JwkKeys.MAX_KEYS + 1];
        for (int i = 0; i < sixtyFive.length; i++) {
            sixtyFive[i] = TestTokens.jwk("many-" + i, RSA_2.getPublic(), null);
        }

        server.serve(TestTokens.jwks(sixtyFive));
        assertFalse(source.refresh().get(30, TimeUnit.SECONDS));
        assertEquals(List.of("k1"), source.fetched().keys().stream().map(VerificationKey::kid).toList());
        assertEquals("alice", verifier.verify(TestTokens.rsa("RS256", RSA_1, "k1", NOW, "alice", TTL)).id());

        server.serve(TestTokens.jwks(Arrays.copyOf(sixtyFive, JwkKeys.MAX_KEYS)));
        assertTrue(source.refresh().get(30, TimeUnit.SECONDS));
        assertEquals(64, source.fetched().size());
    }

    @Test
    void refreshesInTheBackgroundEveryInterval() throws Exception {
        JwtTokenVerifier verifier = start(TestTokens.jwks(TestTokens.jwk("k1", RSA_1.getPublic(), null)),
                Duration.ofMillis(100));
        server.serve(TestTokens.jwks(TestTokens.jwk("k2", RSA_2.getPublic(), null)));

        await().atMost(10, TimeUnit.SECONDS).until(() -> source.current().hasKid("k2"));

        assertEquals("bob", verifier.verify(TestTokens.rsa("RS256", RSA_2, "k2", NOW, "bob", TTL)).id());
        assertEquals(0.0, unknownKidRefreshes());
    }

    @Test
    void aFailedFirstFetchIsRetriedUntilTheKeysArrive() throws Exception {
        server = JwksServer.start(TestTokens.jwks(TestTokens.jwk("k1", RSA_1.getPublic(), null)));
        server.answerStatus(503);
        source = new JwksKeySource(new JwksFetcher(server.uri(), Duration.ofSeconds(5)), KeySet.EMPTY, HOUR, clock,
                meters);
        source.start();
        assertEquals(0, source.current().size());

        server.serve(TestTokens.jwks(TestTokens.jwk("k1", RSA_1.getPublic(), null)));

        await().atMost(10, TimeUnit.SECONDS).until(() -> source.current().hasKid("k1"));
    }

    @Test
    void fixedKeysStayInForceNextToTheFetchedOnes() throws Exception {
        server = JwksServer.start(TestTokens.jwks(TestTokens.jwk("k1", RSA_1.getPublic(), null)));
        KeySet fixed = new KeySet(List.of(VerificationKey.hmac("secret", TestTokens.secret())));
        source = new JwksKeySource(new JwksFetcher(server.uri(), Duration.ofSeconds(5)), fixed, HOUR, clock, meters);
        source.start();
        JwtTokenVerifier verifier = new JwtTokenVerifier(source, new ClaimChecks(null, null, Duration.ZERO, clock),
                meters);

        assertEquals("h", verifier.verify(TestTokens.hs256At(TestTokens.secret(), NOW, "h", null, null, TTL)).id());
        assertEquals("r", verifier.verify(TestTokens.rsa("RS256", RSA_1, "k1", NOW, "r", TTL)).id());
        assertTrue(source.fetched().hasKid("k1"));
    }

    private JwtTokenVerifier start(String jwks, Duration refreshInterval) throws Exception {
        server = JwksServer.start(jwks);
        source = new JwksKeySource(new JwksFetcher(server.uri(), Duration.ofSeconds(5)), KeySet.EMPTY, refreshInterval,
                clock, meters);
        source.start();
        return new JwtTokenVerifier(source, new ClaimChecks(null, null, Duration.ZERO, clock), meters);
    }

    private double unknownKidRefreshes() {
        return meters.get("crier.auth.jwks.unknown.kid.refreshes").counter().count();
    }

    private static void assertRefused(Reason reason, JwtTokenVerifier verifier, String token) {
        assertEquals(reason, assertThrows(InvalidTokenException.class, () -> verifier.verify(token)).reason());
    }
}
