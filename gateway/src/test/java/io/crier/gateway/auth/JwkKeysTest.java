package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** JWKS documents into keys, with the JDK's crypto: what is used, what is skipped, what fails the document. */
class JwkKeysTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final KeyPair RSA = TestTokens.rsaKeyPair();
    private static final KeyPair P256 = TestTokens.ecKeyPair("secp256r1");
    private static final KeyPair P384 = TestTokens.ecKeyPair("secp384r1");

    @Test
    void buildsRsaAndEcKeysThatVerifyTokensSignedByTheirPrivateKeys() throws InvalidTokenException {
        JwkKeys.Parsed parsed = parse(TestTokens.jwks(TestTokens.jwk("r", RSA.getPublic(), null),
                TestTokens.jwk("e2", P256.getPublic(), "ES256"), TestTokens.jwk("e3", P384.getPublic(), null)), "test");
        JwtTokenVerifier verifier = verifier(parsed.keys());

        assertEquals(0, parsed.skipped());
        assertEquals(List.of("r", "e2", "e3"), parsed.keys().keys().stream().map(VerificationKey::kid).toList());
        assertEquals("a", verifier.verify(TestTokens.rsa("RS512", RSA, "r", NOW, "a", TTL)).id());
        assertEquals("b", verifier.verify(TestTokens.ec("ES256", P256, "e2", NOW, "b", TTL)).id());
        assertEquals("c", verifier.verify(TestTokens.ec("ES384", P384, "e3", NOW, "c", TTL)).id());
    }

    @Test
    void anAlgMemberLimitsTheKeyToThatAlgorithm() {
        JwkKeys.Parsed parsed = parse(TestTokens.jwks(TestTokens.jwk("r", RSA.getPublic(), "RS384")), "t");

        assertEquals(Set.of("RS384"), parsed.keys().keys().get(0).algorithms());
    }

    @Test
    void skipsKeysItCannotOrMustNotUseAndKeepsTheOthers() {
        String good = TestTokens.jwk("good", RSA.getPublic(), null);
        String encryption = good.replace("\"use\":\"sig\"", "\"use\":\"enc\"").replace("good", "enc");
        String pss = TestTokens.jwk("pss", RSA.getPublic(), "PS256");
        String wrongAlgForCurve = TestTokens.jwk("p", P256.getPublic(), "ES384");
        String symmetric = "{\"kty\":\"oct\",\"kid\":\"s\",\"k\":\"c2VjcmV0\"}";
        String okp = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"o\",\"x\":\"AAAA\"}";
        String badBase64 = "{\"kty\":\"RSA\",\"kid\":\"b\",\"n\":\"***\",\"e\":\"AQAB\"}";
        String noKty = "{\"kid\":\"n\",\"n\":\"AQAB\",\"e\":\"AQAB\"}";

        JwkKeys.Parsed parsed = parse(TestTokens.jwks(encryption, pss, wrongAlgForCurve, symmetric, okp,
                badBase64, noKty, "42", good), "t");

        assertEquals(List.of("good"), parsed.keys().keys().stream().map(VerificationKey::kid).toList());
        assertEquals(8, parsed.skipped());
    }

    @Test
    void skipsAKeyWithAMemberThatIsNotAStringAndKeepsTheOthers() {
        String good = TestTokens.jwk("good", RSA.getPublic(), null);
        String numericKid = good.replace("\"kid\":\"good\"", "\"kid\":7");
        String nullUse = good.replace("\"use\":\"sig\"", "\"use\":null").replace("good", "u");
        String arrayKty = good.replace("\"kty\":\"RSA\"", "\"kty\":[\"RSA\"]").replace("good", "k");

        JwkKeys.Parsed parsed = parse(TestTokens.jwks(numericKid, nullUse, arrayKty, good), "t");

        assertEquals(List.of("good"), parsed.keys().keys().stream().map(VerificationKey::kid).toList());
        assertEquals(3, parsed.skipped());
    }

    @Test
    void skipsAnEcKeyWhosePointIsNotOnTheCurve() {
        ECPublicKey key = (ECPublicKey) P256.getPublic();
        String jwk = TestTokens.jwk("p", key, null);
        String y = Base64.getUrlEncoder().withoutPadding().encodeToString(
                fixed(key.getW().getAffineY().add(BigInteger.ONE).toByteArray(), 32));
        String offCurve = jwk.replaceAll("\"y\":\"[^\"]+\"", "\"y\":\"" + y + "\"");

        JwkKeys.Parsed parsed = parse(TestTokens.jwks(offCurve), "t");

        assertEquals(0, parsed.keys().size());
        assertEquals(1, parsed.skipped());
    }

    @Test
    void skipsAnEcKeyWithCoordinatesOfTheWrongLength() {
        String jwk = TestTokens.jwk("p", P256.getPublic(), null).replaceAll("\"x\":\"[^\"]+\"", "\"x\":\"AAAA\"");

        assertEquals(1, parse(TestTokens.jwks(jwk), "t").skipped());
    }

    @Test
    void refusesADocumentWithoutAKeysArrayOrWithTooManyKeys() {
        String jwk = TestTokens.jwk("p", P256.getPublic(), null);

        assertThrows(IllegalArgumentException.class, () -> parse("{\"keys\":{}}", "t"));
        assertThrows(IllegalArgumentException.class, () -> parse("[]", "t"));
        assertThrows(IllegalArgumentException.class, () -> parse("{\"keys\":[", "t"));
        assertThrows(IllegalArgumentException.class, () -> parse(
                TestTokens.jwks(Collections.nCopies(JwkKeys.MAX_KEYS + 1, jwk).toArray(String[]::new)), "t"));
        assertEquals(JwkKeys.MAX_KEYS, parse(
                TestTokens.jwks(Collections.nCopies(JwkKeys.MAX_KEYS, jwk).toArray(String[]::new)), "t").keys().size());
    }

    @Test
    void entriesThatAreNotKeysCountTowardsTheLimit() {
        String jwk = TestTokens.jwk("p", P256.getPublic(), null);
        List<String> entries = new ArrayList<>(Collections.nCopies(JwkKeys.MAX_KEYS, jwk));
        entries.add("42");

        assertThrows(IllegalArgumentException.class,
                () -> parse(TestTokens.jwks(entries.toArray(String[]::new)), "t"));
    }

    private static JwkKeys.Parsed parse(String json, String origin) {
        return JwkKeys.parse(json.getBytes(StandardCharsets.UTF_8), origin);
    }

    private static byte[] fixed(byte[] bigEndian, int size) {
        byte[] out = new byte[size];
        int copy = Math.min(size, bigEndian.length);
        System.arraycopy(bigEndian, bigEndian.length - copy, out, size - copy, copy);
        return out;
    }

    private static JwtTokenVerifier verifier(KeySet keys) {
        return new JwtTokenVerifier(keys, new ClaimChecks(null, null, Duration.ZERO, Clock.fixed(NOW, ZoneOffset.UTC)),
                new SimpleMeterRegistry());
    }
}
