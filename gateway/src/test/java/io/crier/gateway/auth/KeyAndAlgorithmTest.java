package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.algorithms.Algorithm;
import io.crier.gateway.auth.InvalidTokenException.Reason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which key verifies which token: every accepted algorithm with its own key, kid selection among several
 * keys, secret rotation, and the refusals that protect the choice (alg none, algorithm confusion, an
 * algorithm no configured key allows, ES512 and EdDSA, a curve that does not fit the algorithm). Real crypto
 * throughout.
 */
class KeyAndAlgorithmTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final KeyPair RSA_A = TestTokens.rsaKeyPair();
    private static final KeyPair RSA_B = TestTokens.rsaKeyPair();
    private static final KeyPair P256 = TestTokens.ecKeyPair("secp256r1");
    private static final KeyPair P384 = TestTokens.ecKeyPair("secp384r1");
    private static final byte[] SECRET_64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] PREVIOUS = "the-previous-secret-still-accepted-while-rotating"
            .getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @ValueSource(strings = {"HS256", "HS384", "HS512"})
    void acceptsEveryHmacAlgorithmWithALongEnoughSecret(String alg) throws InvalidTokenException {
        String token = TestTokens.builder(NOW, "alice", TTL).sign(TestTokens.hmacSigner(alg, SECRET_64));

        assertEquals("alice", verifier(hmac(SECRET_64)).verify(token).id());
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "RS384", "RS512"})
    void acceptsEveryRsaAlgorithmWithItsPublicKey(String alg) throws InvalidTokenException {
        String token = TestTokens.rsa(alg, RSA_A, "a", NOW, "alice", TTL);

        assertEquals("alice", verifier(rsa("a", RSA_A)).verify(token).id());
    }

    @Test
    void acceptsEs256WithAP256KeyAndEs384WithAP384Key() throws InvalidTokenException {
        JwtTokenVerifier verifier = verifier(ec("p256", P256), ec("p384", P384));

        assertEquals("alice", verifier.verify(TestTokens.ec("ES256", P256, "p256", NOW, "alice", TTL)).id());
        assertEquals("bob", verifier.verify(TestTokens.ec("ES384", P384, "p384", NOW, "bob", TTL)).id());
    }

    @Test
    void refusesTokensSignedByAnotherKeyOfTheSameType() {
        assertRefused(Reason.BAD_SIGNATURE, verifier(rsa("a", RSA_A)), TestTokens.rsa("RS256", RSA_B, "a", NOW, "x", TTL));
        assertRefused(Reason.BAD_SIGNATURE, verifier(rsa(null, RSA_A)), TestTokens.rsa("RS256", RSA_B, null, NOW, "x", TTL));
        KeyPair otherP256 = TestTokens.ecKeyPair("secp256r1");
        assertRefused(Reason.BAD_SIGNATURE, verifier(ec("p", P256)), TestTokens.ec("ES256", otherP256, "p", NOW, "x", TTL));
    }

    @Test
    void picksTheKeyNamedByKidAmongSeveral() throws InvalidTokenException {
        JwtTokenVerifier verifier = verifier(rsa("a", RSA_A), rsa("b", RSA_B), ec("p256", P256));

        assertEquals("alice", verifier.verify(TestTokens.rsa("RS256", RSA_A, "a", NOW, "alice", TTL)).id());
        assertEquals("bob", verifier.verify(TestTokens.rsa("RS256", RSA_B, "b", NOW, "bob", TTL)).id());
        assertRefused(Reason.BAD_SIGNATURE, verifier, TestTokens.rsa("RS256", RSA_B, "a", NOW, "mallory", TTL));
    }

    @Test
    void tokenWithoutKidIsCheckedAgainstEveryKeyOfItsType() throws InvalidTokenException {
        JwtTokenVerifier verifier = verifier(rsa("a", RSA_A), rsa("b", RSA_B));

        assertEquals("bob", verifier.verify(TestTokens.rsa("RS512", RSA_B, null, NOW, "bob", TTL)).id());
    }

    @Test
    void tokenWithAnUnknownKidIsRefusedWhenNoKeyWithoutKidFits() {
        assertRefused(Reason.UNKNOWN_KEY, verifier(rsa("a", RSA_A)),
                TestTokens.rsa("RS256", RSA_A, "not-configured", NOW, "alice", TTL));
    }

    @Test
    void acceptsTheCurrentAndThePreviousSecretButNoOther() throws InvalidTokenException {
        JwtTokenVerifier verifier = verifier(hmac(TestTokens.secret()), hmac(PREVIOUS));

        assertEquals("new", verifier.verify(TestTokens.hs256At(TestTokens.secret(), NOW, "new", null, null, TTL)).id());
        assertEquals("old", verifier.verify(TestTokens.hs256At(PREVIOUS, NOW, "old", null, null, TTL)).id());
        assertRefused(Reason.BAD_SIGNATURE, verifier, TestTokens.hs256At(SECRET_64, NOW, "other", null, null, TTL));
    }

    @Test
    void hmacTokenWithAKidStillVerifiesWithTheSecret() throws InvalidTokenException {
        String token = TestTokens.builder(NOW, "alice", TTL).withKeyId("k1").sign(TestTokens.hmacSigner("HS256", SECRET_64));

        assertEquals("alice", verifier(hmac(SECRET_64), rsa("a", RSA_A)).verify(token).id());
    }

    @Test
    void refusesAlgNoneWhateverKeysAreConfigured() {
        String unsigned = TestTokens.unsigned(NOW, "alice", TTL);

        assertRefused(Reason.ALGORITHM_NOT_ALLOWED, verifier(hmac(SECRET_64), rsa("a", RSA_A), ec("p", P256)), unsigned);
    }

    @Test
    void refusesTheAlgorithmConfusionTokenWhenASecretIsConfiguredToo() {
        JwtTokenVerifier verifier = verifier(hmac(SECRET_64), rsa("a", RSA_A));

        // Its kid names the RSA key, which never verifies HS256.
        assertRefused(Reason.UNKNOWN_KEY, verifier, TestTokens.algorithmConfusion(RSA_A.getPublic(), "a", NOW, "m", TTL));
        // Without a kid, only the HMAC secret may verify HS256, and it is not the PEM text.
        assertRefused(Reason.BAD_SIGNATURE, verifier, TestTokens.algorithmConfusion(RSA_A.getPublic(), null, NOW, "m", TTL));
        assertRefused(Reason.BAD_SIGNATURE, verifier,
                TestTokens.algorithmConfusionDer(RSA_A.getPublic(), null, NOW, "m", TTL));
    }

    @Test
    void refusesTheAlgorithmConfusionTokenWhenOnlyPublicKeysAreConfigured() {
        JwtTokenVerifier verifier = verifier(rsa("a", RSA_A), ec("p", P256));

        assertRefused(Reason.UNKNOWN_KEY, verifier, TestTokens.algorithmConfusion(RSA_A.getPublic(), "a", NOW, "m", TTL));
        assertRefused(Reason.UNKNOWN_KEY, verifier, TestTokens.algorithmConfusion(P256.getPublic(), null, NOW, "m", TTL));
    }

    @Test
    void refusesAnHs256TokenWhenOnlyRsaKeysAreConfigured() {
        assertRefused(Reason.UNKNOWN_KEY, verifier(rsa("a", RSA_A)),
                TestTokens.hs256At(SECRET_64, NOW, "alice", null, null, TTL));
    }

    @Test
    void refusesAnRsaTokenWhenOnlyAnEcKeyIsConfigured() {
        assertRefused(Reason.UNKNOWN_KEY, verifier(ec("p", P256)), TestTokens.rsa("RS256", RSA_A, "p", NOW, "x", TTL));
    }

    @Test
    void bindsEachCurveToItsOneAlgorithm() {
        String es384WithP256Kid = TestTokens.ec("ES384", P384, "p256", NOW, "x", TTL);

        assertRefused(Reason.UNKNOWN_KEY, verifier(ec("p256", P256)), es384WithP256Kid);
    }

    @Test
    void refusesAlgorithmsOutsideTheAcceptedSet() {
        String ps256 = TestTokens.builder(NOW, "x", TTL).sign(Algorithm.RSA256PSS(
                (RSAPublicKey) RSA_A.getPublic(), (RSAPrivateKey) RSA_A.getPrivate()));

        assertRefused(Reason.ALGORITHM_NOT_ALLOWED, verifier(rsa(null, RSA_A)), ps256);
    }

    @Test
    void refusesEs512AndEdDsaEvenWhenTheirSignaturesAreValid() throws Exception {
        KeyPair p521 = TestTokens.ecKeyPair("secp521r1");
        String es512 = TestTokens.builder(NOW, "x", TTL).withKeyId("p").sign(Algorithm.ECDSA512(
                (ECPublicKey) p521.getPublic(), (ECPrivateKey) p521.getPrivate()));

        assertRefused(Reason.ALGORITHM_NOT_ALLOWED, verifier(ec("p", P256), rsa("a", RSA_A), hmac(SECRET_64)), es512);
        assertRefused(Reason.ALGORITHM_NOT_ALLOWED, verifier(ec("p", P256), rsa("a", RSA_A), hmac(SECRET_64)),
                ed25519Token());
    }

    @Test
    void aSecretTooShortForHs384OrHs512NeverVerifiesThem() throws InvalidTokenException {
        byte[] secret47 = Arrays.copyOf(SECRET_64, 47);
        byte[] secret63 = Arrays.copyOf(SECRET_64, 63);

        assertRefused(Reason.UNKNOWN_KEY, verifier(hmac(secret47)),
                TestTokens.builder(NOW, "x", TTL).sign(TestTokens.hmacSigner("HS384", secret47)));
        assertRefused(Reason.UNKNOWN_KEY, verifier(hmac(secret63)),
                TestTokens.builder(NOW, "x", TTL).sign(TestTokens.hmacSigner("HS512", secret63)));
        assertEquals("x", verifier(hmac(secret63)).verify(
                TestTokens.builder(NOW, "x", TTL).sign(TestTokens.hmacSigner("HS384", secret63))).id());
    }

    @Test
    void hmacSecretAllowsOnlyTheAlgorithmsItIsLongEnoughFor() {
        byte[] secret48 = new String(SECRET_64, StandardCharsets.UTF_8).substring(0, 48).getBytes(StandardCharsets.UTF_8);

        assertEquals(Set.of("HS256"), VerificationKey.hmac("t", TestTokens.secret()).algorithms());
        assertEquals(Set.of("HS256", "HS384"), VerificationKey.hmac("t", secret48).algorithms());
        assertEquals(Set.of("HS256", "HS384", "HS512"), VerificationKey.hmac("t", SECRET_64).algorithms());
    }

    @Test
    void aKeyIsDescribedForTheStartupLogByKidOriginAndAlgorithmsNeverBySecret() {
        String secret = new String(SECRET_64, StandardCharsets.UTF_8);
        String described = VerificationKey.hmac("auth.hmacSecret", SECRET_64).toString();

        assertFalse(described.contains(secret.substring(0, 16)), described);
        assertTrue(described.contains("auth.hmacSecret") && described.contains("HS512"), described);
        assertTrue(rsa("backend-2025", RSA_A).toString().contains("kid=backend-2025"));
    }

    @Test
    void refusesRsaKeysShorterThan2048Bits() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        RSAPublicKey small = (RSAPublicKey) generator.generateKeyPair().getPublic();

        assertThrows(IllegalArgumentException.class, () -> VerificationKey.rsa("s", "t", small, null));
    }

    /** A well-formed token with a valid Ed25519 signature ({@code alg: EdDSA}, RFC 8037), signed with the JDK. */
    private static String ed25519Token() throws Exception {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String header = base64.encodeToString("{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = base64.encodeToString(("{\"sub\":\"x\",\"exp\":" + NOW.plus(TTL).getEpochSecond() + "}")
                .getBytes(StandardCharsets.UTF_8));
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
        signer.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + base64.encodeToString(signer.sign());
    }

    private static VerificationKey hmac(byte[] secret) {
        return VerificationKey.hmac("test secret", secret);
    }

    private static VerificationKey rsa(String kid, KeyPair keys) {
        return VerificationKey.rsa(kid, "test", (RSAPublicKey) keys.getPublic(), null);
    }

    private static VerificationKey ec(String kid, KeyPair keys) {
        return VerificationKey.ec(kid, "test", (ECPublicKey) keys.getPublic(), null);
    }

    private static JwtTokenVerifier verifier(VerificationKey... keys) {
        return new JwtTokenVerifier(new KeySet(List.of(keys)),
                new ClaimChecks(null, null, Duration.ZERO, Clock.fixed(NOW, ZoneOffset.UTC)), new SimpleMeterRegistry());
    }

    private static void assertRefused(Reason reason, JwtTokenVerifier verifier, String token) {
        assertEquals(reason, assertThrows(InvalidTokenException.class, () -> verifier.verify(token)).reason());
    }
}
