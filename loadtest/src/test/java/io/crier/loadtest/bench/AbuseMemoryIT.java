package io.crier.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.support.GatewayProcess;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node gives back what abusive clients made it take: against a gateway node (its own JVM, with a real
 * redis-server and permessage-deflate on) the abuse mode runs a warm-up round and three rounds of slow readers,
 * command floods, oversized fragmented messages, deflate bombs and oversized handshakes. Every abusive client
 * must be closed with its code, and after every round the node's connections, its heap after a full GC and
 * Netty's direct memory must be back within {@link AbuseReport}'s tolerances of the baseline, with nothing
 * reported by Netty's leak detector (paranoid in every test node). It asserts memory coming back, never speed.
 */
@Timeout(120)
class AbuseMemoryIT {

    @Test
    void heapAfterGcAndNettyDirectMemoryComeBackToTheBaselineAfterEveryRoundOfAbuse() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
             GatewayProcess node = GatewayProcess.named("abuse-memory")
                     .env("CRIER_REDIS_URI", redis.uri())
                     .env("CRIER_AUTH_HMAC_SECRET", new String(TestTokens.secret(), StandardCharsets.UTF_8))
                     .env("CRIER_COMPRESSION_ENABLED", "true")
                     .start()) {
            Bench bench = Bench.of("abuse", "--url=" + node.wsUri(), "--redis=127.0.0.1:" + redis.port(),
                    "--pid=" + node.pid(), "--rounds=3", "--slow-readers=4", "--payload=32768", "--rate=400",
                    "--duration=10s", "--flooders=4", "--oversized=4", "--bombs=4", "--big-headers=50");
            bench.run();
            AbuseReport report = bench.lastAbuse();
            assertNotNull(report, "the abuse run reported");
            List<String> leaks = node.leakReports();
            assertAll(
                    () -> assertEquals(3, report.rounds().size(), "rounds"),
                    () -> assertTrue(report.casesPassed(), "every abusive client closed with its code: "
                            + report.rounds()),
                    () -> assertTrue(report.connectionsBack(), "connections back to the baseline: " + report.rounds()),
                    () -> assertTrue(report.heapBack(), report.verdict().get(0)),
                    () -> assertTrue(report.directBack(), report.verdict().get(1)),
                    () -> assertTrue(leaks.isEmpty(), "Netty's leak detector: " + leaks));
        }
    }
}
