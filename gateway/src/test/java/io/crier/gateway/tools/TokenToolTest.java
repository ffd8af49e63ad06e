package io.crier.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.InvalidTokenException;
import io.crier.gateway.auth.JwtTokenVerifier;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.auth.TokenVerifierFactory;
import io.crier.gateway.auth.User;
import io.crier.gateway.config.ConfigLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TokenTool#run}: the token it prints is verified by the verifier a node builds from the same configuration
 * ({@link TokenVerifierFactory}, the same {@link ConfigLoader}); standard output holds that token alone; every
 * problem is one line on standard error with exit status 2.
 */
class TokenToolTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String SECRET = "token-tool-test-secret-0123456789abcdef";
    private static final String[] README = {"--sub", "alice", "--subscribe", "chat:*", "--publish", "chat:*", "--ttl",
            "1h"};

    @TempDir
    Path dir;

    @Test
    void theReadmeCommandPrintsOneTokenThatTheNodesVerifierAccepts() throws Exception {
        Map<String, String> env = Map.of("CRIER_AUTH_HMAC_SECRET", SECRET);

        Run run = run(env, README);

        assertEquals(0, run.status(), run.err());
        User user = nodeVerifier(env, null).verify(run.token());
        assertEquals("alice", user.id());
        assertTrue(user.subscribe().allows("chat:lobby"));
        assertFalse(user.subscribe().allows("news"));
        assertTrue(user.publish().allows("chat:lobby"));
        assertEquals(NOW.plus(Duration.ofHours(1)), user.expiresAt());
        assertEquals("token: signed HS256 with auth.hmacSecret for sub alice, valid 1h, until 2030-01-01T01:00:00Z\n",
                run.err());
    }

    @Test
    void theSecretIsItsLiteralUtf8TextNeverDecoded() throws Exception {
        // Looks like base64 and holds non-ASCII letters: it is used as the UTF-8 bytes of the text, as a node uses it.
        String secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0Cg==-Grüße-ÆØÅ";
        Run run = run(Map.of("CRIER_AUTH_HMAC_SECRET", secret), "--sub", "alice");

        assertEquals(0, run.status(), run.err());
        JwtTokenVerifier literal = new JwtTokenVerifier(secret.getBytes(StandardCharsets.UTF_8), CLOCK);
        assertEquals("alice", literal.verify(run.token()).id());
    }

    @Test
    void readsTheSecretAsTheNodeDoesFileFirstThenTheEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("crier.properties"), "auth.hmacSecret=" + SECRET + "\n");
        String fromEnv = "the-environment-wins-over-the-file-0123456789";

        Run fileOnly = run(Map.of(), "--sub", "alice", "--config", file.toString());
        Run both = run(Map.of("CRIER_AUTH_HMAC_SECRET", fromEnv), "--sub", "alice", "--config", file.toString());

        assertEquals("alice", nodeVerifier(Map.of(), file).verify(fileOnly.token()).id());
        assertEquals("alice", nodeVerifier(Map.of("CRIER_AUTH_HMAC_SECRET", fromEnv), file).verify(both.token()).id());
        assertThrows(InvalidTokenException.class, () -> nodeVerifier(Map.of(), file).verify(both.token()));
    }

    @Test
    void withoutASecretOrAKeyItSaysHowToSetOne() {
        Run run = run(Map.of(), "--sub", "alice");

        assertEquals(2, run.status());
        assertEquals("", run.out());
        assertEquals("token: " + TokenTool.NO_SECRET + "\n", run.err());
        assertTrue(run.err().contains("CRIER_AUTH_HMAC_SECRET"), run.err());
    }

    @Test
    void reportsEveryProblemAtOnceOneLineEachAndPrintsNoToken() {
        Run run = run(Map.of("CRIER_AUTH_HMAC_SECRET", SECRET), "--sub", " ", "--subscribe", "chat:**", "--ttl", "0",
                "--info", "{name:1}", "--color");

        assertEquals(2, run.status());
        assertEquals("", run.out());
        List<String> lines = run.err().lines().toList();
        assertEquals(5, lines.size(), run.err());
        assertTrue(lines.get(0).startsWith("token: unknown option --color; the options are --sub"), lines.get(0));
        assertTrue(lines.get(1).startsWith("token: --sub: must be 1 to 256 characters"), lines.get(1));
        assertTrue(lines.get(2).startsWith("token: --subscribe: pattern chat:** is neither"), lines.get(2));
        assertTrue(lines.get(3).startsWith("token: --ttl: must be at least 1s"), lines.get(3));
        assertTrue(lines.get(4).startsWith("token: --info: must be one JSON value"), lines.get(4));
    }

    @Test
    void aValueTheLineLacksIsReportedOnce() {
        Run run = run(Map.of("CRIER_AUTH_HMAC_SECRET", SECRET), "--ttl", "soon", "--sub");

        assertEquals(List.of("token: --sub needs a value", "token: --ttl: not a duration: soon (use e.g. 30s, 15m, 1h, 7d)"),
                run.err().lines().toList());
    }

    @Test
    void aConfigurationTheNodeWouldRefuseIsReportedAsTheNodeReportsIt() {
        Run run = run(Map.of("CRIER_AUTH_HMAC_SECRET", "short", "CRIER_NO_SUCH_KEY", "x"), "--sub", "alice");

        assertEquals(2, run.status());
        assertEquals(List.of("token: config: CRIER_NO_SUCH_KEY: unknown environment variable (no such configuration key)",
                "token: config: auth.hmacSecret (CRIER_AUTH_HMAC_SECRET): must be at least 32 bytes (HS256 needs a 256-bit key),"
                        + " got 5 bytes"),
                run.err().lines().toList());
    }

    @Test
    void issuerAndAudienceDefaultToTheNodesAndMustEqualThem() throws Exception {
        Map<String, String> env = Map.of("CRIER_AUTH_HMAC_SECRET", SECRET, "CRIER_AUTH_ISSUER", "https://issuer.example",
                "CRIER_AUTH_AUDIENCE", "crier");

        Run defaulted = run(env, "--sub", "alice");
        Run other = run(env, "--sub", "alice", "--iss", "https://other.example", "--aud", "crier");

        assertEquals("alice", nodeVerifier(env, null).verify(defaulted.token()).id());
        assertEquals(List.of("token: --iss: the node requires https://issuer.example (auth.issuer); leave --iss out"
                + " to use it"), other.err().lines().toList());
    }

    @Test
    void longerHmacAlgorithmsNeedLongerSecrets() throws Exception {
        Map<String, String> env = Map.of("CRIER_AUTH_HMAC_SECRET", SECRET);

        Run hs512 = run(env, "--sub", "alice", "--alg", "HS512");
        Run rs256 = run(env, "--sub", "alice", "--alg", "RS256");
        Run es512 = run(env, "--sub", "alice", "--alg", "ES512");

        assertEquals(List.of("token: --alg: HS512 needs a secret of at least 64 bytes; auth.hmacSecret has 39"),
                hs512.err().lines().toList());
        assertEquals(List.of("token: --alg RS256 needs --key FILE, the private key to sign with"),
                rs256.err().lines().toList());
        assertEquals(List.of("token: --alg: ES512 is not one that nodes verify (HS256, HS384, HS512, RS256, RS384, RS512,"
                + " ES256, ES384)"), es512.err().lines().toList());
    }

    @Test
    void signsWithAPrivateKeyThatTheNodeVerifiesWithItsPublicKeyFile() throws Exception {
        KeyPair keys = TestTokens.ecKeyPair("secp256r1");
        Path key = Files.writeString(dir.resolve("signing.pem"), TestTokens.pem("PRIVATE KEY",
                keys.getPrivate().getEncoded()));
        Path pub = Files.writeString(dir.resolve("signing-public.pem"), TestTokens.publicKeyPem(keys.getPublic()));
        Map<String, String> env = Map.of("CRIER_AUTH_PUBLIC_KEY_FILES", pub.toString());

        Run signed = run(env, "--sub", "bob", "--subscribe", "chat:*", "--key", key.toString());
        Run withHs = run(env, "--sub", "bob", "--key", key.toString(), "--alg", "HS256");
        Run missing = run(env, "--sub", "bob", "--key", dir.resolve("nope.pem").toString());

        assertEquals(0, signed.status(), signed.err());
        assertTrue(signed.err().startsWith("token: signed ES256 with " + key + " for sub bob"), signed.err());
        assertEquals("bob", nodeVerifier(env, null).verify(signed.token()).id());
        assertEquals(List.of("token: --alg HS256 signs with auth.hmacSecret, not with --key: drop one of them"),
                withHs.err().lines().toList());
        assertEquals(List.of("token: --key " + dir.resolve("nope.pem") + ": cannot read it (NoSuchFileException)"),
                missing.err().lines().toList());
    }

    @Test
    void aTokenLongerThanNodesReadIsRefused() {
        String patterns = String.join(",", Collections.nCopies(1200, "chat:room-0123"));

        Run run = run(Map.of("CRIER_AUTH_HMAC_SECRET", SECRET), "--sub", "alice", "--subscribe", patterns);

        assertEquals(2, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("token: the token would be "), run.err());
    }

    @Test
    void helpPrintsTheUsageOnStandardOutput() {
        Run run = run(Map.of(), "--help");

        assertEquals(0, run.status());
        assertEquals(TokenTool.USAGE, run.out());
        assertTrue(run.out().contains("literal UTF-8 bytes"), run.out());
        assertEquals("", run.err());
    }

    @Test
    void theTokenIsNeverWrittenToStandardError() {
        Run run = run(Map.of("CRIER_AUTH_HMAC_SECRET", SECRET), "--sub", "alice", "--info", "{\"name\":\"Alice\"}");

        assertEquals(0, run.status(), run.err());
        assertFalse(run.err().contains(run.token()));
        assertFalse(run.err().contains(run.token().substring(run.token().lastIndexOf('.') + 1)), "not its signature");
        assertFalse(run.err().contains(SECRET));
    }

    private record Run(int status, String out, String err) {
        /** Standard output, which must be exactly one line: the token. */
        String token() {
            List<String> lines = out.lines().toList();
            assertEquals(1, lines.size(), "one line on standard output: " + out + err);
            assertEquals(lines.get(0) + "\n", out);
            return lines.get(0);
        }
    }

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = TokenTool.run(Arrays.copyOf(args, args.length), env, outStream, errStream, CLOCK);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The verifier a node configured by {@code env} and {@code file} builds. */
    private static JwtTokenVerifier nodeVerifier(Map<String, String> env, Path file) {
        return TokenVerifierFactory.create(new ConfigLoader().load(file, env).auth(), CLOCK, new SimpleMeterRegistry());
    }

}
