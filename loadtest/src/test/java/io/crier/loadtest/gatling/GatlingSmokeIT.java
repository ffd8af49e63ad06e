package io.crier.loadtest.gatling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.support.GatewayProcess;
import io.gatling.app.Gatling$;
import io.gatling.javaapi.core.Simulation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs each simulation for a few seconds, with a handful of clients, against one node (its shaded jar, as a
 * process) and a Redis it starts, so that the simulations cannot rot: each run must end with every Gatling
 * assertion met (nothing lost, nothing failed). Latency bounds are loose here: this checks behaviour, not speed.
 * Reports go to {@code target/gatling/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatlingSmokeIT {

    private static final Path RESULTS = Path.of("target", "gatling").toAbsolutePath();

    private RedisServerProcess redis;
    private GatewayProcess node;

    @BeforeAll
    void startRedisAndNode() {
        redis = RedisServerProcess.start();
        node = GatewayProcess.named("gatling-smoke")
                .env("CRIER_REDIS_URI", redis.uri())
                .env("CRIER_AUTH_HMAC_SECRET", new String(TestTokens.secret(), StandardCharsets.UTF_8))
                // A small queue budget, so that a stalled reader is closed after little traffic.
                .env("CRIER_SESSION_MAX_OUTBOUND_QUEUE_BYTES", "262144")
                // Gatling offers permessage-deflate: on this node (leak detection at paranoid, 2 shared cores) deflating
                // every slow-readers publication per fast client made those slow consumers too. This checks behaviour.
                .env("CRIER_COMPRESSION_ENABLED", "false")
                .start();
    }

    @AfterAll
    void stopNodeAndRedis() {
        if (node != null) {
            node.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void connectStormConnectsAuthenticatesAndSubscribesEveryClient() {
        assertRunSucceeds(ConnectStormSimulation.class, Map.of("crier.users", "30", "crier.rate", "60",
                "crier.hold", "1", "crier.topics", "5", "crier.auth", "command", "crier.p99Ms", "10000"));
    }

    @Test
    void broadcastFanoutDeliversEveryPublicationToEverySubscriber() {
        assertRunSucceeds(BroadcastFanoutSimulation.class, Map.of("crier.users", "20", "crier.connectRate", "100",
                "crier.rate", "50", "crier.duration", "2", "crier.latencyBoundMs", "5000", "crier.graceMs", "5000"));
    }

    @Test
    void chatDeliversEveryMembersPublicationsToItsWholeRoom() {
        assertRunSucceeds(ChatSimulation.class, Map.of("crier.users", "12", "crier.roomSize", "4",
                "crier.messages", "4", "crier.intervalMs", "250", "crier.connectRate", "100",
                "crier.latencyBoundMs", "5000", "crier.graceMs", "5000"));
    }

    @Test
    void slowReadersAreDisconnectedWhileFastSubscribersGetEverything() {
        assertRunSucceeds(SlowReadersSimulation.class, Map.of("crier.users", "4", "crier.slowReaders", "2",
                "crier.rate", "300", "crier.duration", "3", "crier.payloadBytes", "4000",
                "crier.latencyBoundMs", "5000", "crier.graceMs", "5000"));
    }

    /** Runs {@code simulation} in this JVM with {@code parameters} (and the node's address) as system properties. */
    private void assertRunSucceeds(Class<? extends Simulation> simulation, Map<String, String> parameters) {
        Map<String, String> all = new HashMap<>(parameters);
        all.put("crier.url", node.wsUri().toString());
        all.put("crier.redisPort", Integer.toString(redis.port()));
        all.put("gatling.data.enableAnalytics", "false");
        Map<String, String> previous = new HashMap<>();
        all.forEach((key, value) -> previous.put(key, System.setProperty(key, value)));
        try {
            int status = Gatling$.MODULE$.fromArgs(new String[] {"-s", simulation.getName(), "-rf", RESULTS.toString(),
                    "-rd", "smoke"});
            assertEquals(0, status, simulation.getSimpleName() + " failed (status " + status + "); its report and"
                    + " the assertion that failed are above, the report under " + RESULTS);
        } finally {
            previous.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
    }
}
