package io.crier.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.GatewayServer;
import io.crier.gateway.config.ConfigLoader;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.WsTestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/bin/token} run as a process, the way the README shows it, from the checkout's root: the one line it
 * prints is a token that a live node configured with the same secret (or with the public keys of the private keys
 * it signed with, made by {@code openssl} as an operator makes them) welcomes, with exactly the rights asked for;
 * bad input exits 2 with its messages and prints no token.
 */
class TokenScriptIT {

    /** The README's token command, read from README.md, so that the test and the page cannot part. */
    static final String README_COMMAND = readmeCommand("deploy/bin/token --sub alice ");

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    private static final String JWT = "[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+";

    @TempDir
    Path tmp;

    /**
     * The script builds the jar when a source is newer; here the jar is the one this build just packaged, and a
     * Maven build inside the test would race it: say so instead.
     */
    @BeforeAll
    static void theJarIsNewerThanEverySource() throws IOException {
        Path root = root();
        FileTime jar = Files.getLastModifiedTime(root.resolve("gateway/target/crier-gateway.jar"));
        Optional<Path> newer = Optional.empty();
        for (String top : List.of("pom.xml", "protocol", "cluster", "gateway")) {
            try (Stream<Path> files = Files.walk(root.resolve(top))) {
                newer = newer.or(() -> files.filter(f -> !f.toString().contains("/target/")
                        && !f.toString().contains("/node_modules/") && Files.isRegularFile(f))
                        .filter(f -> modified(f).compareTo(jar) > 0).findFirst());
            }
        }
        assertEquals(Optional.empty(), newer, "a source is newer than gateway/target/crier-gateway.jar, so"
                + " deploy/bin/token would rebuild it during the test: run the test with mvn verify");
    }

    @Test
    void theReadmeCommandPrintsOneTokenThatANodeWithTheSameSecretWelcomesWithTheRightsAsked() throws Exception {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String secret = HexFormat.of().formatHex(random);

        Result run = sh("CRIER_AUTH_HMAC_SECRET=" + secret + " " + README_COMMAND);

        String token = run.token();
        assertTrue(run.err().contains("token: signed HS256 with auth.hmacSecret for sub alice, valid 1h"), run.err());
        assertFalse(run.err().contains(token), "the token is printed on standard output only");
        GatewayServer node = GatewayServer.start(new ConfigLoader().load(null, Map.of("CRIER_SERVER_PORT", "0",
                "CRIER_NODE_ID", "token-script-it", "CRIER_AUTH_HMAC_SECRET", secret)));
        try (WsTestClient client = welcomed(node, token, "alice")) {
            client.send(ClientCommands.subscribe(2, "chat:lobby"));
            assertEquals("{\"type\":\"ok\",\"id\":2}", client.awaitContaining("\"id\":2"));
            client.send(ClientCommands.subscribe(3, "news"));
            assertTrue(client.awaitContaining("\"id\":3").startsWith("{\"type\":\"error\",\"id\":3,\"code\":\"forbidden\""));
            client.send(ClientCommands.publish(4, "chat:lobby", "{\"text\":\"hi\"}"));
            assertEquals("{\"type\":\"message\",\"topic\":\"chat:lobby\",\"data\":{\"text\":\"hi\"}}",
                    client.awaitContaining("\"type\":\"message\""));
            client.send(ClientCommands.publish(5, "news", "1"));
            assertTrue(client.awaitContaining("\"id\":5").startsWith("{\"type\":\"error\",\"id\":5,\"code\":\"forbidden\""));
        } finally {
            node.close();
        }
    }

