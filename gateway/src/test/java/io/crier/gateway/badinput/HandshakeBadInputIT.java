package io.crier.gateway.badinput;

import static io.crier.gateway.badinput.BadInputNode.HANDSHAKE_TIMEOUT;
import static io.crier.gateway.badinput.BadInputNode.MAX_HANDSHAKE;
import static io.crier.gateway.badinput.BadInputNode.token;
import static io.crier.gateway.badinput.Replies.assertError;
import static io.crier.gateway.badinput.Replies.assertPingAnswered;
import static io.crier.gateway.badinput.Replies.authenticate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.protocol.ClientCommands;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bad-input suite, handshake phase: broken, oversized, slow and duplicated HTTP requests get an HTTP
 * answer before any upgrade (PROTOCOL.md, "Bad input"); the witness on the same node loses nothing.
 */
class HandshakeBadInputIT {

    @RegisterExtension
    static final BadInputNode NODE = BadInputNode.standard();

    @Test
    void aPlainHttpGetOnTheWebSocketPathGets400() throws Exception {
        RawWebSocket.HttpHead head = answer("GET /ws HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertEquals(400, head.status(), head.text());
        HttpResponse<String> viaJdk = NODE.get("/ws");
        assertEquals(400, viaJdk.statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ws?x=1", "/ws?", "/ws?cache=1&b=%ZZ", "/ws?token=x&token=y"})
    void anUpgradeWithAQueryStringIsUpgradedAtOnce(String target) throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(NODE.ws())) {
            RawWebSocket.HttpHead head = client.request(RawWebSocket.upgradeRequest(target, ""));
            assertEquals(101, head.status(), head.text());
            authenticate(client, token("query"));
            assertPingAnswered(client);
        }
    }

    @Test
    void aTokenInTheQueryStringIsNeverRead() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(NODE.ws())) {
            RawWebSocket.HttpHead head = client.request(RawWebSocket.upgradeRequest("/ws?token=" + token("query"), ""));
            assertEquals(101, head.status(), head.text());
            assertError(client, ClientCommands.ping(2), "2", "not_authenticated");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/w%73", "/ws%3Fx=1", "/ws/", "/ws/x", "//ws", "/ws;x", "/WS", "/ws%00"})
    void anotherSpellingOfTheWebSocketPathGets404AtOnce(String target) throws Exception {
        RawWebSocket.HttpHead head = answer(RawWebSocket.upgradeRequest(target, ""));
        assertEquals(404, head.status(), target + ": " + head.text());
    }

    @Test
    void oneSameOriginHeaderIsUpgradedAndAnotherOriginGets403() throws Exception {
        assertEquals(101, answer(RawWebSocket.upgradeRequest("/ws", "Origin: http://localhost\r\n")).status());
        RawWebSocket.HttpHead head = answer(RawWebSocket.upgradeRequest("/ws",
                "Origin: http://localhost, https://evil.example\r\n"));
        assertEquals(403, head.status(), head.text());
    }

    static Stream<Arguments> repeatedHeaders() {
        String alice = "Authorization: Bearer " + token("alice") + "\r\n";
        return Stream.of(
                Arguments.of("Origin, an allowed one first", "Origin: http://localhost\r\nOrigin: https://evil.example\r\n"),
                Arguments.of("Origin, the same twice", "Origin: http://localhost\r\norigin: http://localhost\r\n"),
                Arguments.of("Host", "Host: evil.example\r\n"),
                Arguments.of("Authorization", alice + "Authorization: Bearer " + token("admin") + "\r\n"),
                Arguments.of("Sec-WebSocket-Key", "Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r\n"),
                Arguments.of("Sec-WebSocket-Version", "Sec-WebSocket-Version: 13\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("repeatedHeaders")
    void aHeaderThatMustComeOnceButIsRepeatedGets400(String kind, String extraHeaders) throws Exception {
        RawWebSocket.HttpHead head = answer(RawWebSocket.upgradeRequest("/ws", extraHeaders));
        assertEquals(400, head.status(), kind + ": " + head.text());
    }

    @Test
    void aPostToTheWebSocketPathGets405() throws Exception {
        RawWebSocket.HttpHead head = answer(
                "POST /ws HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}");
        assertEquals(405, head.status(), head.text());
        assertEquals("GET", head.header("Allow"));
    }

    @Test
    void aWrongWebSocketVersionGets426NamingVersion13() throws Exception {
        RawWebSocket.HttpHead head = answer(RawWebSocket.upgradeRequest("/ws", "")
                .replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 12"));
        assertEquals(426, head.status(), head.text());
        assertEquals("13", head.header("Sec-WebSocket-Version"));
    }

    @Test
    void anUpgradeWithoutAKeyGets400() throws Exception {
        RawWebSocket.HttpHead head = answer(RawWebSocket.upgradeRequest("/ws", "")
                .replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""));
        assertEquals(400, head.status(), head.text());
    }

    @Test
    void aSlowlorisHandshakeIsCutOffByTheHandshakeTimeout() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(NODE.ws())) {
            long start = System.nanoTime();
            client.write("GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConn"
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals("", new String(client.readUntilEndOfStream(HANDSHAKE_TIMEOUT.plusSeconds(3)),
                    StandardCharsets.ISO_8859_1), "closed without a response");
            long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(elapsedMillis >= HANDSHAKE_TIMEOUT.toMillis() - 100, elapsedMillis + " ms");
        }
    }

    @Test
    void oversizedHeadersGet431() throws Exception {
        RawWebSocket.HttpHead head = answer(RawWebSocket.upgradeRequest("/ws",
                "X-Padding: " + "p".repeat(MAX_HANDSHAKE) + "\r\n"));
        assertEquals(431, head.status(), head.text());
    }

    @Test
    void aRequestHeadFarOverTheLimitGets431WhileTheClientKeepsSending() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(NODE.ws())) {
            client.write("GET /ws HTTP/1.1\r\nHost: localhost\r\nX-Padding: ".getBytes(StandardCharsets.US_ASCII));
            RawWebSocket.Flood flood = client.flood("p".repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII));
            RawWebSocket.HttpHead head = client.readHead();
            assertEquals(431, head.status(), head.text());
            int length = Integer.parseInt(head.header("Content-Length"));
            assertEquals(length, client.readUntilGracefulEnd().length, "the body, then a FIN");
            assertTrue(flood.endedByTheServer(Duration.ofSeconds(10)), "the node ended the connection");
        }
    }

    @Test
    void anOversizedRequestBodyGets413() throws Exception {
        RawWebSocket.HttpHead head = answer("GET /ws HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                + (MAX_HANDSHAKE + 1) + "\r\n\r\n");
        assertEquals(413, head.status(), head.text());
    }

    @Test
    void anOversizedRequestLineGets414() throws Exception {
        RawWebSocket.HttpHead head = answer(
                RawWebSocket.upgradeRequest("/ws?" + "q".repeat(MAX_HANDSHAKE), ""));
        assertEquals(414, head.status(), head.text());
    }

    /** Sends {@code request} on a new connection and reads the answer's head. */
    private static RawWebSocket.HttpHead answer(String request) throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(NODE.ws())) {
            return client.request(request);
        }
    }
}
