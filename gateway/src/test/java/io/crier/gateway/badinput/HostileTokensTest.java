package io.crier.gateway.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crier.gateway.auth.InvalidTokenException;
import io.crier.gateway.auth.InvalidTokenException.Reason;
import io.crier.gateway.auth.JwtTokenVerifier;
import io.crier.gateway.auth.TestTokens;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The hostile token kinds are what they claim to be: the verifier refuses each for the reason the suite expects. */
class HostileTokensTest {

    private static final byte[] SECRET = TestTokens.secret();
    private static final String HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

    private final JwtTokenVerifier verifier = new JwtTokenVerifier(SECRET, Clock.systemUTC());

    @Test
    void otherSpellingsOfAValidTokenAreMalformed() throws InvalidTokenException {
        String valid = HostileTokens.hs256(SECRET, HEADER, HostileTokens.claims("mallory"));
        assertEquals("mallory", verifier.verify(valid).id());

        assertRefused(Reason.MALFORMED, HostileTokens.withPaddedSignature(valid));
        assertRefused(Reason.MALFORMED, HostileTokens.withUnusedBitSet(valid));
    }

    @Test
    void duplicateNamesAreMalformed() {
        assertRefused(Reason.MALFORMED,
                HostileTokens.hs256(SECRET, HEADER, HostileTokens.claimsWithDuplicateSub("mallory", "admin")));
        assertRefused(Reason.MALFORMED,
                HostileTokens.hs256(SECRET, HostileTokens.HEADER_WITH_DUPLICATE_ALG, HostileTokens.claims("mallory")));
    }

    @Test
    void expiriesAreAcceptedFarAheadAndRefusedBeyondAnInstantOrAsText() throws InvalidTokenException {
        assertEquals(Instant.ofEpochSecond(12_000_000_000L), verifier.verify(HostileTokens.hs256(SECRET, HEADER,
                HostileTokens.claimsExpiringAt("service", "12000000000"))).expiresAt());
        assertRefused(Reason.MALFORMED, HostileTokens.hs256(SECRET, HEADER,
                HostileTokens.claimsExpiringAt("mallory", "9223372036854775807")));
        assertRefused(Reason.MALFORMED, HostileTokens.hs256(SECRET, HEADER,
                HostileTokens.claimsExpiringAt("mallory", "1e300")));
        assertRefused(Reason.MALFORMED, HostileTokens.hs256(SECRET, HEADER,
                HostileTokens.claimsExpiringAt("mallory", "\"12000000000\"")));
        assertRefused(Reason.EXPIRED, HostileTokens.hs256(SECRET, HEADER,
                HostileTokens.claimsExpiringAt("mallory", "1.5e9")));
    }

    private void assertRefused(Reason reason, String token) {
        assertEquals(reason, assertThrows(InvalidTokenException.class, () -> verifier.verify(token)).reason());
    }
}