    @Test
    void privateKeysMadeWithOpensslSignTokensThatANodeWithTheirPublicKeysWelcomes() throws Exception {
        Path rsa = tmp.resolve("signing-rsa.pem");
        Path ec = tmp.resolve("signing-ec.pem");
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsa.toString());
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ec.toString());
        Path rsaPublic = tmp.resolve("crier-rsa.pem");
        Path ecPublic = tmp.resolve("crier-ec.pem");
        openssl("pkey", "-in", rsa.toString(), "-pubout", "-out", rsaPublic.toString());
        openssl("pkey", "-in", ec.toString(), "-pubout", "-out", ecPublic.toString());

        String rs256 = sh("deploy/bin/token --sub bob --subscribe 'chat:*' --key " + rsa + " --alg RS256").token();
        String es256 = sh("deploy/bin/token --sub carol --subscribe 'chat:*' --key " + ec + " --kid crier-ec").token();

        GatewayServer node = GatewayServer.start(new ConfigLoader().load(null, Map.of("CRIER_SERVER_PORT", "0",
                "CRIER_NODE_ID", "token-script-keys-it", "CRIER_AUTH_PUBLIC_KEY_FILES", rsaPublic + "," + ecPublic)));
        try {
            for (String[] userToken : List.of(new String[] {"bob", rs256}, new String[] {"carol", es256})) {
                try (WsTestClient client = welcomed(node, userToken[1], userToken[0])) {
                    client.send(ClientCommands.subscribe(2, "chat:lobby"));
                    assertEquals("{\"type\":\"ok\",\"id\":2}", client.awaitContaining("\"id\":2"));
                }
            }
        } finally {
            node.close();
        }
    }

    @Test
    void badInputExitsTwoWithOneLineEachAndPrintsNoToken() throws Exception {
        Result bad = sh("CRIER_AUTH_HMAC_SECRET=token-script-it-0123456789abcdef0123 deploy/bin/token --sub alice"
                + " --subscribe 'chat:**' --ttl 0 --bogus");
        Result noSecret = sh("deploy/bin/token --sub alice");

        assertEquals(2, bad.exitCode(), bad.err());
        assertEquals("", bad.out());
        List<String> lines = bad.err().lines().toList();
        assertEquals(3, lines.size(), bad.err());
        assertTrue(lines.get(0).startsWith("token: unknown option --bogus; the options are --sub"), lines.get(0));
        assertTrue(lines.get(1).startsWith("token: --subscribe: pattern chat:** is neither"), lines.get(1));
        assertEquals("token: --ttl: must be at least 1s: a token with no lifetime has expired when it is made",
                lines.get(2));
        assertEquals(2, noSecret.exitCode(), noSecret.err());
        assertEquals("", noSecret.out());
        assertTrue(noSecret.err().startsWith("token: no key to sign with: auth.hmacSecret is not set. Set it as the"
                + " node's is set (CRIER_AUTH_HMAC_SECRET"), noSecret.err());
    }

    private static WsTestClient welcomed(GatewayServer node, String token, String user) throws Exception {
        WsTestClient client = WsTestClient.connect(URI.create(node.webSocketUrl()));
        client.send(ClientCommands.auth(1, token));
        String welcome = client.awaitContaining("\"type\":\"welcome\"");
        assertTrue(welcome.contains("\"user\":\"" + user + "\""), welcome);
        assertEquals("{\"type\":\"ok\",\"id\":1}", client.awaitContaining("\"id\":1"));
        return client;
    }

    private record Result(int exitCode, String out, String err) {
        /** Standard output of a run that succeeded: exactly one line, a JWT. */
        String token() {
            assertEquals(0, exitCode, err);
            assertTrue(out.matches(JWT + "\n"), "one line, the token, on standard output: " + out);
            return out.strip();
        }
    }

    /** Runs {@code command} with bash in the checkout's root, with no CRIER_* variable but those it sets itself. */
    private Result sh(String command) throws Exception {
        Path out = Files.createTempFile(tmp, "stdout-", ".txt");
        Path err = Files.createTempFile(tmp, "stderr-", ".txt");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(root().toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("CRIER_"));
        Process process = builder.start();
        if (!process.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not end within " + RUN_TIMEOUT);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private void openssl(String... args) throws Exception {
        List<String> command = Stream.concat(Stream.of("openssl"), Stream.of(args)).toList();
        Path log = Files.createTempFile(tmp, "openssl-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not end within " + RUN_TIMEOUT);
        }
        assertEquals(0, process.exitValue(), command + " (is openssl installed? deploy/bin/test installs it): "
                + Files.readString(log, StandardCharsets.UTF_8));
    }

    /** The checkout's root: the folder that holds deploy/. */
    private static Path root() {
        return DeployTree.deployDir().getParent();
    }

    /** The one line of a README code block that starts with {@code prefix}. */
    static String readmeCommand(String prefix) {
        try {
            List<String> lines = Files.readAllLines(root().resolve("README.md"), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith(prefix)).toList();
            assertEquals(1, lines.size(), "one README line starts with " + prefix + ": " + lines);
            return lines.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
