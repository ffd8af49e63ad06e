package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PrivateKeys}: the PKCS#8 PEM keys nodes can verify, and a clear refusal of every other file. */
class PrivateKeysTest {

    @TempDir
    Path dir;

    @Test
    void readsRsaAndEcKeysAndTheAlgorithmsTheyMaySign() throws Exception {
        Path rsa = write("rsa.pem", TestTokens.pem("PRIVATE KEY", TestTokens.rsaKeyPair().getPrivate().getEncoded()));
        Path p256 = write("p256.pem", pkcs8(TestTokens.ecKeyPair("secp256r1")));
        Path p384 = write("p384.pem", pkcs8(TestTokens.ecKeyPair("secp384r1")));

        assertInstanceOf(RSAPrivateKey.class, PrivateKeys.read(rsa));
        assertEquals(List.of("RS256", "RS384", "RS512"), PrivateKeys.algorithms(PrivateKeys.read(rsa)));
        assertInstanceOf(ECPrivateKey.class, PrivateKeys.read(p256));
        assertEquals(List.of("ES256"), PrivateKeys.algorithms(PrivateKeys.read(p256)));
        assertEquals(List.of("ES384"), PrivateKeys.algorithms(PrivateKeys.read(p384)));
    }

    @Test
    void skipsTheEcParametersBlockThatOpensslEcparamWritesFirst() throws Exception {
        String parameters = TestTokens.pem("EC PARAMETERS", new byte[] {0x06, 0x08, 0x2a, (byte) 0x86, 0x48,
                (byte) 0xce, 0x3d, 0x03, 0x01, 0x07});
        Path file = write("ec.pem", parameters + pkcs8(TestTokens.ecKeyPair("secp256r1")));

        assertEquals(List.of("ES256"), PrivateKeys.algorithms(PrivateKeys.read(file)));
    }

    @Test
    void refusesPkcs1AndSec1KeysWithTheCommandThatConvertsThem() throws Exception {
        for (String label : List.of("RSA PRIVATE KEY", "EC PRIVATE KEY")) {
            Path file = write("old.pem", TestTokens.pem(label, new byte[] {0x30, 0x00}));

            assertMessage(file, "a " + label + " (PKCS#1 or SEC 1); convert it to PKCS#8 with openssl pkcs8 -topk8"
                    + " -nocrypt -in " + file + " -out key.pem");
        }
    }

    @Test
    void refusesAnEncryptedKeyAPublicKeyAndACertificate() throws Exception {
        assertMessage(write("enc.pem", TestTokens.pem("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0x00})),
                "an encrypted key; decrypt it");
        String publicKey = TestTokens.publicKeyPem(TestTokens.rsaKeyPair().getPublic());
        assertMessage(write("pub.pem", publicKey), "holds a public key: give the private key");
        assertMessage(write("cert.pem", TestTokens.pem("CERTIFICATE", new byte[] {0x30, 0x00})),
                "holds a public key: give the private key");
    }

    @Test
    void refusesKeysNodesCannotVerify() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        KeyPairGenerator p521 = KeyPairGenerator.getInstance("EC");
        p521.initialize(new ECGenParameterSpec("secp521r1"));
        KeyPair ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

        assertMessage(write("short.pem", pkcs8(rsa.generateKeyPair())), "RSA key shorter than 2048 bits");
        assertMessage(write("p521.pem", pkcs8(p521.generateKeyPair())), "unsupported curve");
        assertMessage(write("ed.pem", pkcs8(ed25519)), "not an RSA or EC private key");
    }

    @Test
    void refusesAMissingFileOneWithoutPemAndOneTooLarge() throws Exception {
        assertMessage(dir.resolve("missing.pem"), "cannot read it (NoSuchFileException)");
        assertMessage(write("text.pem", "just text\n"), "no PEM block");
        assertMessage(write("huge.pem", "x".repeat(PemKeys.MAX_FILE_BYTES + 1)), "larger than");
    }

    private static String pkcs8(KeyPair keys) {
        return TestTokens.pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static void assertMessage(Path file, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrivateKeys.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
