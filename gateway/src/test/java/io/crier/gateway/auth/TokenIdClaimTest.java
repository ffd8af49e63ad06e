package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crier.gateway.auth.InvalidTokenException.Reason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The claims revocation needs: {@code jti} (a token id the server API can revoke) and {@code iat} fill the
 * {@link User}; a {@code jti} that is not such a string makes the token invalid.
 */
class TokenIdClaimTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final long T = NOW.getEpochSecond();

    private final byte[] secret = TestTokens.secret();
    private final JwtTokenVerifier verifier = new JwtTokenVerifier(
            new KeySet(List.of(VerificationKey.hmac("test", secret))),
            new ClaimChecks(null, null, Duration.ZERO, Clock.fixed(NOW, ZoneOffset.UTC)), new SimpleMeterRegistry());

    @Test
    void jtiAndIatFillTheUser() throws InvalidTokenException {
        User user = verifier.verify(payload("{\"sub\":\"a\",\"exp\":" + (T + 60) + ",\"iat\":" + (T - 5)
                + ",\"jti\":\"tok-1\"}"));

        assertEquals("tok-1", user.tokenId());
        assertEquals(Instant.ofEpochSecond(T - 5), user.issuedAt());
    }

    @Test
    void aTokenWithoutJtiOrIatHasNeither() throws InvalidTokenException {
        User user = verifier.verify(payload("{\"sub\":\"a\",\"exp\":" + (T + 60) + ",\"jti\":null}"));

        assertNull(user.tokenId());
        assertNull(user.issuedAt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "[\"a\"]", "{\"a\":1}", "true", "\"\"", "\"   \"", "\"a\\u0000b\"", "\"a\\nb\"",
        "\"a\\u2028b\"", "\"\\ud800\""})
    void aJtiThatIsNotARevocableStringMakesTheTokenInvalid(String jti) {
        String token = payload("{\"sub\":\"a\",\"exp\":" + (T + 60) + ",\"jti\":" + jti + "}");

        assertEquals(Reason.INVALID_JTI, assertThrows(InvalidTokenException.class, () -> verifier.verify(token)).reason());
    }

    @Test
    void aJtiOfTheLongestLengthIsTakenAndOneLongerIsNot() throws InvalidTokenException {
        String longest = "j".repeat(256);
        assertEquals(longest, verifier.verify(payload("{\"sub\":\"a\",\"exp\":" + (T + 60) + ",\"jti\":\"" + longest
                + "\"}")).tokenId());
        String token = payload("{\"sub\":\"a\",\"exp\":" + (T + 60) + ",\"jti\":\"" + longest + "j\"}");
        assertEquals(Reason.INVALID_JTI, assertThrows(InvalidTokenException.class, () -> verifier.verify(token)).reason());
    }

    private String payload(String json) {
        return TestTokens.hs256Payload(secret, json);
    }
}
