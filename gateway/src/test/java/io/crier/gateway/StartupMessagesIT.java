package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisSentinelSet;
import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.support.GatewayProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a newcomer reads when a start goes wrong, from the real jar: a mistaken flag names itself and the variable
 * that would set what it meant; a bad setting from the environment names its variable; a Redis that is not there
 * yet is named once, with its address and the fact that the node retries, and its arrival is named too; a
 * Redis in the wrong mode (a sentinel that does not know the master's name, a sentinel where a data node is
 * expected) is named at once and the node stays unready.
 */
class StartupMessagesIT {

    @Test
    void aMistakenFlagNamesItselfAndTheVariableThatWouldSetIt() throws Exception {
        GatewayProcess.Run run = GatewayProcess.runToExit(List.of("--port", "9000"), Map.of());
        assertEquals(2, run.status(), run.output());
        assertTrue(run.output().startsWith("unknown argument --port: the node takes only --config FILE. To set"
                + " server.port or tls.port, use CRIER_SERVER_PORT=... or CRIER_TLS_PORT=..."), run.output());
        assertTrue(run.output().contains("usage: java -jar crier-gateway.jar [--config FILE]"), run.output());

        GatewayProcess.Run help = GatewayProcess.runToExit(List.of("--help"), Map.of());
        assertEquals(0, help.status(), help.output());
        assertTrue(help.output().contains("CRIER_SERVER_PORT"), help.output());
    }

    @Test
    void aBadSettingFromTheEnvironmentNamesItsVariable() throws Exception {
        GatewayProcess.Run run = GatewayProcess.runToExit(List.of(), Map.of("CRIER_SERVER_PORT", "70000",
                "CRIER_SESSION_HEARTBEAT", "5x"));
        assertEquals(2, run.status(), run.output());
        assertEquals("""
                invalid configuration:
                  server.port (CRIER_SERVER_PORT): must be 0..65535, got 70000
                  session.heartbeat (CRIER_SESSION_HEARTBEAT): not a duration: 5x (use e.g. 250ms, 5s, 2m, 1h, 30d)
                """, run.output());
    }

    @Test
    void aRedisThatIsNotThereYetIsNamedOnceWithItsAddressAndItsArrivalToo() throws Exception {
        int port = freePort();
        try (GatewayProcess node = GatewayProcess.named("redis-later")
                .env("CRIER_REDIS_URI", "redis://127.0.0.1:" + port)
                .env("CRIER_REDIS_RECONNECT_MIN_DELAY", "50ms")
                .env("CRIER_REDIS_RECONNECT_MAX_DELAY", "500ms")
                .startListening()) {
            String expected = "Redis at 127.0.0.1:" + port + " is not reachable (Connection refused): the node runs"
                    + " anyway, retries in the background, and answers /readyz with 503 until it connects";
            await().atMost(Duration.ofSeconds(10)).until(() -> log(node).contains(expected));
            try (RedisServerProcess redis = RedisServerProcess.startOn(port)) {
                await().atMost(Duration.ofSeconds(15)).until(() -> log(node).contains(
                        "Connected to Redis at 127.0.0.1:" + port));
            }
            String log = log(node);
            assertEquals(1, log.split(" is not reachable ", -1).length - 1, "named once:\n" + log);
            assertFalse(log.contains("<unresolved>"), log);
            assertFalse(log.contains("DISCONNECTED"), log);
            assertFalse(log.contains("io_uring"), "no warning about native transports");
        }
    }

    @Test
    void aSentinelThatDoesNotKnowTheMasterAndASentinelGivenAsRedisAreNamedAndTheNodeStaysUnready() throws Exception {
        try (RedisSentinelSet sentinels = RedisSentinelSet.start()) {
            RedisServerProcess sentinel = sentinels.sentinels().get(0);
            String wrongName = "redis-sentinel://127.0.0.1:" + sentinel.port() + "#not-" + RedisSentinelSet.MASTER;
            try (GatewayProcess unknownMaster = GatewayProcess.named("no-master").env("CRIER_REDIS_URI", wrongName)
                    .startListening();
                 GatewayProcess sentinelAsRedis = GatewayProcess.named("sentinel-as-redis")
                         .env("CRIER_REDIS_URI", sentinel.uri()).startListening()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> log(unknownMaster).contains("the sentinels at"
                        + " 127.0.0.1:" + sentinel.port() + " do not know a master named 'not-" + RedisSentinelSet.MASTER
                        + "' (SENTINEL get-master-addr-by-name answered nothing): check the name after # in redis.uri:"
                        + " the node runs anyway, retries in the background, and answers /readyz with 503 until it"
                        + " connects"));
                await().atMost(Duration.ofSeconds(10)).until(() -> log(sentinelAsRedis).contains("Redis at 127.0.0.1:"
                        + sentinel.port() + " cannot serve: it is a Sentinel, not a Redis data node: name the sentinels"
                        + " with redis-sentinel://host:26379,host2:26379#master (or rediss-sentinel:// for TLS)"));
                // The sentinel takes SUBSCRIBE, so the broker connects: readiness needs the history store too.
                assertTrue(log(sentinelAsRedis).contains("Connected to Redis at 127.0.0.1:" + sentinel.port()));
                assertEquals(503, readyz(unknownMaster));
                assertEquals(503, readyz(sentinelAsRedis));
            }
        }
    }

    private static int readyz(GatewayProcess node) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/readyz")).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String log(GatewayProcess node) throws IOException {
        return Files.readString(node.log(), StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
