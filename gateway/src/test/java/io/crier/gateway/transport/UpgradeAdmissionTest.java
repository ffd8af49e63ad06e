package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.limits.ConnectionLimiter;
import io.crier.protocol.ClientCommands;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Origin and connection limits on the whole pipeline: refusals before the upgrade with their HTTP status,
 * the first-frame per-user limit as close 4005, and exact counters once connections close.
 */
class UpgradeAdmissionTest {

    @Test
    void refusesAForeignOriginWith403BeforeTheUpgrade() {
        try (TestNode node = TestNode.create()) {
            EmbeddedChannel channel = node.connection();
            try (WireClient client = new WireClient(channel)) {
                String response = client.upgrade("/ws", "Origin: https://evil.example\r\n");
                assertTrue(response.startsWith("HTTP/1.1 403"), response);
                assertFalse(channel.isOpen());
            }
            assertEquals(1.0, refused(node, "origin"));
            assertEquals(0, node.limits.connections().connections());
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void allowsTheSameOriginAndClientsThatSendNoOrigin() {
        try (TestNode node = TestNode.create()) {
            assertUpgrades(node, "Origin: http://localhost\r\n");
            assertUpgrades(node, "");
            assertEquals(0.0, refused(node, "origin"));
        }
    }

    @Test
    void allowsOnlyTheConfiguredOriginsWhenThereAreSome() {
        try (TestNode node = TestNode.create(Map.of("CRIER_SERVER_ALLOWED_ORIGINS", "https://app.example.com"))) {
            assertUpgrades(node, "Origin: https://app.example.com\r\n");
            assertRefused(node, "Origin: http://localhost\r\n", "403");
        }
    }

    @Test
    void refusesUpgradesWith503WhileTheNodeIsFullAndAdmitsAgainOnceASlotIsFree() {
        try (TestNode node = TestNode.create(Map.of("CRIER_LIMITS_MAX_CONNECTIONS", "2"))) {
            EmbeddedChannel first = upgraded(node, "");
            EmbeddedChannel second = upgraded(node, "");
            assertRefused(node, "", "503");
            assertEquals(1.0, refused(node, "node_full"));
            first.finishAndReleaseAll();
            EmbeddedChannel third = upgraded(node, "");
            assertEquals(2, node.limits.connections().connections());
            second.finishAndReleaseAll();
            third.finishAndReleaseAll();
            assertEquals(0, node.limits.connections().connections());
        }
    }

    @Test
    void refusesTheConnectionPastThePerIpLimitWith429() {
        try (TestNode node = TestNode.create(Map.of("CRIER_LIMITS_MAX_CONNECTIONS_PER_IP", "1"))) {
            EmbeddedChannel first = upgraded(node, "");
            assertRefused(node, "", "429");
            assertEquals(1.0, refused(node, "ip_limit"));
            first.finishAndReleaseAll();
        }
    }

    @Test
    void refusesABearerUserPastItsLimitWith429BeforeTheUpgrade() {
        try (TestNode node = TestNode.create(Map.of("CRIER_LIMITS_MAX_CONNECTIONS_PER_USER", "1"))) {
            String alice = "Authorization: Bearer " + TestNode.token("alice") + "\r\n";
            EmbeddedChannel first = upgraded(node, alice);
            assertRefused(node, alice, "429");
            assertEquals(1.0, refused(node, "user_limit"));
            EmbeddedChannel bob = upgraded(node, "Authorization: Bearer " + TestNode.token("bob") + "\r\n");
            assertEquals(1, node.limits.connections().connectionsOfUser("alice"));
            first.finishAndReleaseAll();
            bob.finishAndReleaseAll();
        }
    }

    @Test
    void closesAFirstFrameUserPastItsLimitWithTheDisconnectPushThen4005() {
        try (TestNode node = TestNode.create(Map.of("CRIER_LIMITS_MAX_CONNECTIONS_PER_USER", "1"))) {
            EmbeddedChannel first = upgraded(node, "Authorization: Bearer " + TestNode.token("alice") + "\r\n");
            EmbeddedChannel second = node.connection();
            try (WireClient client = new WireClient(second)) {
                client.upgrade();
                client.sendText(ClientCommands.auth(1, TestNode.token("alice")));
                List<WireClient.Frame> frames = client.receive();
                assertEquals(2, frames.size(), frames.toString());
                assertTrue(frames.get(0).text().contains("\"type\":\"disconnect\""), frames.get(0).text());
                assertTrue(frames.get(0).text().contains("\"code\":4005"), frames.get(0).text());
                assertEquals(WireClient.Frame.CLOSE, frames.get(1).opcode());
                assertEquals(4005, frames.get(1).closeCode());
                assertEquals("connection_limit", frames.get(1).closeReason());
            }
            assertFalse(second.isOpen());
            assertEquals(1.0, node.meters.counter("crier.disconnects", "reason", "connection_limit").count());
            assertEquals(1, node.sessions.openSessions(), "only the first session is open");
            second.finishAndReleaseAll();
            first.finishAndReleaseAll();
        }
    }

    @Test
    void everyCounterIsBackToZeroAfterManyConnectionsOpenAndClose() {
        try (TestNode node = TestNode.create()) {
            List<EmbeddedChannel> open = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                String header = i % 3 == 0 ? "Authorization: Bearer " + TestNode.token("user-" + i % 7) + "\r\n" : "";
                EmbeddedChannel channel = upgraded(node, header);
                if (i % 3 == 1) {
                    try (WireClient client = new WireClient(channel)) {
                        client.sendText(ClientCommands.auth(1, TestNode.token("u" + i % 5)));
                        client.receive();
                    }
                }
                open.add(channel);
            }
            ConnectionLimiter limiter = node.limits.connections();
            assertEquals(60, limiter.connections());
            assertEquals(7 + 5, limiter.trackedUsers());
            for (EmbeddedChannel channel : open) {
                channel.close();
                channel.close();
                channel.finishAndReleaseAll();
            }
            assertEquals(0, limiter.connections());
            assertEquals(0, limiter.trackedIps());
            assertEquals(0, limiter.trackedUsers());
            assertEquals(0.0, node.meters.get("crier.limits.connections").gauge().value());
        }
    }

    private static EmbeddedChannel upgraded(TestNode node, String headers) {
        EmbeddedChannel channel = node.connection();
        try (WireClient client = new WireClient(channel)) {
            String response = client.upgrade("/ws", headers);
            assertTrue(response.startsWith("HTTP/1.1 101"), response);
        }
        assertEquals(null, channel.pipeline().get(PipelineNames.ADMISSION), "admission removes itself");
        return channel;
    }

    private static void assertUpgrades(TestNode node, String headers) {
        upgraded(node, headers).finishAndReleaseAll();
    }

    private static void assertRefused(TestNode node, String headers, String status) {
        EmbeddedChannel channel = node.connection();
        try (WireClient client = new WireClient(channel)) {
            String response = client.upgrade("/ws", headers);
            assertTrue(response.startsWith("HTTP/1.1 " + status), response);
            assertFalse(channel.isOpen(), "closed after the refusal");
        }
        channel.finishAndReleaseAll();
    }

    private static double refused(TestNode node, String reason) {
        return node.meters.counter("crier.handshakes.refused", "reason", reason).count();
    }
}
