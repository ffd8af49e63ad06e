package io.crier.gateway.badinput;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The bad-input suite, PROXY protocol phase, on a node with {@code server.proxyProtocol=true}, the load balancer
 * at 127.0.0.2 trusted and two connections per client IP (the witness comes from 127.0.0.1): the client address of a v1 or v2 header counts for the per-IP limit and goes
 * into the connection log; a balancer's health check ({@code LOCAL}) and a connection without a header are
 * served; a header from an untrusted peer, or a broken one, closes the connection without an answer, counted.
 */
class ProxyProtocolBadInputIT {

    @RegisterExtension
    static final BadInputNode NODE = BadInputNode.with(Map.of(
            "CRIER_SERVER_PROXY_PROTOCOL", "true",
            "CRIER_SERVER_TRUSTED_PROXIES", "127.0.0.2, ::2",
            "CRIER_LIMITS_MAX_CONNECTIONS_PER_IP", "2"));

    private static final byte[] V2_SIGNATURE = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};
    private static final ListAppender<ILoggingEvent> connectionLog = new ListAppender<>();
    private static InetAddress balancer;
    private static InetAddress stranger;
    private static URI ws;

    @BeforeAll
    static void watchTheConnectionLog() throws Exception {
        balancer = InetAddress.getByName("127.0.0.2");
        stranger = InetAddress.getByName("127.0.0.3");
        ws = NODE.ws();
        connectionLog.start();
        ((Logger) LoggerFactory.getLogger("io.crier.connections")).addAppender(connectionLog);
    }

    @AfterAll
    static void stopWatching() {
        ((Logger) LoggerFactory.getLogger("io.crier.connections")).detachAppender(connectionLog);
    }

    @Test
    void theClientAddressOfTheHeaderCountsForThePerIpLimitAndTheConnectionLog() throws Exception {
        try (RawWebSocket first = upgrade(v1("203.0.113.7", 40001));
             RawWebSocket second = upgrade(v2Ipv4("203.0.113.7", 40002));
             RawWebSocket otherClient = upgrade(v1("203.0.113.8", 40003));
             RawWebSocket third = RawWebSocket.connectFrom(balancer, ws)) {
            third.write(v1("203.0.113.7", 40004));
            RawWebSocket.HttpHead refused = third.request(RawWebSocket.upgradeRequest("/ws", ""));
            assertEquals(429, refused.status(), "a third connection from 203.0.113.7: " + refused.text());
            authenticate(first, "alice");
            authenticate(otherClient, "bob");
        }
        List<String> lines = loggedLines();
        assertTrue(lines.stream().anyMatch(line -> line.contains("client=203.0.113.7")), lines.toString());
        assertTrue(lines.stream().anyMatch(line -> line.contains("client=203.0.113.8")), lines.toString());
        assertEquals(1.0, refused("ip_limit"));
    }

    @Test
    void anIpv6ClientAddressIsCountedToo() throws Exception {
        try (RawWebSocket client = upgrade(v1Ipv6("2001:db8::7", 40005))) {
            authenticate(client, "carol");
        }
        List<String> lines = loggedLines();
        assertTrue(lines.stream().anyMatch(line -> line.contains("client=2001:db8:0:0:0:0:0:7")), lines.toString());
    }

    @Test
    void theBalancersHealthCheckIsServed() throws Exception {
        try (RawWebSocket check = RawWebSocket.connectFrom(balancer, ws)) {
            check.write(v2Local());
            assertEquals(200, check.request("GET /healthz HTTP/1.1\r\nHost: node\r\n\r\n").status());
        }
        try (RawWebSocket check = RawWebSocket.connectFrom(balancer, ws)) {
            check.write("PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(200, check.request("GET /healthz HTTP/1.1\r\nHost: node\r\n\r\n").status());
        }
    }

    @Test
    void aHeaderSentByteByByteIsReadWhole() throws Exception {
        try (RawWebSocket client = RawWebSocket.connectFrom(balancer, ws)) {
            for (byte b : v1("203.0.113.9", 40006)) {
                client.write(new byte[] {b});
            }
            assertEquals(101, client.request(RawWebSocket.upgradeRequest("/ws", "")).status());
        }
    }

    @Test
    void aHeaderFromAPeerThatIsNotATrustedBalancerClosesTheConnectionWithoutAnAnswer() throws Exception {
        double before = refused("untrusted_proxy");
        try (RawWebSocket client = RawWebSocket.connectFrom(stranger, ws)) {
            client.write(v1("203.0.113.7", 40007));
            client.write(RawWebSocket.upgradeRequest("/ws", "").getBytes(StandardCharsets.US_ASCII));
            assertEquals(0, client.readUntilEndOfStream(RawWebSocket.WAIT).length);
        }
        await().atMost(RawWebSocket.WAIT).until(() -> refused("untrusted_proxy") == before + 1);
        try (RawWebSocket client = RawWebSocket.connectFrom(stranger, ws)) {
            client.write(v2Ipv4("203.0.113.7", 40008));
            assertEquals(0, client.readUntilEndOfStream(RawWebSocket.WAIT).length);
        }
        await().atMost(RawWebSocket.WAIT).until(() -> refused("untrusted_proxy") == before + 2);
    }

    @Test
    void aConnectionWithoutAHeaderIsServedWithItsTcpPeerAsTheClient() throws Exception {
        for (InetAddress peer : List.of(stranger, balancer)) {
            try (RawWebSocket client = RawWebSocket.connectFrom(peer, ws)) {
                assertEquals(101, client.request(RawWebSocket.upgradeRequest("/ws", "")).status());
                authenticate(client, "probe");
            }
            List<String> lines = loggedLines();
            assertTrue(lines.stream().anyMatch(line -> line.contains("client=" + peer.getHostAddress())),
                    lines.toString());
        }
        try (RawWebSocket probe = RawWebSocket.connectFrom(stranger, ws)) {
            assertEquals(200, probe.request("GET /readyz HTTP/1.1\r\nHost: node\r\n\r\n").status());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PROXY TCP4 not-an-ip 127.0.0.1 1 2\r\n", "PROXY TCP4 203.0.113.7 127.0.0.1 1\r\n",
            "PROXY TCP4 203.0.113.7 127.0.0.1 99999 2\r\n", "PROXY TCP6 203.0.113.7 127.0.0.1 1 2\r\n",
            "PROXY TCP4 203.0.113.7 127.0.0.1 1 2\n", "PROXY xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "\r\n\r\n\u0000\r\nQUIT\n\u0099\u0011\u0000\u000c"})
    void aBrokenHeaderFromTheBalancerClosesTheConnectionWithoutAnAnswer(String header) throws Exception {
        double before = refused("proxy_protocol");
        try (RawWebSocket client = RawWebSocket.connectFrom(balancer, ws)) {
            client.write((header + RawWebSocket.upgradeRequest("/ws", "")).getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(0, client.readUntilEndOfStream(RawWebSocket.WAIT).length, "closed, nothing sent");
        }
        // Counted once, though the decoder may fail again as the connection closes.
        await().atMost(RawWebSocket.WAIT).until(() -> refused("proxy_protocol") >= before + 1);
        assertEquals(before + 1, refused("proxy_protocol"));
    }

    @Test
    void aLowerCaseProxyLineIsNoHeaderButBadHttp() throws Exception {
        try (RawWebSocket client = RawWebSocket.connectFrom(balancer, ws)) {
            client.write("proxy TCP4 203.0.113.7 127.0.0.1 1 2\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(400, client.request(RawWebSocket.upgradeRequest("/ws", "")).status());
        }
    }

    @Test
    void aSecondHeaderIsNotAHeaderAnyMore() throws Exception {
        try (RawWebSocket client = RawWebSocket.connectFrom(balancer, ws)) {
            client.write(v1("203.0.113.10", 40008));
            client.write(v1("198.51.100.1", 40009));
            assertEquals(400, client.request(RawWebSocket.upgradeRequest("/ws", "")).status());
        }
    }

    /** The connection log so far; the appender adds lines on the event loops, under its own lock. */
    private static List<String> loggedLines() {
        synchronized (connectionLog) {
            return connectionLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private static RawWebSocket upgrade(byte[] header) throws Exception {
        RawWebSocket client = RawWebSocket.connectFrom(balancer, ws);
        client.write(header);
        RawWebSocket.HttpHead head = client.request(RawWebSocket.upgradeRequest("/ws", ""));
        assertEquals(101, head.status(), head.text());
        return client;
    }

    private static void authenticate(RawWebSocket client, String user) throws Exception {
        Replies.authenticate(client, BadInputNode.token(user));
    }

    private static double refused(String reason) {
        return NODE.server().meters().counter("crier.handshakes.refused", "reason", reason).count();
    }

    private static byte[] v1(String source, int sourcePort) {
        return ("PROXY TCP4 " + source + " 127.0.0.1 " + sourcePort + " " + NODE.server().port() + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] v1Ipv6(String source, int sourcePort) {
        return ("PROXY TCP6 " + source + " ::1 " + sourcePort + " " + NODE.server().port() + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** A v2 PROXY header: TCP over IPv4 from {@code source}. */
    private static byte[] v2Ipv4(String source, int sourcePort) throws Exception {
        ByteBuffer addresses = ByteBuffer.allocate(12).put(InetAddress.getByName(source).getAddress())
                .put(InetAddress.getByName("127.0.0.1").getAddress())
                .putShort((short) sourcePort).putShort((short) NODE.server().port());
        return v2(0x21, 0x11, addresses.array());
    }

    /** A v2 LOCAL header, as a balancer's health check sends it: no address. */
    private static byte[] v2Local() {
        return v2(0x20, 0x00, new byte[0]);
    }

    private static byte[] v2(int versionAndCommand, int familyAndProtocol, byte[] addresses) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIGNATURE);
        out.write(versionAndCommand);
        out.write(familyAndProtocol);
        out.write(addresses.length >> 8);
        out.write(addresses.length & 0xff);
        out.writeBytes(addresses);
        return out.toByteArray();
    }
}
