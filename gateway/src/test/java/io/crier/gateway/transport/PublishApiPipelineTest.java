package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.memory.InMemoryHistoryStore;
import io.crier.gateway.auth.BearerKey;
import io.crier.gateway.hub.PublishRoute;
import io.crier.gateway.publish.PublishService;
import io.crier.protocol.PublicationCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The HTTP publish API in the node's whole pipeline: {@code http-api} sits right after {@code http-codec}
 * when {@code api.key} is set (and is absent otherwise, so the route is a 404), serves the API on the same
 * connections as the other routes, and leaves with the WebSocket upgrade.
 */
class PublishApiPipelineTest {

    private static final String KEY = "pipeline-test-api-key-of-32-bytes-or-more";

    @Test
    void putsHttpApiRightAfterTheHttpCodecWhenTheKeyIsSet() {
        try (TestNode node = TestNode.create(); InMemoryHistoryStore history = new InMemoryHistoryStore(node.broker)) {
            EmbeddedChannel channel = new EmbeddedChannel(withApi(node, history));
            List<String> names = channel.pipeline().names();
            assertEquals(List.of(PipelineNames.CLOSE_LINGER, PipelineNames.TELEMETRY, PipelineNames.HTTP_CODEC,
                    PipelineNames.HTTP_API, PipelineNames.HANDSHAKE_LIMITS), names.subList(0, 5));
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void servesTheApiAndTheOtherRoutesOnTheSamePipeline() {
        try (TestNode node = TestNode.create(); InMemoryHistoryStore history = new InMemoryHistoryStore(node.broker)) {
            EmbeddedChannel health = new EmbeddedChannel(withApi(node, history));
            assertTrue(exchange(health, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200 OK"));
            health.finishAndReleaseAll();

            EmbeddedChannel api = new EmbeddedChannel(withApi(node, history));
            String body = "{\"topic\":\"news\",\"data\":1}";
            String response = exchange(api, "POST /api/v1/publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            assertTrue(response.startsWith("HTTP/1.1 200 OK"), response);
            assertTrue(response.endsWith("\r\n\r\n{}"), response);
            api.finishAndReleaseAll();
        }
    }

    @Test
    void theRouteDoesNotExistWithoutAKey() {
        try (TestNode node = TestNode.create(Map.of())) {
            EmbeddedChannel channel = node.connection();
            assertFalse(channel.pipeline().names().contains(PipelineNames.HTTP_API));
            String response = exchange(channel, "POST /api/v1/publish HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
            assertTrue(response.startsWith("HTTP/1.1 404"), response);
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void leavesWithTheWebSocketUpgrade() {
        try (TestNode node = TestNode.create(); InMemoryHistoryStore history = new InMemoryHistoryStore(node.broker)) {
            EmbeddedChannel channel = new EmbeddedChannel(withApi(node, history));
            try (WireClient client = new WireClient(channel)) {
                client.upgrade();
                assertFalse(channel.pipeline().names().contains(PipelineNames.HTTP_API));
            }
            channel.finishAndReleaseAll();
        }
    }

    private static GatewayChannelInitializer withApi(TestNode node, InMemoryHistoryStore history) {
        PublishApiEndpoint api = new PublishApiEndpoint(new BearerKey(KEY.getBytes(StandardCharsets.UTF_8)),
                node.config.limits().maxDataBytes(), node.config.api().maxBatch(),
                new PublishService(new PublishRoute(node.broker, new PublicationCodec(), history, topic -> null)),
                node.meters);
        SharedHandlers shared = TestHandlers.shared(node.shared.routes(), node.shared.guard(), node.shared.envelopes(),
                node.shared.exceptions(), api);
        return new GatewayChannelInitializer(node.config, shared, node.verifier, node.sessions, node.disconnector,
                node.channels, node.limits);
    }

    private static String exchange(EmbeddedChannel channel, String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.UTF_8));
        StringBuilder text = new StringBuilder();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf bytes = (ByteBuf) out;
            text.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.release();
        }
        return text.toString();
    }
}
