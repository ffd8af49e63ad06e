package io.crier.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisClusterSet;
import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.support.GatewayProcess;
import io.crier.loadtest.yardstick.YardstickNode;
import io.crier.loadtest.yardstick.YardstickTransport;
import io.netty.channel.uring.IoUring;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keeps the benchmark from rotting: a short fixed-rate run of 50 connections against the yardstick and against a
 * gateway node (each started here, with a real redis-server; each on epoll and on io_uring), checking that every client got every publication
 * exactly once and in order, and a short redis-mode run on a Redis Cluster of 3 primaries (SPUBLISH to each slot's
 * primary, SSUBSCRIBE there), and two short connect rounds against the yardstick. It asserts delivery, never speed.
 */
@Timeout(60)
class BenchSmokeIT {

    private static final int CLIENTS = 50;
    private static RedisServerProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void yardstickDeliversEveryPublicationToEveryClientOnceInOrder() throws Exception {
        try (YardstickNode yardstick = yardstick(YardstickTransport.named("epoll"))) {
            assertEverythingDelivered(runFixed(yardstick.port()));
        }
    }

    @Test
    void yardstickOnIoUringDeliversEveryPublicationToEveryClientOnceInOrder() throws Exception {
        if (!IoUring.isAvailable()) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> YardstickTransport.named("io_uring"));
            assertTrue(refused.getMessage().startsWith("io_uring is not available: "), refused.getMessage());
            return;
        }
        try (YardstickNode yardstick = yardstick(YardstickTransport.named("io_uring"))) {
            assertEverythingDelivered(runFixed(yardstick.port()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "io_uring"})
    void gatewayDeliversEveryPublicationToEveryClientOnceInOrder(String transport) throws Exception {
        try (GatewayProcess node = GatewayProcess.named("bench-smoke-" + transport.replace('_', '-'))
                .env("CRIER_REDIS_URI", redis.uri())
                .env("CRIER_AUTH_HMAC_SECRET", new String(TestTokens.secret(), StandardCharsets.UTF_8))
                .env("CRIER_SERVER_TRANSPORT", transport)
                .start()) {
            assertEverythingDelivered(runFixed(node.port()));
        }
    }

    @Test
    void gatewayDeliversPublicationsCompressedOnceToClientsThatOfferDeflate() throws Exception {
        try (GatewayProcess node = GatewayProcess.named("bench-smoke-deflate")
                .env("CRIER_REDIS_URI", redis.uri())
                .env("CRIER_AUTH_HMAC_SECRET", new String(TestTokens.secret(), StandardCharsets.UTF_8))
                .env("CRIER_COMPRESSION_ENABLED", "true")
                .start()) {
            Bench bench = Bench.of("fixed", "--url=ws://127.0.0.1:" + node.port() + "/ws",
                    "--redis=127.0.0.1:" + redis.port(), "--connections=" + CLIENTS, "--topics=1", "--rate=50",
                    "--duration=2s", "--warmup=0s", "--sources=4", "--threads=1", "--connect-timeout=20s",
                    "--payload=2048", "--deflate=true");
            bench.run();
            assertEverythingDelivered(bench);
        }
    }

    private static YardstickNode yardstick(YardstickTransport transport) throws InterruptedException {
        return YardstickNode.start("smoke", TestTokens.secret(), "127.0.0.1", redis.port(), "crier:",
                new YardstickNode.Listener(0, 2, transport));
    }

    @Test
    void connectModeOpensAndClosesEveryConnectionInEachRound() throws Exception {
        try (YardstickNode yardstick = yardstick(YardstickTransport.named("epoll"))) {
            Bench bench = Bench.of("connect", "--url=ws://127.0.0.1:" + yardstick.port() + "/ws",
                    "--connections=" + CLIENTS, "--connect-rounds=2", "--concurrency=10", "--sources=4",
                    "--threads=1", "--connect-timeout=20s", "--pid=" + ProcessHandle.current().pid());
            assertEquals(0, bench.run(), "every connection ready in both rounds");
        }
    }

    @Test
    void redisModeDeliversEveryShardedPublicationToEverySubscriberOfAClusterOnce() throws Exception {
        try (RedisClusterSet cluster = RedisClusterSet.start(3, 0)) {
            String seeds = cluster.seedUri().substring("redis://".length());
            Bench bench = Bench.of("redis", "--redis=" + seeds, "--redis-mode=cluster", "--topics=30",
                    "--subscribers=2", "--rate=300", "--duration=1s", "--warmup=0s");
            assertEquals(0, bench.run(), "every SPUBLISH reached both subscribers, no error");
        }
    }

    private static Bench runFixed(int port) throws Exception {
        Bench bench = Bench.of("fixed", "--url=ws://127.0.0.1:" + port + "/ws", "--redis=127.0.0.1:" + redis.port(),
                "--connections=" + CLIENTS, "--topics=1", "--rate=50", "--duration=2s", "--warmup=0s",
                "--sources=4", "--threads=1", "--connect-timeout=20s");
        bench.run();
        return bench;
    }

    private static void assertEverythingDelivered(Bench bench) {
        ClientFleet.ConnectResult connected = bench.lastConnect();
        StepResult step = bench.lastStep();
        assertAll(
                () -> assertEquals(CLIENTS, connected.ready(), "connected clients, failures " + connected.failures()),
                () -> assertTrue(step.sent() > 0, "publications sent"),
                () -> assertEquals(step.sent() * CLIENTS, step.received(), "deliveries: every client, every one"),
                () -> assertEquals(step.sent() * CLIENTS, step.totals().distinct, "distinct deliveries"),
                () -> assertEquals(0, step.totals().lost, "lost"),
                () -> assertEquals(0, step.totals().duplicates, "duplicated"),
                () -> assertEquals(0, step.totals().outOfOrder, "out of order"),
                () -> assertEquals(0, step.totals().foreign, "foreign"),
                () -> assertEquals(0, step.noReceiver(), "PUBLISH with no subscriber"),
                () -> assertTrue(step.closes().isEmpty(), "connections closed by the server " + step.closes()));
    }
}
