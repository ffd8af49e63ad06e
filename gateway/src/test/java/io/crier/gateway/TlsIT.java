package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.config.ConfigLoader;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.WsTestClient;
import io.crier.gateway.tls.TestCertificates;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.Future;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real nodes with a TLS listener on free ports, certificates from a test CA written to temporary files, and
 * real clients: the JDK's WebSocket and HTTP clients and {@link SSLSocket} trusting the test CA, and a Netty
 * client on OpenSSL for the old protocol versions the JDK no longer offers.
 */
class TlsIT {

    private static final String SECRET = new String(TestTokens.secret(), StandardCharsets.UTF_8);
    private static final TestCertificates.Issued CA = TestCertificates.authority("Crier test CA");
    private static final SSLContext TRUSTING_CA = TestCertificates.trusting(CA.certificate());
    private static final Duration WAIT = WsTestClient.WAIT;

    @TempDir
    static Path sharedDir;

    private static GatewayServer node;
    private static EventLoopGroup clients;

    @BeforeAll
    static void startNode() throws Exception {
        TestCertificates.write(sharedDir.resolve("chain.pem"), sharedDir.resolve("key.pem"),
                TestCertificates.leaf(CA, "tls-it", 1), CA);
        node = start(sharedDir, Map.of());
        clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopNode() {
        node.close();
        clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aWssClientAuthenticatesSubscribesAndReceivesAPublication() throws Exception {
        try (WsTestClient client = authenticated(node, "alice")) {
            client.send(ClientCommands.subscribe(2, "tls:news"));
            assertEquals("{\"type\":\"ok\",\"id\":2}", client.next());
            client.send(ClientCommands.publish(3, "tls:news", "{\"secure\":true}"));
            assertEquals("{\"type\":\"message\",\"topic\":\"tls:news\",\"data\":{\"secure\":true}}",
                    client.awaitContaining("\"type\":\"message\""));
        }
    }

    @Test
    void bothListenersServeTheSameRoutes() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(TRUSTING_CA).build();
        HttpResponse<String> secure = https.send(HttpRequest.newBuilder(URI.create(secureBase(node) + "/readyz"))
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(node.baseUrl() + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, secure.statusCode());
        assertEquals(200, plain.statusCode());
        assertEquals(BigInteger.ONE, ((X509Certificate) secure.sslSession().orElseThrow().getPeerCertificates()[0])
                .getSerialNumber());
    }

    @Test
    void onlyTheTlsListenerRunsWhenThePlainOneIsOff(@TempDir Path dir) throws Exception {
        TestCertificates.write(dir.resolve("chain.pem"), dir.resolve("key.pem"), TestCertificates.leaf(CA, "only", 7), CA);
        try (GatewayServer tlsOnly = start(dir, Map.of("CRIER_SERVER_PLAIN_ENABLED", "false"))) {
            assertFalse(tlsOnly.plainEnabled());
            assertThrows(IllegalStateException.class, tlsOnly::port);
            try (WsTestClient client = authenticated(tlsOnly, "bob")) {
                client.send(ClientCommands.ping(2));
                assertEquals("{\"type\":\"ok\",\"id\":2}", client.next());
            }
            assertEquals(BigInteger.valueOf(7), peerSerial(tlsOnly));
        }
    }

    @Test
    void tlsOneDotOneAndOneDotZeroHandshakesAreRefusedWhileOneDotTwoAndOneDotThreeSucceed() throws Exception {
        assertTrue(OpenSsl.isAvailable(), "the test client needs OpenSSL for the old protocols");
        assertEquals("refused", handshake("TLSv1"));
        assertEquals("refused", handshake("TLSv1.1"));
        assertEquals("TLSv1.2", handshake("TLSv1.2"));
        assertEquals("TLSv1.3", handshake("TLSv1.3"));
        assertTrue(node.meters().counter("crier.tls.handshakes.failed").count() >= 2);
    }

    @Test
    void aTlsOneDotTwoClientOfferingOnlyCbcSuitesIsRefusedWhileOneOfferingAesGcmIsServed() throws Exception {
        assertEquals("refused", handshake("TLSv1.2", List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
                "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"), "HANDSHAKE_FAILURE"));
        assertEquals("TLSv1.2", handshake("TLSv1.2", List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
                "HANDSHAKE_FAILURE"));
    }

    @Test
    void aRotatedCertificateIsServedToNewConnectionsWhileOpenSessionsKeepReceiving(@TempDir Path dir)
            throws Exception {
        TestCertificates.write(dir.resolve("chain.pem"), dir.resolve("key.pem"), TestCertificates.leaf(CA, "old", 100), CA);
        try (GatewayServer rotating = start(dir, Map.of());
             WsTestClient before = authenticated(rotating, "carol")) {
            before.send(ClientCommands.subscribe(2, "tls:rotation"));
            assertEquals("{\"type\":\"ok\",\"id\":2}", before.next());
            assertEquals(BigInteger.valueOf(100), peerSerial(rotating));

            TestCertificates.write(dir.resolve("chain.pem"), dir.resolve("key.pem"),
                    TestCertificates.leaf(CA, "new", 200), CA);
            await().atMost(WAIT).until(() -> reloads(rotating, "reloaded") >= 1);

            assertEquals(BigInteger.valueOf(200), peerSerial(rotating));
            try (WsTestClient after = authenticated(rotating, "dave")) {
                after.send(ClientCommands.publish(5, "tls:rotation", "\"after rotation\""));
                after.awaitContaining("{\"type\":\"ok\",\"id\":5}");
            }
            assertEquals("{\"type\":\"message\",\"topic\":\"tls:rotation\",\"data\":\"after rotation\"}",
                    before.awaitContaining("\"type\":\"message\""));
            assertFalse(before.isClosed());
        }
    }

    @Test
    void aBrokenNewPairIsRefusedAndTheOldCertificateKeepsServing(@TempDir Path dir) throws Exception {
        TestCertificates.write(dir.resolve("chain.pem"), dir.resolve("key.pem"), TestCertificates.leaf(CA, "kept", 300), CA);
        try (GatewayServer guarded = start(dir, Map.of())) {
            // A new certificate next to the old key: what a reader sees halfway through a rotation.
            TestCertificates.replace(dir.resolve("chain.pem"), TestCertificates.leaf(CA, "half", 301).certificatePem());
            await().atMost(WAIT).until(() -> reloads(guarded, "failed") >= 1);

            assertEquals(BigInteger.valueOf(300), peerSerial(guarded));
            try (WsTestClient client = authenticated(guarded, "erin")) {
                client.send(ClientCommands.ping(2));
                assertEquals("{\"type\":\"ok\",\"id\":2}", client.next());
            }
            assertEquals(0, reloads(guarded, "reloaded"));
        }
    }

    @Test
    void theSelfSignedFlagServesAGeneratedLocalhostCertificate() throws Exception {
        try (GatewayServer dev = GatewayServer.start(new ConfigLoader().load(null, Map.of(
                "CRIER_SERVER_PORT", "0", "CRIER_NODE_ID", "self-signed", "CRIER_AUTH_HMAC_SECRET", SECRET,
                "CRIER_TLS_ENABLED", "true", "CRIER_TLS_PORT", "0", "CRIER_TLS_SELF_SIGNED", "true")))) {
            SSLContext trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            X509Certificate served = peerCertificate(dev.tlsPort(), trustAll);

            assertEquals(served.getSubjectX500Principal(), served.getIssuerX500Principal());
            assertTrue(served.getSubjectX500Principal().getName().contains("CN=localhost"));
            assertTrue(served.getSubjectAlternativeNames().stream().anyMatch(name -> name.get(1).equals("localhost")));
            assertTrue(dev.secureWebSocketUrl().startsWith("wss://127.0.0.1:" + dev.tlsPort()));
        }
    }

    private static GatewayServer start(Path dir, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of(
                "CRIER_SERVER_PORT", "0", "CRIER_AUTH_HMAC_SECRET", SECRET, "CRIER_NODE_ID", "tls-node",
                "CRIER_TLS_ENABLED", "true", "CRIER_TLS_PORT", "0",
                "CRIER_TLS_CERT_CHAIN_FILE", dir.resolve("chain.pem").toString(),
                "CRIER_TLS_KEY_FILE", dir.resolve("key.pem").toString(),
                "CRIER_TLS_RELOAD_INTERVAL", "1s"));
        env.putAll(overrides);
        return GatewayServer.start(new ConfigLoader().load(null, env));
    }

