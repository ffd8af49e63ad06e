package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The optional {@code info} claim reaches the {@link User} as JSON, for presence. */
class InfoClaimTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final byte[] secret = TestTokens.secret();
    private final JwtTokenVerifier verifier =
            new JwtTokenVerifier(secret, Clock.fixed(NOW, ZoneOffset.UTC), new SimpleMeterRegistry());

    @Test
    void anObjectInfoClaimIsKeptAsJson() throws Exception {
        User user = verify("\"info\":{\"name\":\"Zoë \\\"Z\\\"\",\"tags\":[1,true,null]}");

        assertEquals("{\"name\":\"Zoë \\\"Z\\\"\",\"tags\":[1,true,null]}", user.info().text());
    }

    @Test
    void aStringInfoClaimIsKeptAsAJsonString() throws Exception {
        assertEquals("\"moderator\"", verify("\"info\":\"moderator\"").info().text());
    }

    @Test
    void aMissingOrNullInfoClaimGivesNoInfo() throws Exception {
        assertNull(verify("\"iat\":" + NOW.getEpochSecond()).info());
        assertNull(verify("\"info\":null").info());
    }

    private User verify(String extraClaim) throws Exception {
        return verifier.verify(TestTokens.hs256Payload(secret, "{\"sub\":\"alice\",\"exp\":"
                + (NOW.getEpochSecond() + 60) + "," + extraClaim + "}"));
    }
}
