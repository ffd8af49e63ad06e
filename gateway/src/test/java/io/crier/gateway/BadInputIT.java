package io.crier.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.badinput.ClientFrame;
import io.crier.gateway.badinput.HostileTokens;
import io.crier.gateway.badinput.LeakWatch;
import io.crier.gateway.badinput.RawWebSocket;
import io.crier.gateway.badinput.Witness;
import io.crier.gateway.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bad-input suite: one real node (in-memory broker, an HMAC secret and an RSA public key file, small
 * limits) takes every kind of broken frame, request, command and token, and each gets its exact answer
 * (PROTOCOL.md, "Bad input"). A {@link Witness} subscribed from the start must still have every marker
 * published between the tests, in order, when the last test runs; the node must still be ready, and Netty's
 * leak detector must have reported nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {

    private static final byte[] SECRET = TestTokens.secret();
    private static final int MAX_MESSAGE = 16_384;
    private static final int MAX_DATA = 4096;
    private static final int MAX_HANDSHAKE = 4096;
    private static final int MAX_TOPICS = 8;
    private static final int BURST = 200;
    private static final int FLOOD_AFTER = 20;
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path keys;
    private static HostileTokens rsa;
    private static GatewayServer node;
    private static URI ws;
    private static Witness witness;
    private static LeakWatch leaks;

    @BeforeAll
    static void startNodeAndWitness() throws Exception {
        leaks = new LeakWatch();
        rsa = HostileTokens.create(keys, "badinput-rsa");
        node = GatewayServer.start(new ConfigLoader().load(null, Map.ofEntries(
                Map.entry("CRIER_NODE_ID", "badinput-node"),
                Map.entry("CRIER_SERVER_PORT", "0"),
                Map.entry("CRIER_SERVER_MAX_HANDSHAKE_BYTES", String.valueOf(MAX_HANDSHAKE)),
                Map.entry("CRIER_SERVER_HANDSHAKE_TIMEOUT", HANDSHAKE_TIMEOUT.toMillis() + "ms"),
                Map.entry("CRIER_AUTH_HMAC_SECRET", new String(SECRET, StandardCharsets.UTF_8)),
                Map.entry("CRIER_AUTH_PUBLIC_KEY_FILES", rsa.publicKeyFile().toString()),
                Map.entry("CRIER_LIMITS_MAX_MESSAGE_BYTES", String.valueOf(MAX_MESSAGE)),
                Map.entry("CRIER_LIMITS_MAX_DATA_BYTES", String.valueOf(MAX_DATA)),
                Map.entry("CRIER_SESSION_MAX_TOPICS", String.valueOf(MAX_TOPICS)),
                Map.entry("CRIER_LIMITS_COMMANDS_PER_SECOND", "1"),
                Map.entry("CRIER_LIMITS_COMMAND_BURST", String.valueOf(BURST)),
                Map.entry("CRIER_LIMITS_FLOOD_DISCONNECT_AFTER", String.valueOf(FLOOD_AFTER)),
                // Off by default; on here, so that the deflate abuse cases have something to abuse.
                Map.entry("CRIER_COMPRESSION_ENABLED", "true"))));
        ws = URI.create(node.webSocketUrl());
        witness = Witness.start(ws, "badinput:witness", token("witness-sub"), token("witness-pub"));
    }

    @AfterAll
    static void stopNode() {
        if (witness != null) {
            witness.close();
        }
        if (node != null) {
            node.close();
        }
        leaks.close();
    }

    @BeforeEach
    void markTheWitnessTopic(TestInfo test) throws Exception {
        witness.mark(test.getDisplayName());
    }

    // ---- JSON inside valid frames: error replies, the session goes on -------------------------------

    @Test
    void invalidJsonGetsBadJsonAndTheSessionGoesOn() throws Exception {
        try (RawWebSocket client = session("json")) {
            assertError(client, "{\"type\":\"ping\",", null, "bad_json");
            assertError(client, "{\"type\":\"ping\",\"id\":2}}", "2", "bad_json");
            assertError(client, "", null, "bad_json");
            assertPingAnswered(client);
        }
    }

    @Test
    void jsonNestedTenThousandLevelsDeepIsRefusedWithoutHarm() throws Exception {
        try (RawWebSocket client = session("deep")) {
            assertError(client, "[".repeat(10_000), null, "bad_json");
            assertError(client, "{\"type\":\"publish\",\"id\":3,\"topic\":\"badinput:deep\",\"data\":"
                    + "[".repeat(10_000), "3", "too_large");
            assertError(client, "{\"type\":\"ping\",\"id\":4,\"x\":" + "{\"a\":".repeat(2000), "4", "too_large");
            assertPingAnswered(client);
        }
    }

    @Test
    void hugeStringsWithinTheFrameLimitGetErrorReplies() throws Exception {
        String huge = "x".repeat(10_000);
        try (RawWebSocket client = session("strings")) {
            assertError(client, publish(5, "badinput:strings", "\"" + huge + "\""), "5", "too_large");
            assertError(client, "{\"type\":\"subscribe\",\"id\":6,\"topic\":\"" + huge + "\"}", "6", "bad_topic");
            assertError(client, "{\"type\":\"ping\",\"id\":\"" + huge + "\"}", null, "invalid_field");
            assertError(client, "{\"type\":\"" + huge + "\",\"id\":7}", "7", "unknown_type");
            assertPingAnswered(client);
        }
    }

    @Test
    void hugeNumbersWithinTheFrameLimitGetErrorReplies() throws Exception {
        String digits = "9".repeat(10_000);
        try (RawWebSocket client = session("numbers")) {
            assertError(client, publish(8, "badinput:numbers", digits), "8", "too_large");
            assertError(client, publish(10, "badinput:numbers", "9".repeat(1001)), "10", "too_large");
            client.sendText(publish(11, "badinput:numbers", "9".repeat(1000)));
            assertEquals("{\"type\":\"ok\",\"id\":11}", client.nextText(), "1000 digits are still a number");
            client.sendText(publish(9, "badinput:numbers", "-1e999999999"));
            assertEquals("{\"type\":\"ok\",\"id\":9}", client.nextText(), "data is passed on as sent, never parsed");
            assertError(client, "{\"type\":\"ping\",\"id\":" + digits + "}", null, "too_large");
            assertError(client, "{\"type\":\"ping\",\"id\":1" + "0".repeat(64) + "}", null, "invalid_field");
            assertPingAnswered(client);
        }
    }

    @Test
    void anIdWithALoneSurrogateGetsInvalidFieldWithoutAnEcho() throws Exception {
        try (RawWebSocket client = session("surrogates")) {
            assertError(client, "{\"type\":\"ping\",\"id\":\"\\ud800\"}", null, "invalid_field");
            assertError(client, "{\"type\":\"subscribe\",\"id\":\"x\\udc00\",\"topic\":\"news\"}", null,
                    "invalid_field");
            client.sendText("{\"type\":\"ping\",\"id\":\"\\ud83d\\udce3\"}");
            assertEquals("{\"type\":\"ok\",\"id\":\"\ud83d\udce3\"}", client.nextText(), "a proper pair is echoed");
        }
    }

    // ---- broken frames: the socket is closed with the standard code ----------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"string", "number"})
    void aTextFrameBeyondTheFrameLimitClosesWith1009(String kind) throws Exception {
        String huge = kind.equals("string") ? "\"" + "x".repeat(MAX_MESSAGE) + "\"" : "9".repeat(MAX_MESSAGE);
        try (RawWebSocket client = session("big-frame")) {
            client.send(ClientFrame.text(publish(1, "badinput:big", huge)));
            assertClosedWith(client, 1009);
        }
    }

    @Test
    void aFrameHeaderAnnouncingAnAbsurdLengthClosesWith1009AtOnce() throws Exception {
        try (RawWebSocket client = session("absurd-length")) {
            client.send(ClientFrame.text("{}").declaring(1L << 40));
            assertClosedWith(client, 1009);
        }
    }

    @Test
    void fragmentsAddingUpPastTheMessageLimitCloseWith1009() throws Exception {
        byte[] third = "x".repeat(MAX_MESSAGE / 3 + 1).getBytes(StandardCharsets.US_ASCII);
        try (RawWebSocket client = session("fragments")) {
            client.send(ClientFrame.of(ClientFrame.TEXT, third).withFin(false));
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, third).withFin(false));
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, third).withFin(false));
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, third));
            RawWebSocket.Closed closed = client.awaitClose();
            assertEquals(new RawWebSocket.Closed(1009, "message_too_big", List.of()), closed);
        }
    }

    @Test
    void fragmentsWithinTheLimitAreReassembledIntoOneCommand() throws Exception {
        try (RawWebSocket client = session("reassembled")) {
            client.send(ClientFrame.text("{\"type\":\"pi").withFin(false));
            client.send(ClientFrame.of(ClientFrame.PING, new byte[] {1}));
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, "ng\",\"id\"".getBytes(StandardCharsets.UTF_8))
                    .withFin(false));
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, ":11}".getBytes(StandardCharsets.UTF_8)));
            assertEquals("{\"type\":\"ok\",\"id\":11}", client.nextText());
        }
    }

    @Test
    void invalidUtf8InATextFrameClosesWith1007() throws Exception {
        byte[] bad = {'{', '"', 'x', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'};
        try (RawWebSocket client = session("utf8")) {
            client.send(ClientFrame.of(ClientFrame.TEXT, bad));
            assertClosedWith(client, 1007);
        }
    }

    @Test
    void aBinaryFrameClosesWith1003() throws Exception {
        try (RawWebSocket client = session("binary")) {
            client.send(ClientFrame.of(ClientFrame.BINARY, new byte[] {1, 2, 3}));
            assertEquals(new RawWebSocket.Closed(1003, "binary_not_supported", List.of()), client.awaitClose());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {ClientFrame.PING, ClientFrame.PONG, ClientFrame.CLOSE})
    void aControlFrameWithMoreThan125BytesClosesWith1002(int opcode) throws Exception {
        byte[] payload = new byte[126];
        payload[0] = 0x03; // a valid close code (1000) first, so that only the length is wrong
        payload[1] = (byte) 0xe8;
        try (RawWebSocket client = session("big-control-" + opcode)) {
            client.send(ClientFrame.of(opcode, payload));
            assertClosedWith(client, 1002);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {ClientFrame.PING, ClientFrame.PONG})
    void aFragmentedControlFrameClosesWith1002(int opcode) throws Exception {
        try (RawWebSocket client = session("fragmented-control-" + opcode)) {
            client.send(ClientFrame.of(opcode, new byte[] {1}).withFin(false));
            assertClosedWith(client, 1002);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0x3, 0x7, 0xb, 0xf})
    void aReservedOpcodeClosesWith1002(int opcode) throws Exception {
        try (RawWebSocket client = session("opcode-" + opcode)) {
            client.send(ClientFrame.of(opcode, new byte[] {1, 2}));
            assertClosedWith(client, 1002);
        }
    }

    @Test
    void anUnmaskedClientFrameClosesWith1002() throws Exception {
        try (RawWebSocket client = session("unmasked")) {
            client.send(ClientFrame.text("{\"type\":\"ping\",\"id\":1}").unmasked());
            assertClosedWith(client, 1002);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 2, 1})
    void aReservedBitThatNoExtensionNegotiatedClosesWith1002(int rsv) throws Exception {
        try (RawWebSocket client = session("rsv-" + rsv)) {
            client.send(ClientFrame.text("{\"type\":\"ping\",\"id\":1}").withRsv(rsv));
            assertClosedWith(client, 1002);
        }
    }

    @Test
    void aReservedBitOnAContinuationFrameClosesWith1002() throws Exception {
        try (RawWebSocket client = session("rsv-continuation")) {
            client.send(ClientFrame.text("{\"type\":\"ping\",").withFin(false));
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, "\"id\":1}".getBytes(StandardCharsets.UTF_8))
                    .withRsv(2));
            assertClosedWith(client, 1002);
        }
    }

    @Test
    void aReservedBitOnAPingClosesWith1002() throws Exception {
        try (RawWebSocket client = session("rsv-ping")) {
            client.send(ClientFrame.of(ClientFrame.PING, new byte[] {1}).withRsv(4));
            assertClosedWith(client, 1002);
        }
    }

    @Test
    void withDeflateNegotiatedACompressedCommandWorksAndADecompressionBombClosesWith1009() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(ws)) {
            RawWebSocket.HttpHead head = client.request(RawWebSocket.upgradeRequest("/ws",
                    "Sec-WebSocket-Extensions: permessage-deflate\r\n"));
            assertEquals(101, head.status(), head.text());
            assertEquals("permessage-deflate", head.header("Sec-WebSocket-Extensions"));
            authenticate(client, token("deflate"));
            client.send(ClientFrame.deflatedText("{\"type\":\"ping\",\"id\":12}".getBytes(StandardCharsets.UTF_8)));
            assertEquals("{\"type\":\"ok\",\"id\":12}", client.nextText());
            byte[] bomb = ("{\"type\":\"ping\",\"id\":13,\"pad\":\"" + " ".repeat(1 << 20) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ClientFrame compressed = ClientFrame.deflatedText(bomb);
            assertTrue(compressed.payload().length < MAX_MESSAGE / 4, "a small frame");
            client.send(compressed);
            assertClosedWith(client, 1009);
        }
    }

    @Test
    void withDeflateNegotiatedAFrameThatIsNotDeflateClosesWith1002() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(ws)) {
            RawWebSocket.HttpHead head = client.request(RawWebSocket.upgradeRequest("/ws",
                    "Sec-WebSocket-Extensions: permessage-deflate\r\n"));
            assertEquals(101, head.status(), head.text());
            authenticate(client, token("not-deflate"));
            client.send(ClientFrame.of(ClientFrame.TEXT, new byte[] {(byte) 0xff, (byte) 0xff, 0x12, 0x34}).withRsv(4));
            assertClosedWith(client, 1002);
        }
    }

    @Test
    void aContinuationWithNothingToContinueClosesWith1002() throws Exception {
        try (RawWebSocket client = session("orphan")) {
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, "{}".getBytes(StandardCharsets.US_ASCII)));
            assertClosedWith(client, 1002);
        }
    }

    @Test
    void aNewMessageInsideAFragmentedOneClosesWith1002() throws Exception {
        try (RawWebSocket client = session("interleaved")) {
            client.send(ClientFrame.text("{\"type\":").withFin(false));
            client.send(ClientFrame.text("{\"type\":\"ping\",\"id\":1}"));
            assertClosedWith(client, 1002);
        }
    }

    @Test
    void aCloseFrameWithAOneByteBodyClosesWith1002() throws Exception {
        try (RawWebSocket client = session("close-body")) {
            client.send(ClientFrame.of(ClientFrame.CLOSE, new byte[] {3}));
            assertClosedWith(client, 1002);
        }
    }

    // ---- broken handshakes: HTTP answers before any upgrade -----------------------------------------

    @Test
    void aPlainHttpGetOnTheWebSocketPathGets400() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(ws)) {
            RawWebSocket.HttpHead head = client.request("GET /ws HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(400, head.status(), head.text());
        }
        HttpResponse<String> viaJdk = HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/ws")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, viaJdk.statusCode());
    }

    @Test
    void aPostToTheWebSocketPathGets405() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(ws)) {
            RawWebSocket.HttpHead head = client.request(
                    "POST /ws HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}");
            assertEquals(405, head.status(), head.text());
            assertEquals("GET", head.header("Allow"));
        }
    }

    @Test
    void aWrongWebSocketVersionGets426NamingVersion13() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(ws)) {
            RawWebSocket.HttpHead head = client.request(RawWebSocket.upgradeRequest("/ws", "")
                    .replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 12"));
            assertEquals(426, head.status(), head.text());
            assertEquals("13", head.header("Sec-WebSocket-Version"));
        }
    }

    @Test
    void anUpgradeWithoutAKeyGets400() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(ws)) {
            RawWebSocket.HttpHead head = client.request(RawWebSocket.upgradeRequest("/ws", "")
                    .replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""));
            assertEquals(400, head.status(), head.text());
        }
    }

    @Test
    void aSlowlorisHandshakeIsCutOffByTheHandshakeTimeout() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(ws)) {
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
    void oversizedHeadersGet400() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(ws)) {
            RawWebSocket.HttpHead head = client.request(RawWebSocket.upgradeRequest("/ws",
                    "X-Padding: " + "p".repeat(MAX_HANDSHAKE) + "\r\n"));
            assertEquals(400, head.status(), head.text());
        }
    }

    @Test
    void anOversizedRequestBodyGets413() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(ws)) {
            RawWebSocket.HttpHead head = client.request("GET /ws HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                    + (MAX_HANDSHAKE + 1) + "\r\n\r\n");
            assertEquals(413, head.status(), head.text());
        }
    }

    @Test
    void anOversizedRequestLineGets400() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(ws)) {
            RawWebSocket.HttpHead head = client.request(
                    RawWebSocket.upgradeRequest("/ws?" + "q".repeat(MAX_HANDSHAKE), ""));
            assertEquals(400, head.status(), head.text());
        }
    }

    // ---- commands: limits, topics, types, order -----------------------------------------------------

    @Test
    void thousandsOfSubscribesHitTheTopicLimitThenTheRateLimitThenCloseWith4502() throws Exception {
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        for (int id = 1; id <= 2000; id++) {
            flood.write(ClientFrame.text("{\"type\":\"subscribe\",\"id\":" + id
                    + ",\"topic\":\"badinput:flood-" + id + "\"}").encode());
        }
        try (RawWebSocket client = session("flood")) {
            long start = System.nanoTime();
            RawWebSocket.Closed closed = client.writeWhileAwaitingClose(flood.toByteArray());
            long refills = Duration.ofNanos(System.nanoTime() - start).toSeconds() + 1;
            assertEquals(4502, closed.code());
            assertEquals("command_flood", closed.reason());
            List<String> replies = closed.textsBefore();
            assertEquals("{\"type\":\"disconnect\",\"code\":4502,\"reason\":\"command_flood\",\"reconnect\":false}",
                    replies.get(replies.size() - 1));
            List<String> codes = replies.subList(0, replies.size() - 1).stream().map(BadInputIT::codeOf).toList();
            assertEquals(Collections.nCopies(MAX_TOPICS, "ok"), codes.subList(0, MAX_TOPICS));
            List<String> afterTheTopicLimit = codes.subList(MAX_TOPICS, codes.size());
            assertTrue(afterTheTopicLimit.stream().allMatch(c -> c.equals("too_many_topics") || c.equals("rate_limited")),
                    codes.toString());
            // The last of floodDisconnectAfter rate-limited commands in a row is answered by the close itself.
            assertEquals(Collections.nCopies(FLOOD_AFTER - 1, "rate_limited"),
                    codes.subList(codes.size() - FLOOD_AFTER + 1, codes.size()));
            // The bucket starts full and auth took one token; it refills by one a second meanwhile.
            long admitted = codes.stream().filter(code -> !code.equals("rate_limited")).count();
            assertTrue(admitted >= BURST - 1 && admitted <= BURST - 1 + refills, admitted + " admitted: " + codes);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "news*", "chat:*", "a b", "tab\\t", "", "nouvelles-\u00e9t\u00e9",
            "\u65b0\u95fb", "\ud83d\udce3", "caf\\u00e9"})
    void topicsOutsideTheTopicAlphabetGetBadTopic(String topic) throws Exception {
        try (RawWebSocket client = session("topics")) {
            assertError(client, "{\"type\":\"subscribe\",\"id\":21,\"topic\":\"" + topic + "\"}", "21", "bad_topic");
            assertError(client, publish(22, topic, "1"), "22", "bad_topic");
            assertPingAnswered(client);
        }
    }

    @Test
    void topicsOfTwoHundredCharactersAreAcceptedAndLongerOnesGetBadTopic() throws Exception {
        try (RawWebSocket client = session("long-topics")) {
            client.sendText("{\"type\":\"subscribe\",\"id\":23,\"topic\":\"badinput:" + "l".repeat(191) + "\"}");
            assertEquals("{\"type\":\"ok\",\"id\":23}", client.nextText());
            assertError(client, "{\"type\":\"subscribe\",\"id\":24,\"topic\":\"badinput:" + "l".repeat(192) + "\"}",
                    "24", "bad_topic");
        }
    }

    @Test
    void unknownCommandsGetUnknownType() throws Exception {
        try (RawWebSocket client = session("unknown")) {
            assertError(client, "{\"type\":\"fly\",\"id\":25}", "25", "unknown_type");
            assertError(client, "{\"type\":\"PING\",\"id\":26}", "26", "unknown_type");
            assertError(client, "{\"type\":7,\"id\":27}", "27", "invalid_field");
            assertError(client, "{\"id\":28}", "28", "missing_field");
            assertPingAnswered(client);
        }
    }

    @Test
    void commandsBeforeAuthGetNotAuthenticatedAndAuthStillWorks() throws Exception {
        try (RawWebSocket client = RawWebSocket.upgraded(ws, "/ws")) {
            assertError(client, "{\"type\":\"subscribe\",\"id\":31,\"topic\":\"badinput:early\"}", "31",
                    "not_authenticated");
            assertError(client, publish(32, "badinput:early", "1"), "32", "not_authenticated");
            assertError(client, "{\"type\":\"unsubscribe\",\"id\":33,\"topic\":\"badinput:early\"}", "33",
                    "not_authenticated");
            assertError(client, "{\"type\":\"ping\",\"id\":34}", "34", "not_authenticated");
            assertError(client, "{\"type\":\"refresh\",\"id\":35,\"token\":\"" + token("early") + "\"}", "35",
                    "not_authenticated");
            authenticate(client, token("early"));
            assertPingAnswered(client);
        }
    }

    // ---- tokens: 4500 on the first frame, 401 on the upgrade ----------------------------------------

    static Stream<Arguments> badTokens() throws Exception {
        Instant now = Instant.now();
        String valid = token("mallory");
        byte[] otherSecret = "another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                Arguments.of("garbage", "not-a-jwt"),
                Arguments.of("three garbage segments", "a.b.c"),
                Arguments.of("forged with another secret",
                        TestTokens.hs256(otherSecret, "mallory", List.of("*"), List.of("*"), Duration.ofMinutes(5))),
                Arguments.of("expired", TestTokens.hs256(SECRET, "mallory", List.of("*"), List.of("*"),
                        Duration.ofMinutes(-10))),
                Arguments.of("unsigned (alg none)", HostileTokens.unsigned(HostileTokens.claims("mallory"))),
                Arguments.of("unsigned by java-jwt", TestTokens.unsigned(now, "mallory", Duration.ofMinutes(5))),
                Arguments.of("signature of another token", valid.substring(0, valid.lastIndexOf('.') + 1)
                        + token("eve").substring(token("eve").lastIndexOf('.') + 1)),
                Arguments.of("RS256 by an unknown key", TestTokens.rs256(now, "mallory", Duration.ofMinutes(5))),
                Arguments.of("algorithm confusion", rsa.algorithmConfusion("mallory")),
                Arguments.of("algorithm confusion without kid", HostileTokens.hs256(
                        Files.readAllBytes(rsa.publicKeyFile()),
                        "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", HostileTokens.claims("mallory"))),
                Arguments.of("no sub", TestTokens.hs256Payload(SECRET,
                        "{\"exp\":" + (now.getEpochSecond() + 300) + "}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void aBadTokenInTheAuthCommandClosesWith4500(String kind, String token) throws Exception {
        try (RawWebSocket client = RawWebSocket.upgraded(ws, "/ws")) {
            client.sendText("{\"type\":\"auth\",\"id\":1,\"token\":\"" + token + "\"}");
            assertEquals(new RawWebSocket.Closed(4500, "invalid_token", List.of(
                    "{\"type\":\"disconnect\",\"code\":4500,\"reason\":\"invalid_token\",\"reconnect\":false}")),
                    client.awaitClose(), kind);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void aBadBearerTokenIsRefusedWith401(String kind, String token) throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(ws)) {
            RawWebSocket.HttpHead head = client.request(
                    RawWebSocket.upgradeRequest("/ws", "Authorization: Bearer " + token + "\r\n"));
            assertEquals(401, head.status(), kind + ": " + head.text());
        }
    }

    @Test
    void theConfiguredRsaKeyIsInUseSoTheConfusionTokenIsRefusedForItsAlgorithm() throws Exception {
        try (RawWebSocket client = RawWebSocket.upgraded(ws, "/ws")) {
            authenticate(client, rsa.rs256("rsa-user", Duration.ofMinutes(5)));
            assertPingAnswered(client);
        }
    }

    // ---- after everything ---------------------------------------------------------------------------

    @Test
    @Order(Integer.MAX_VALUE)
    void afterTheWholeSuiteTheWitnessGotEveryMarkerAndTheNodeIsReadyAndLeakFree() throws Exception {
        assertTrue(witness.markers() > 40, "the suite ran before this test: " + witness.markers());
        witness.assertEveryMarkerArrivedInOrder();
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode());
        leaks.assertNoLeaks(Duration.ofMillis(500));
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static String token(String user) {
        return TestTokens.hs256(SECRET, user, List.of("*"), List.of("*"), Duration.ofMinutes(10));
    }

    private static RawWebSocket session(String user) throws Exception {
        RawWebSocket client = RawWebSocket.upgraded(ws, "/ws");
        authenticate(client, token(user));
        return client;
    }

    private static void authenticate(RawWebSocket client, String token) throws Exception {
        client.sendText("{\"type\":\"auth\",\"id\":1,\"token\":\"" + token + "\"}");
        assertTrue(client.nextText().startsWith("{\"type\":\"welcome\","));
        assertEquals("{\"type\":\"ok\",\"id\":1}", client.nextText());
    }

    private static String publish(int id, String topic, String data) {
        return "{\"type\":\"publish\",\"id\":" + id + ",\"topic\":\"" + topic + "\",\"data\":" + data + "}";
    }

    /** Sends {@code frame} and asserts the error reply: exact type, id and code (the message may change). */
    private static void assertError(RawWebSocket client, String frame, String id, String code) throws Exception {
        client.sendText(frame);
        String reply = client.nextText();
        String expected = "{\"type\":\"error\"," + (id == null ? "" : "\"id\":" + id + ",")
                + "\"code\":\"" + code + "\",\"message\":\"";
        assertTrue(reply.startsWith(expected) && reply.endsWith("\"}"), "expected " + expected + "... got " + reply);
    }

    private static void assertPingAnswered(RawWebSocket client) throws Exception {
        client.sendText("{\"type\":\"ping\",\"id\":99}");
        assertEquals("{\"type\":\"ok\",\"id\":99}", client.nextText());
    }

    /** The frame decoder closes at once: the close code, no push before it, and the end of the stream. */
    private static void assertClosedWith(RawWebSocket client, int code) throws Exception {
        RawWebSocket.Closed closed = client.awaitClose();
        assertEquals(code, closed.code(), closed.toString());
        assertEquals(List.of(), closed.textsBefore());
        assertEquals(0, client.readUntilEndOfStream(RawWebSocket.WAIT).length, "nothing after the close frame");
    }

    private static String codeOf(String reply) {
        if (reply.startsWith("{\"type\":\"ok\"")) {
            return "ok";
        }
        int at = reply.indexOf("\"code\":\"");
        return at < 0 ? reply : reply.substring(at + 8, reply.indexOf('"', at + 8));
    }
}
