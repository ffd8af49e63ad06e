package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevTokenIssuerTest {

    private static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");

    private final byte[] secret = TestTokens.secret();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final DevTokenIssuer issuer = new DevTokenIssuer(secret, clock, Duration.ofHours(12));

    @Test
    void issuesTokenTheVerifierAcceptsForEveryTopic() throws InvalidTokenException {
        User user = new JwtTokenVerifier(secret, clock).verify(issuer.issue("alice.dev-1_x"));

        assertEquals("alice.dev-1_x", user.id());
        assertEquals(NOW.plus(Duration.ofHours(12)), user.expiresAt());
        assertTrue(user.subscribe().allows("news"));
        assertTrue(user.publish().allows("chat:lobby"));
        assertEquals(List.of("*"), user.subscribe().patterns());
    }

    @Test
    void issuedTokenExpiresAfterItsTtl() {
        String token = issuer.issue("alice");
        Clock later = Clock.fixed(NOW.plus(Duration.ofHours(12)), ZoneOffset.UTC);

        InvalidTokenException e = assertThrows(InvalidTokenException.class,
                () -> new JwtTokenVerifier(secret, later).verify(token));
        assertEquals("expired", e.getMessage());
    }

    @Test
    void refusesUserNamesOutsideTheAllowedAlphabetOrLength() {
        for (String bad : new String[] {"", "a".repeat(65), "al ice", "alice\n", "ålice", "a/b", null}) {
            assertThrows(IllegalArgumentException.class, () -> issuer.issue(bad), String.valueOf(bad));
        }
    }

    @Test
    void acceptsUserNameOfSixtyFourCharacters() throws InvalidTokenException {
        String name = "a".repeat(64);

        assertEquals(name, new JwtTokenVerifier(secret, clock).verify(issuer.issue(name)).id());
    }

    @Test
    void refusesShortSecretAndSubSecondTtl() {
        assertThrows(IllegalArgumentException.class, () -> new DevTokenIssuer(new byte[16], clock, Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> new DevTokenIssuer(secret, clock, Duration.ofMillis(500)));
    }
}
