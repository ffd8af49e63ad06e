package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.config.TlsConfig;
import io.crier.protocol.ClientCommands;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pipeline is the map of the server: its handler names, in order, before and after the upgrade. */
class PipelineOrderTest {

    @Test
    void initializerBuildsTheDocumentedPipelineBeforeTheUpgrade() {
        try (TestNode node = TestNode.create(Map.of("CRIER_COMPRESSION_ENABLED", "true"))) {
            EmbeddedChannel channel = node.connection();
            assertEquals(PipelineNames.INITIAL_ORDER, ours(channel));
            assertEquals(List.of(
                    PipelineNames.CLOSE_LINGER, PipelineNames.TELEMETRY, PipelineNames.HTTP_CODEC, PipelineNames.HANDSHAKE_LIMITS, PipelineNames.HTTP_AGGREGATOR,
                    PipelineNames.HTTP_ROUTES, PipelineNames.HANDSHAKE_GUARD, PipelineNames.ADMISSION,
                    PipelineNames.WS_COMPRESSION, PipelineNames.WS_RESERVED_BITS, PipelineNames.CONTROL_LIMITS,
                    "io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandshakeHandler",
                    PipelineNames.WS_PROTOCOL, PipelineNames.UPGRADE_COMPLETE, PipelineNames.WS_AGGREGATOR,
                    PipelineNames.HEARTBEAT, PipelineNames.ENVELOPE_CODEC, PipelineNames.COMMAND_LIMITS,
                    PipelineNames.AUTH, PipelineNames.EXCEPTIONS),
                    all(channel));
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void theTlsListenerPutsTlsRightAfterTheCloseLingerThenTheSamePipeline() {
        TlsConfig selfSigned = new TlsConfig(true, "", 0, "", "", "", true, Duration.ofHours(1));
        try (TestNode node = TestNode.create(Map.of("CRIER_COMPRESSION_ENABLED", "true"));
             TlsContexts tls = new TlsContexts(selfSigned, Duration.ofSeconds(10), Clock.systemUTC(), node.meters,
                     SslProvider.OPENSSL)) {
            EmbeddedChannel channel = new EmbeddedChannel(new TlsChannelInitializer(tls, node.initializer()));
            List<String> expected = new ArrayList<>(PipelineNames.INITIAL_ORDER);
            expected.add(1, PipelineNames.TLS);
            assertEquals(expected, ours(channel));
            assertEquals(List.of(PipelineNames.CLOSE_LINGER, PipelineNames.TLS), all(channel).subList(0, 2));
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void withTheProxyProtocolItsHandlersComeBeforeTlsAndEverythingElse() {
        TlsConfig selfSigned = new TlsConfig(true, "", 0, "", "", "", true, Duration.ofHours(1));
        try (TestNode node = TestNode.create(Map.of("CRIER_SERVER_PROXY_PROTOCOL", "true",
                "CRIER_SERVER_TRUSTED_PROXIES", "10.0.0.0/8"));
             TlsContexts tls = new TlsContexts(selfSigned, Duration.ofSeconds(10), Clock.systemUTC(), node.meters,
                     SslProvider.OPENSSL)) {
            EmbeddedChannel plain = new FromBalancer(node.initializer());
            assertEquals(List.of(PipelineNames.CLOSE_LINGER, PipelineNames.PROXY_PROTOCOL, PipelineNames.PROXY_CLIENT,
                    PipelineNames.TELEMETRY), all(plain).subList(0, 4));
            EmbeddedChannel secure = new FromBalancer(new TlsChannelInitializer(tls, node.initializer()));
            assertEquals(List.of(PipelineNames.CLOSE_LINGER, PipelineNames.PROXY_PROTOCOL, PipelineNames.PROXY_CLIENT,
                    PipelineNames.TLS, PipelineNames.TELEMETRY), all(secure).subList(0, 5));
            plain.finishAndReleaseAll();
            secure.finishAndReleaseAll();
        }
    }

    @Test
    void upgradeLeavesOnlyTheWebSocketHandlers() {
        try (TestNode node = TestNode.create(Map.of("CRIER_COMPRESSION_ENABLED", "true"))) {
            EmbeddedChannel channel = node.connection();
            try (WireClient client = new WireClient(channel)) {
                client.upgrade();
                assertEquals(List.of(
                        PipelineNames.CLOSE_LINGER, PipelineNames.TELEMETRY, "wsencoder", "wsdecoder", PipelineNames.WS_RESERVED_BITS,
                        PipelineNames.CONTROL_LIMITS, PipelineNames.WS_PROTOCOL, PipelineNames.WS_AGGREGATOR, PipelineNames.HEARTBEAT,
                        PipelineNames.ENVELOPE_CODEC, PipelineNames.COMMAND_LIMITS, PipelineNames.AUTH,
                        PipelineNames.EXCEPTIONS),
                        all(channel));
            }
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void authenticationReplacesAuthWithSession() {
        try (TestNode node = TestNode.create(Map.of("CRIER_COMPRESSION_ENABLED", "true"))) {
            EmbeddedChannel channel = node.connection();
            try (WireClient client = new WireClient(channel)) {
                client.upgrade();
                client.sendText(ClientCommands.auth(1, TestNode.token("alice")));
                List<String> texts = client.receiveTexts();
                assertTrue(texts.get(0).startsWith("{\"type\":\"welcome\""), texts.toString());
                assertEquals(List.of(
                        PipelineNames.CLOSE_LINGER, PipelineNames.TELEMETRY, PipelineNames.WS_RESERVED_BITS,
                        PipelineNames.CONTROL_LIMITS, PipelineNames.WS_PROTOCOL, PipelineNames.WS_AGGREGATOR,
                        PipelineNames.HEARTBEAT, PipelineNames.ENVELOPE_CODEC, PipelineNames.COMMAND_LIMITS,
                        PipelineNames.SESSION,
                        PipelineNames.EXCEPTIONS),
                        ours(channel));
            }
            channel.finishAndReleaseAll();
        }
    }

    /** A connection from a trusted load balancer's address (an embedded channel has none of its own). */
    private static final class FromBalancer extends EmbeddedChannel {
        FromBalancer(ChannelHandler initializer) {
            super(initializer);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress("10.0.0.1", 40000);
        }
    }

    private static final Set<String> OURS = Set.of(
            PipelineNames.CLOSE_LINGER, PipelineNames.TLS, PipelineNames.TELEMETRY, PipelineNames.HTTP_CODEC, PipelineNames.HTTP_AGGREGATOR, PipelineNames.HTTP_ROUTES,
            PipelineNames.HANDSHAKE_GUARD, PipelineNames.WS_PROTOCOL, PipelineNames.WS_AGGREGATOR,
            PipelineNames.HEARTBEAT, PipelineNames.ENVELOPE_CODEC, PipelineNames.AUTH, PipelineNames.SESSION,
            PipelineNames.EXCEPTIONS, PipelineNames.HANDSHAKE_LIMITS, PipelineNames.ADMISSION,
            PipelineNames.WS_COMPRESSION, PipelineNames.WS_RESERVED_BITS, PipelineNames.CONTROL_LIMITS,
            PipelineNames.COMMAND_LIMITS, PipelineNames.UPGRADE_COMPLETE);

    private static List<String> ours(EmbeddedChannel channel) {
        return all(channel).stream().filter(OURS::contains).toList();
    }

    private static List<String> all(EmbeddedChannel channel) {
        return channel.pipeline().names().stream().filter(name -> !name.contains("TailContext")).toList();
    }
}
