package io.crier.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.support.GatewayProcess;
import io.crier.gateway.support.TestBackend;
import io.crier.gateway.support.TestBackend.Answer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SDK's unit tests ({@code gateway/src/main/js/test/unit/*.test.mjs}: backoff, state machine, protocol
 * handling) under Node's built-in test runner against a real node: one gateway process on a real
 * {@code redis-server}, with history on namespace {@code hist}, presence on {@code room}, 2 s heartbeats and
 * {@code expiring} pushed 10 minutes before a token's expiry (so that a 5-minute token gets it right away).
 * Tokens are minted here with the node's secret and passed in {@code CRIER_IT_*} variables. Namespace {@code calc}
 * has the rpc hook, answered by a real HTTP backend ({@link TestBackend}, in this JVM): {@code calc:echo} with the
 * request it received as the reply's data, {@code calc:nothing} with no data, {@code calc:refuse} with an
 * {@code error} (app code 1042, "not today"). The same backend is the connect hook, which decides by the {@code auth}
 * command's data: {@code {"device":D}} is user {@code device-D}; {@code {"refuse":true}} is refused (1401, "sign in
 * first"); {@code {"short":ID}} is user {@code short-ID} whose session expires 2 s from now the first time that ID
 * asks, and never after (the node's {@code auth.expiryGrace} is 1 s). The tests need no {@code node_modules}. Asserts node's exit code and that the summary counts every expected test as passed.
 */
class SdkUnitIT {

    /** The tests in test/unit/: a run that passes fewer (a file not found, a test skipped) is a failure. */
    private static final int EXPECTED_TESTS = 34;
    /** The server API's key (api.key), for the test that subscribes a session from the server. */
    private static final String API_KEY = "sdk-unit-it-api-key-of-at-least-32-bytes";
    private static final Pattern DEVICE = Pattern.compile("\"device\":\"([a-z0-9-]{1,40})\"");
    private static final Pattern SHORT = Pattern.compile("\"short\":\"([a-z0-9-]{1,40})\"");
    private static final String SECRET = "sdk-unit-it-secret-of-at-least-32-bytes!";
    private static final List<String> TOPICS = List.of("sdk:*", "hist:*", "room:*");
    private static final Path JS = Path.of("src/main/js").toAbsolutePath();
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theSdkPassesEveryUnitTestAgainstARealNode() throws IOException {
        assertTrue(Files.isRegularFile(JS.resolve("crier.js")), "no crier.js in " + JS);
        NodeTestRun.Result result;
        try (TestBackend backend = backend();
             RedisServerProcess redis = RedisServerProcess.start();
             GatewayProcess node = node(redis, backend)) {
            result = NodeTestRun.run(JS, List.of("--experimental-websocket"), testFiles(), environment(node),
                    node.log().getParent().resolve("sdk-unit-tests.tap"), RUN_TIMEOUT);
        }
        assertEquals(0, result.exitCode(), "node --test failed; its output is above, marked [node]");
        assertEquals(EXPECTED_TESTS, result.count("pass"), "passed tests in the summary " + result.counts());
        assertEquals(0, result.count("fail"), "failed tests in the summary " + result.counts());
    }

    /** The rpc hook of namespace calc and the connect hook: what each answers is in the class comment. */
    private static TestBackend backend() throws IOException {
        TestBackend backend = TestBackend.start();
        Set<String> shortSeen = ConcurrentHashMap.newKeySet();
        backend.on("/connect", request -> {
            Matcher device = DEVICE.matcher(request.body());
            Matcher once = SHORT.matcher(request.body());
            if (device.find()) {
                return new Answer.Json("{\"result\":{\"user\":\"device-" + device.group(1) + "\","
                        + "\"subscribe\":[\"sdk:*\"],\"publish\":[\"sdk:*\"]}}");
            }
            if (once.find()) {
                String expiry = shortSeen.add(once.group(1))
                        ? ",\"expireAt\":" + (Instant.now().getEpochSecond() + 2) : "";
                return new Answer.Json("{\"result\":{\"user\":\"short-" + once.group(1) + "\"" + expiry + "}}");
            }
            return new Answer.Json("{\"error\":{\"code\":1401,\"message\":\"sign in first\"}}");
        });
        backend.on("/rpc", request -> request.body().contains("\"method\":\"calc:refuse\"")
                ? new Answer.Json("{\"error\":{\"code\":1042,\"message\":\"not today\"}}")
                : request.body().contains("\"method\":\"calc:nothing\"") ? new Answer.Json("{\"result\":{}}")
                : new Answer.Json("{\"result\":{\"data\":{\"request\":" + request.body() + "}}}"));
        return backend;
    }

    private static GatewayProcess node(RedisServerProcess redis, TestBackend backend) {
        return GatewayProcess.named("sdk-unit")
                .env("CRIER_AUTH_HMAC_SECRET", SECRET)
                .env("CRIER_API_KEY", API_KEY)
                .env("CRIER_REDIS_URI", redis.uri())
                .env("CRIER_SESSION_HEARTBEAT", "2s")
                .env("CRIER_AUTH_EXPIRY_WARNING", "10m")
                .property("namespace.hist.historySize", "100")
                .property("namespace.hist.historyCommand", "true")
                .property("namespace.room.presence", "full")
                .property("namespace.room.joinLeave", "true")
                // Server-side subscriptions: each session's own me:<sub>; a token-less auth asks the connect hook.
                .property("namespace.me.personal", "true")
                .property("namespace.me.autoSubscribe", "true")
                .env("CRIER_PROXY_CONNECT_URL", backend.url("/connect"))
                .env("CRIER_AUTH_EXPIRY_GRACE", "1s")
                .env("CRIER_PROXY_RPC_URL", backend.url("/rpc"))
                .property("namespace.calc.proxyRpc", "on")
                .start();
    }

    private static Map<String, String> environment(GatewayProcess node) {
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        return Map.of(
                "CRIER_IT_URL", node.wsUri().toString(),
                "CRIER_IT_TOKEN_ALICE", TestTokens.hs256(secret, "alice", TOPICS, TOPICS, Duration.ofHours(1)),
                "CRIER_IT_TOKEN_BOB", TestTokens.hs256(secret, "bob", TOPICS, TOPICS, Duration.ofHours(1)),
                "CRIER_IT_TOKEN_CAROL", TestTokens.hs256Payload(secret, "{\"sub\":\"carol\",\"exp\":"
                        + (Instant.now().getEpochSecond() + 3600) + ",\"subscribe\":[\"sdk:*\",\"hist:*\"],"
                        + "\"publish\":[\"sdk:*\",\"hist:*\"],\"topics\":[\"hist:srv-feed\",\"sdk:srv-orders\"]}"),
                // Inside the node's 10-minute expiry warning: `expiring` comes right after `welcome`.
                "CRIER_IT_TOKEN_ALICE_SHORT", TestTokens.hs256(secret, "alice", TOPICS, TOPICS, Duration.ofMinutes(5)),
                // Past the node's clock leeway (5 s): auth with it closes 4004 token_expired.
                "CRIER_IT_TOKEN_ALICE_EXPIRED", TestTokens.hs256(secret, "alice", TOPICS, TOPICS, Duration.ofMinutes(-10)),
                // dave: only the server API test's user, so that no other test's sessions share its counts.
                "CRIER_IT_TOKEN_DAVE", TestTokens.hs256(secret, "dave", TOPICS, TOPICS, Duration.ofHours(1)),
                "CRIER_IT_API", node.baseUrl() + " " + API_KEY,
                "NO_COLOR", "1");
    }

    private static List<Path> testFiles() throws IOException {
        try (Stream<Path> files = Files.list(JS.resolve("test/unit"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".test.mjs")).sorted().toList();
        }
    }
}
