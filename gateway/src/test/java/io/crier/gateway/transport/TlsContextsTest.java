package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.config.TlsConfig;
import io.crier.gateway.tls.TestCertificates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Loading and reloading the certificate, checked by hand (the reload thread waits an hour here), and the
 * protocols and cipher suites every handshake is offered, with both providers.
 */
class TlsContextsTest {

    private static final TestCertificates.Issued CA = TestCertificates.authority("TlsContextsTest CA");

    /** The TLS 1.3 suites, and forward-secret AEAD suites for TLS 1.2: what docs/security.md promises, no more. */
    private static final Pattern ALLOWED_SUITE = Pattern.compile("TLS_AES_128_GCM_SHA256|TLS_AES_256_GCM_SHA384"
            + "|TLS_CHACHA20_POLY1305_SHA256|TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_128_GCM_SHA256|AES_256_GCM_SHA384"
            + "|CHACHA20_POLY1305_SHA256)");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @TempDir
    Path dir;

    @Test
    void servesTheConfiguredPairOnTlsOneDotTwoAndOneDotThreeOnly() throws Exception {
        write(TestCertificates.leaf(CA, "served", 1));
        try (TlsContexts tls = contexts(SslProvider.OPENSSL, "")) {
            assertEquals(BigInteger.ONE, tls.current().getSerialNumber());
            assertEquals(List.of("TLSv1.3", "TLSv1.2"), tls.protocols());
            SslHandler handler = tls.newHandler(ByteBufAllocator.DEFAULT);
            // SSLv2Hello is not a protocol but the hello format OpenSSL accepts; nothing below TLS 1.2 is on.
            assertEquals(List.of("TLSv1.2", "TLSv1.3"), List.of(handler.engine().getEnabledProtocols()).stream()
                    .filter(p -> !p.equals("SSLv2Hello")).sorted().toList());
            assertFalse(List.of(handler.engine().getEnabledCipherSuites()).stream().anyMatch(s -> s.contains("CBC")),
                    "no CBC suites");
            io.netty.util.ReferenceCountUtil.release(handler.engine());
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void everyEnabledSuiteIsATls13SuiteOrEcdheWithAesGcmOrChaCha20(SslProvider provider) throws Exception {
        write(TestCertificates.leaf(CA, "suites", 3));
        try (TlsContexts tls = contexts(provider, "")) {
            SslHandler handler = tls.newHandler(ByteBufAllocator.DEFAULT);
            try {
                List<String> suites = List.of(handler.engine().getEnabledCipherSuites());
                List<String> protocols = List.of(handler.engine().getEnabledProtocols());

                // No CBC, no static RSA key exchange (TLS_RSA_*), no DHE, no NULL or export suites.
                assertEquals(List.of(), suites.stream().filter(s -> !ALLOWED_SUITE.matcher(s).matches()).toList());
                assertTrue(suites.stream().anyMatch(s -> s.startsWith("TLS_ECDHE_ECDSA_")), suites.toString());
                assertEquals(List.of(), protocols.stream()
                        .filter(p -> !p.equals("TLSv1.2") && !p.equals("TLSv1.3") && !p.equals("SSLv2Hello")).toList());
            } finally {
                ReferenceCountUtil.release(handler.engine());
            }
        }
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateStopsStartupWithTheReason() throws Exception {
        TestCertificates.Issued leaf = TestCertificates.leaf(CA, "leaf", 4);
        TestCertificates.Issued other = TestCertificates.leaf(CA, "other", 5);
        write(leaf);
        TestCertificates.replace(dir.resolve("key.pem"), other.keyPem());

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> contexts(SslProvider.OPENSSL, ""));

        assertTrue(refused.getMessage().contains("does not belong to the certificate"), refused.getMessage());
    }

    @Test
    void theJdkProviderServesTheSamePair() throws Exception {
        write(TestCertificates.leaf(CA, "jdk", 2));
        try (TlsContexts tls = contexts(SslProvider.JDK, "")) {
            assertEquals(SslProvider.JDK, tls.provider());
            assertEquals(BigInteger.TWO, tls.current().getSerialNumber());
            assertTrue(tls.protocols().contains("TLSv1.3"));
        }
    }

    @Test
    void aChangedPairReplacesTheCertificateAndAnUnchangedOneDoesNot() throws Exception {
        write(TestCertificates.leaf(CA, "first", 10));
        try (TlsContexts tls = contexts(SslProvider.OPENSSL, "")) {
            assertFalse(tls.reloadIfChanged(), "nothing changed");
            write(TestCertificates.leaf(CA, "second", 11));

            assertTrue(tls.reloadIfChanged());
            assertEquals(BigInteger.valueOf(11), tls.current().getSerialNumber());
            assertFalse(tls.reloadIfChanged());
            assertEquals(1.0, reloads("reloaded"));
            assertEquals(0.0, reloads("failed"));
        }
    }

    @Test
    void aTouchedButIdenticalPairIsNotReloaded() throws Exception {
        write(TestCertificates.leaf(CA, "same", 12));
        try (TlsContexts tls = contexts(SslProvider.OPENSSL, "")) {
            byte[] chain = Files.readAllBytes(dir.resolve("chain.pem"));
            TestCertificates.replace(dir.resolve("chain.pem"), chain);
            Files.setLastModifiedTime(dir.resolve("chain.pem"),
                    java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));

            assertFalse(tls.reloadIfChanged());
            assertEquals(0.0, reloads("reloaded"));
        }
    }

    @Test
    void aHalfWrittenPairKeepsTheOldCertificateUntilTheRotationCompletes() throws Exception {
        write(TestCertificates.leaf(CA, "old", 20));
        try (TlsContexts tls = contexts(SslProvider.OPENSSL, "")) {
            TestCertificates.Issued next = TestCertificates.leaf(CA, "new", 21);
            TestCertificates.replace(dir.resolve("chain.pem"), next.certificatePem());

            assertFalse(tls.reloadIfChanged(), "the new certificate with the old key does not load");
            assertFalse(tls.reloadIfChanged(), "the same broken pair is not tried (or counted) again");
            assertEquals(BigInteger.valueOf(20), tls.current().getSerialNumber());
            assertEquals(1.0, reloads("failed"));

            TestCertificates.replace(dir.resolve("key.pem"), next.keyPem());
            assertTrue(tls.reloadIfChanged());
            assertEquals(BigInteger.valueOf(21), tls.current().getSerialNumber());
        }
    }

    @Test
    void garbageAndMissingFilesKeepTheOldCertificate() throws Exception {
        write(TestCertificates.leaf(CA, "kept", 30));
        try (TlsContexts tls = contexts(SslProvider.OPENSSL, "")) {
            TestCertificates.replace(dir.resolve("chain.pem"), "not a certificate".getBytes(StandardCharsets.US_ASCII));
            assertFalse(tls.reloadIfChanged());
            Files.delete(dir.resolve("key.pem"));
            assertFalse(tls.reloadIfChanged());

            assertEquals(BigInteger.valueOf(30), tls.current().getSerialNumber());
            assertEquals(2.0, reloads("failed"));
        }
    }

    @Test
    void anEncryptedKeyLoadsWithItsPasswordAndStartupFailsWithoutIt() throws Exception {
        TestCertificates.Issued leaf = TestCertificates.leaf(CA, "encrypted", 40);
        write(leaf);
        Files.write(dir.resolve("key.pem"), TestCertificates.encryptedKeyPem(leaf.key(), "s3cret".toCharArray()));

        try (TlsContexts tls = contexts(SslProvider.OPENSSL, "s3cret")) {
            assertEquals(BigInteger.valueOf(40), tls.current().getSerialNumber());
        }
        IllegalStateException noPassword = assertThrows(IllegalStateException.class,
                () -> contexts(SslProvider.OPENSSL, ""));
        assertTrue(noPassword.getMessage().contains("tls.keyPassword"), noPassword.getMessage());
        IllegalStateException wrong = assertThrows(IllegalStateException.class,
                () -> contexts(SslProvider.OPENSSL, "hunter2-not-it"));
        assertFalse(wrong.getMessage().contains("hunter2"), "the password is never echoed: " + wrong.getMessage());
    }

    @Test
    void keysWrittenByTheOpensslCommandLineLoad() throws Exception {
        // The forms cert-manager and operators produce: traditional EC and RSA keys, encrypted PKCS#8.
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.pem");
        openssl("genrsa", "-traditional", "-out", "rsa.pem", "2048");
        openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "rsa.pem", "-passout", "pass:s3cret", "-out", "enc.pem");
        for (String key : List.of("ec.pem", "rsa.pem", "enc.pem")) {
            String serial = key.equals("ec.pem") ? "0x51" : "0x52";
            openssl("req", "-x509", "-new", "-key", key.equals("enc.pem") ? "rsa.pem" : key, "-subj", "/CN=" + key,
                    "-days", "1", "-set_serial", serial, "-out", "chain.pem");
            Files.copy(dir.resolve(key), dir.resolve("key.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (TlsContexts tls = contexts(SslProvider.OPENSSL, key.equals("enc.pem") ? "s3cret" : "")) {
                assertEquals(BigInteger.valueOf(Long.decode(serial)), tls.current().getSerialNumber(), key);
            }
        }
    }

    @Test
    void theSelfSignedFlagGeneratesALocalhostCertificate() {
        TlsConfig config = new TlsConfig(true, "", 0, "", "", "", true, Duration.ofHours(1));
        try (TlsContexts tls = new TlsContexts(config, Duration.ofSeconds(10), Clock.systemUTC(), meters,
                SslProvider.OPENSSL)) {
            assertEquals(tls.current().getSubjectX500Principal(), tls.current().getIssuerX500Principal());
            assertTrue(tls.current().getSubjectX500Principal().getName().contains("CN=localhost"));
            assertFalse(tls.reloadIfChanged(), "nothing to watch");
        }
    }

    private void openssl(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "openssl finished");
        assertEquals(0, process.exitValue(), () -> command + ": " + read(dir.resolve("openssl.log")));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private TlsContexts contexts(SslProvider provider, String password) {
        TlsConfig config = new TlsConfig(true, "", 0, dir.resolve("chain.pem").toString(),
                dir.resolve("key.pem").toString(), password, false, Duration.ofHours(1));
        return new TlsContexts(config, Duration.ofSeconds(10), Clock.systemUTC(), meters, provider);
    }

    private void write(TestCertificates.Issued leaf) throws Exception {
        TestCertificates.write(dir.resolve("chain.pem"), dir.resolve("key.pem"), leaf, CA);
    }

    private double reloads(String outcome) {
        return meters.counter("crier.tls.reloads", "outcome", outcome).count();
    }
}
