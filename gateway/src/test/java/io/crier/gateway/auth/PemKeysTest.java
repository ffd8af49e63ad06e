package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.algorithms.Algorithm;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM files of auth.publicKeyFiles, written to a temporary directory from freshly generated keys. */
class PemKeysTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    @Test
    void readsAnRsaPublicKeyWithTheFileNameAsKid() throws Exception {
        KeyPair keys = TestTokens.rsaKeyPair();
        Path file = write("issuer-2030.pem", TestTokens.publicKeyPem(keys.getPublic()));

        VerificationKey key = PemKeys.read(file);

        assertEquals("issuer-2030", key.kid());
        assertEquals(Set.of("RS256", "RS384", "RS512"), key.algorithms());
    }

    @Test
    void readsEcPublicKeysAndBindsEachToTheAlgorithmOfItsCurve() throws Exception {
        Path p256 = write("p256.pem", TestTokens.publicKeyPem(TestTokens.ecKeyPair("secp256r1").getPublic()));
        Path p384 = write("p384.key.pem", TestTokens.publicKeyPem(TestTokens.ecKeyPair("secp384r1").getPublic()));

        assertEquals(Set.of("ES256"), PemKeys.read(p256).algorithms());
        assertEquals(Set.of("ES384"), PemKeys.read(p384).algorithms());
        assertEquals("p384.key", PemKeys.read(p384).kid());
    }

    @Test
    void readsTheKeyOfAnX509CertificateAndVerifiesTokensSignedByItsPrivateKey() throws Exception {
        KeyStore store = keytoolKeyStore();
        Certificate certificate = store.getCertificate("signer");
        PrivateKey privateKey = (PrivateKey) store.getKey("signer", "changeit".toCharArray());
        Path file = write("signer-cert.pem", TestTokens.pem("CERTIFICATE", certificate.getEncoded()));
        String token = TestTokens.builder(NOW, "alice", TTL).withKeyId("signer-cert")
                .sign(Algorithm.RSA256((RSAPublicKey) certificate.getPublicKey(), (RSAPrivateKey) privateKey));

        JwtTokenVerifier verifier = verifier(PemKeys.load(List.of(file.toString())));

        assertEquals("alice", verifier.verify(token).id());
    }

    @Test
    void loadsSeveralFilesAndPicksTheirKeysByKid() throws Exception {
        KeyPair rsa = TestTokens.rsaKeyPair();
        KeyPair ec = TestTokens.ecKeyPair("secp256r1");
        Path rsaFile = write("rsa-a.pem", TestTokens.publicKeyPem(rsa.getPublic()));
        Path ecFile = write("ec-b.pem", TestTokens.publicKeyPem(ec.getPublic()));

        JwtTokenVerifier verifier = verifier(PemKeys.load(List.of(rsaFile.toString(), ecFile.toString())));

        assertEquals("r", verifier.verify(TestTokens.rsa("RS384", rsa, "rsa-a", NOW, "r", TTL)).id());
        assertEquals("e", verifier.verify(TestTokens.ec("ES256", ec, "ec-b", NOW, "e", TTL)).id());
    }

    @Test
    void refusesAPrivateKeyFile() throws Exception {
        KeyPair keys = TestTokens.rsaKeyPair();
        Path file = write("private.pem", TestTokens.pem("PRIVATE KEY", keys.getPrivate().getEncoded()));

        assertMessageContains("holds a private key", file);
    }

    @Test
    void refusesAPkcs1RsaPublicKeyWithAHintToConvertIt() throws Exception {
        Path file = write("pkcs1.pem", TestTokens.pem("RSA PUBLIC KEY", new byte[] {0x30, 0x00}));

        assertMessageContains("openssl rsa -RSAPublicKey_in -pubout", file);
    }

    @Test
    void refusesAFileWithoutAPemBlockAndAMissingFile() throws Exception {
        assertMessageContains("no PEM block", write("empty.pem", "just text\n"));
        assertMessageContains("missing.pem", dir.resolve("missing.pem"));
    }

    @Test
    void refusesAnRsaKeyShorterThan2048Bits() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        Path file = write("short.pem", TestTokens.publicKeyPem(generator.generateKeyPair().getPublic()));

        assertMessageContains("shorter than 2048 bits", file);
    }

    @Test
    void refusesAFileLargerThan64KiB() throws Exception {
        Path file = write("huge.pem", "x".repeat(PemKeys.MAX_FILE_BYTES + 1));

        assertMessageContains("larger than", file);
    }

    private KeyStore keytoolKeyStore() throws Exception {
        Path store = dir.resolve("signer.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "signer", "-keyalg", "RSA",
                "-keysize", "2048", "-dname", "CN=crier-test", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("keytool.log").toFile())
                .start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "keytool finished");
        assertEquals(0, process.exitValue(), () -> "keytool failed: " + read(dir.resolve("keytool.log")));
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keyStore.load(in, "changeit".toCharArray());
        }
        return keyStore;
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }

    private static void assertMessageContains(String fragment, Path file) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PemKeys.read(file));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().startsWith("auth.publicKeyFiles " + file), e.getMessage());
    }

    private static JwtTokenVerifier verifier(KeySet keys) {
        return new JwtTokenVerifier(keys, new ClaimChecks(null, null, Duration.ZERO, Clock.fixed(NOW, ZoneOffset.UTC)),
                new SimpleMeterRegistry());
    }
}
