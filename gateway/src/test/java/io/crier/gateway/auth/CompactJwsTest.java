package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.crier.gateway.auth.InvalidTokenException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CompactJws}, the single pass over a token: it reads the header fields that pick keys and the registered
 * claims as java-jwt's decoding did, and what it signs and carries is what java-jwt splits out.
 */
class CompactJwsTest {

    private final byte[] secret = TestTokens.secret();
    private final CompactJws.Reader reader = new CompactJws.Reader();

    @Test
    void readsWhatJavaJwtReads() throws InvalidTokenException {
        String token = TestTokens.hs256Raw(secret, utf8("{\"alg\":\"HS256\",\"kid\":\"k-1\"}"),
                utf8("{\"sub\":\"alice\",\"exp\":2000000000.7,\"nbf\":1,\"iat\":2,\"aud\":[\"a\",1,null]}"));
        CompactJws ours = reader.read(token);
        DecodedJWT theirs = JWT.decode(token);

        assertEquals(theirs.getAlgorithm(), ours.algorithm());
        assertEquals(theirs.getKeyId(), ours.keyId());
        assertEquals(theirs.getExpiresAtAsInstant(), ours.expiresAt());
        assertEquals(theirs.getNotBeforeAsInstant(), ours.notBefore());
        assertEquals(theirs.getIssuedAtAsInstant(), ours.issuedAt());
        assertArrayEquals((theirs.getHeader() + "." + theirs.getPayload()).getBytes(StandardCharsets.US_ASCII),
                java.util.Arrays.copyOf(ours.ascii(), ours.signingInputLength()));
        assertArrayEquals(Base64.getUrlDecoder().decode(theirs.getSignature()), ours.signature());
        assertEquals("alice", ours.claim("sub"));
        assertEquals(List.of("a", 1L, io.crier.protocol.StrictJsonObject.NULL), ours.claim("aud"));
    }

    @Test
    void aHeaderKeptFromTheTokenBeforeIsUsedOnlyForTheSameBytes() throws InvalidTokenException {
        byte[] payload = utf8("{\"sub\":\"alice\"}");
        String first = TestTokens.hs256Raw(secret, utf8("{\"alg\":\"HS256\",\"kid\":\"k-1\"}"), payload);
        String other = TestTokens.hs256Raw(secret, utf8("{\"alg\":\"HS256\",\"kid\":\"k-2\"}"), payload);
        String withCrit = TestTokens.hs256Raw(secret, utf8("{\"alg\":\"HS256\",\"kid\":\"k-1\",\"crit\":[]}"), payload);
        String repeated = TestTokens.hs256Raw(secret, utf8("{\"alg\":\"HS256\",\"alg\":\"HS256\"}"), payload);

        assertEquals("k-1", reader.read(first).keyId());
        assertEquals("k-1", reader.read(first).keyId());
        assertEquals("k-2", reader.read(other).keyId());
        assertEquals(Reason.MALFORMED, assertThrows(InvalidTokenException.class, () -> reader.read(withCrit)).reason());
        assertEquals(Reason.MALFORMED, assertThrows(InvalidTokenException.class, () -> reader.read(repeated)).reason());
        assertEquals(Reason.MALFORMED, assertThrows(InvalidTokenException.class, () -> reader.read(repeated)).reason());
        assertEquals("k-1", reader.read(first).keyId());
    }

    @Test
    void readsAKidThatIsNotAStringAsItsTextAsJavaJwtDid() throws InvalidTokenException {
        for (String kid : List.of("5", "true", "-12", "{}", "[]", "null")) {
            String token = TestTokens.hs256Raw(secret, utf8("{\"alg\":\"HS256\",\"kid\":" + kid + "}"),
                    utf8("{\"sub\":\"alice\"}"));

            assertEquals(JWT.decode(token).getKeyId(), reader.read(token).keyId(), kid);
        }
    }

    @Test
    void missingOrNullDatesAreAbsent() throws InvalidTokenException {
        CompactJws jws = reader.read(TestTokens.hs256Raw(secret, utf8("{\"alg\":\"HS256\"}"),
                utf8("{\"exp\":null}")));

        assertNull(jws.expiresAt());
        assertNull(jws.notBefore());
        assertNull(jws.issuedAt());
        assertEquals(Instant.ofEpochSecond(0), reader.read(TestTokens.hs256Raw(secret,
                utf8("{\"alg\":\"HS256\"}"), utf8("{\"exp\":-0.9}"))).expiresAt());
    }

    @Test
    void refusesACritHeaderWhateverItsValue() {
        for (String crit : List.of("null", "[]", "[\"exp2\"]", "\"x\"")) {
            String token = TestTokens.hs256Raw(secret, utf8("{\"alg\":\"HS256\",\"crit\":" + crit + "}"),
                    utf8("{\"sub\":\"alice\"}"));

            InvalidTokenException refused = assertThrows(InvalidTokenException.class, () -> reader.read(token));
            assertEquals(Reason.MALFORMED, refused.reason(), crit);
            assertTrue(!JWT.decode(token).getHeaderClaim("crit").isMissing(), "java-jwt sees it too: " + crit);
        }
    }

    @Test
    void refusesACharacterOutsideTheAlphabetInAnySegmentEvenOneThatIsNotAscii() {
        String token = TestTokens.hs256Raw(secret, utf8("{\"alg\":\"HS256\"}"), utf8("{\"sub\":\"alice\"}"));
        String[] parts = token.split("\\.");
        for (String odd : List.of("é", "\uD83D\uDE00", "=", "+", "/", " ", "?")) {
            for (int segment = 0; segment < 3; segment++) {
                String[] changed = parts.clone();
                changed[segment] = changed[segment] + odd;
                String bad = String.join(".", changed);

                InvalidTokenException refused = assertThrows(InvalidTokenException.class, () -> reader.read(bad));
                assertEquals(Reason.MALFORMED, refused.reason(), bad);
            }
        }
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