    private static double reloads(GatewayServer server, String outcome) {
        return server.meters().counter("crier.tls.reloads", "outcome", outcome).count();
    }

    private static String secureBase(GatewayServer server) {
        return "https://127.0.0.1:" + server.tlsPort();
    }

    private static WsTestClient authenticated(GatewayServer server, String user) throws Exception {
        URI uri = URI.create("wss://127.0.0.1:" + server.tlsPort() + "/ws");
        WsTestClient client = WsTestClient.connect(uri, TRUSTING_CA);
        String token = TestTokens.hs256(TestTokens.secret(), user, List.of("*"), List.of("*"), Duration.ofMinutes(5));
        client.send(ClientCommands.auth(1, token));
        client.awaitContaining("\"type\":\"welcome\"");
        assertEquals("{\"type\":\"ok\",\"id\":1}", client.next());
        return client;
    }

    /** The serial of the certificate a brand-new connection is given (a fresh context: no resumption). */
    private static BigInteger peerSerial(GatewayServer server) throws Exception {
        return peerCertificate(server.tlsPort(), TestCertificates.trusting(CA.certificate())).getSerialNumber();
    }

    private static X509Certificate peerCertificate(int port, SSLContext context) throws Exception {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** A handshake offering only {@code protocol}: the protocol agreed, or {@code refused}. */
    private static String handshake(String protocol) throws Exception {
        return handshake(protocol, null, "PROTOCOL_VERSION");
    }

    /**
     * A handshake offering only {@code protocol} and, when not null, only {@code ciphers}: the protocol agreed,
     * or {@code refused} when it failed with {@code refusal} in its cause.
     */
    private static String handshake(String protocol, List<String> ciphers, String refusal) throws Exception {
        SslContext context = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).protocols(protocol)
                .ciphers(ciphers).trustManager(CA.certificate()).build();
        AtomicReference<SslHandler> sslHandler = new AtomicReference<>();
        Channel channel = new Bootstrap().group(clients).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler handler = context.newHandler(ch.alloc(), "127.0.0.1", node.tlsPort());
                        // Kept here: a refused handshake can close the channel, emptying its pipeline, before
                        // the test looks the handler up.
                        sslHandler.set(handler);
                        ch.pipeline().addLast(handler);
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                // The refused handshake is the expected outcome; the future below reports it.
                                ctx.close();
                            }
                        });
                    }
                })
                .connect("127.0.0.1", node.tlsPort()).syncUninterruptibly().channel();
        try {
            SslHandler tls = sslHandler.get();
            Future<Channel> done = tls.handshakeFuture().awaitUninterruptibly(WAIT.toMillis(), TimeUnit.MILLISECONDS)
                    ? tls.handshakeFuture() : null;
            assertTrue(done != null, "the handshake ended in time");
            if (done.isSuccess()) {
                return tls.engine().getSession().getProtocol();
            }
            // Refused for the expected reason (the protocol version, the cipher list), not for some other one.
            assertTrue(String.valueOf(done.cause()).toUpperCase(java.util.Locale.ROOT).contains(refusal),
                    String.valueOf(done.cause()));
            return "refused";
        } finally {
            channel.close().syncUninterruptibly();
        }
    }
}
