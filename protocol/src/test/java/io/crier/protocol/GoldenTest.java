package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins every envelope of the wire protocol to a golden file: inbound ones by decoding the file (and, since
 * clients encode them, by encoding a record), outbound ones by encoding a record and comparing the bytes exactly.
 */
class GoldenTest {

    private static final String AUTH_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
    private static final String PUBLICATION = "publication/publication.json";
    private static final String PUBLICATION_WITH_POSITION = "publication/publication-position.json";
    private static final String JOIN = "publication/join.json";
    private static final String LEAVE = "publication/leave.json";
    private static final RawJson PUBLICATION_DATA = RawJson.trusted("{\"headline\":\"hi\"}");

    private final EnvelopeCodec codec = new EnvelopeCodec(64 * 1024);
    private final PublicationCodec publications = new PublicationCodec();

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of("command/auth.json", new Command.Auth(CommandId.of(1), AUTH_TOKEN)),
                Arguments.of("command/auth-anonymous.json", new Command.Auth(CommandId.of(1), null)),
                Arguments.of("command/auth-since.json", new Command.Auth(CommandId.of(1), AUTH_TOKEN,
                        sinceByTopic())),
                Arguments.of("command/auth-data.json",
                        new Command.Auth(CommandId.of(1), null, RawJson.trusted("{\"app\":\"web\"}"))),
                Arguments.of("command/rpc.json",
                        new Command.Rpc(CommandId.of(6), "orders:list", RawJson.trusted("{\"page\":2}"))),
                Arguments.of("command/rpc-without-data.json", new Command.Rpc(CommandId.of(6), "time", null)),
                Arguments.of("command/refresh.json", new Command.Refresh(CommandId.of(7), AUTH_TOKEN)),
                Arguments.of("command/subscribe.json", new Command.Subscribe(CommandId.of(2), "news")),
                Arguments.of("command/subscribe-since.json",
                        new Command.Subscribe(CommandId.of(2), "news", new Position(5, "abc"))),
                Arguments.of("command/history.json",
                        new Command.History(CommandId.of(3), "news", new Position(5, "abc"), 50)),
                Arguments.of("command/history-defaults.json",
                        new Command.History(CommandId.of(3), "news", null, Command.History.DEFAULT_LIMIT)),
                Arguments.of("command/presence.json", new Command.Presence(CommandId.of(4), "chat:lobby", false)),
                Arguments.of("command/presence-count.json",
                        new Command.Presence(CommandId.of(4), "chat:lobby", true)),
                Arguments.of("command/unsubscribe.json", new Command.Unsubscribe(CommandId.of(3), "news")),
                Arguments.of("command/publish-object.json", publish(4, "chat:lobby",
                        "{\"text\":\"hi\",\"tags\":[\"a\",\"b\"],\"n\":1.5}")),
                Arguments.of("command/publish-array.json", publish(5, "chat:lobby",
                        "[1,\"two\",{\"three\":3},null]")),
                Arguments.of("command/publish-string.json", publish(6, "chat:lobby",
                        "\"h\\u00e9llo \\\"world\\\"\"")),
                Arguments.of("command/publish-number.json", publish(7, "metrics:cpu", "-12.5e3")),
                Arguments.of("command/publish-null.json",
                        new Command.Publish(CommandId.ofString("p-8"), "news", RawJson.trusted("null"))),
                Arguments.of("command/ping-number.json", new Command.Ping(CommandId.of(9))),
                Arguments.of("command/ping-string.json", new Command.Ping(CommandId.ofString("a1"))));
    }

    static Stream<Arguments> replies() {
        return Stream.of(
                Arguments.of("reply/ok.json", new Reply.Ok(CommandId.of(2))),
                Arguments.of("reply/ok-string-id.json", new Reply.Ok(CommandId.ofString("a1"))),
                Arguments.of("reply/error.json", new Reply.Error(CommandId.of(2), ErrorCode.FORBIDDEN,
                        "not allowed to subscribe to this topic")),
                Arguments.of("reply/error-without-id.json",
                        new Reply.Error(null, ErrorCode.BAD_JSON, "frame is not valid JSON")),
                Arguments.of("reply/error-rate-limited.json", new Reply.Error(CommandId.of(8),
                        ErrorCode.RATE_LIMITED, "too many commands; retry later")),
                Arguments.of("reply/subscribed.json",
                        new Reply.Subscribed(CommandId.of(2), true, new Position(7, "abc"))),
                Arguments.of("reply/subscribed-not-recovered.json",
                        new Reply.Subscribed(CommandId.of(2), false, new Position(0, "Xk3-9f_Q.2"))),
                Arguments.of("reply/history-page.json", new Reply.HistoryPage(CommandId.of(3), new Position(9, "abc"),
                        true, List.of(item(6, "{\"headline\":\"six\"}"), item(7, "[1, 2]"),
                                item(8, "\"caf\\u00e9 \u2615 \uD83C\uDF89\"")))),
                Arguments.of("reply/history-page-incomplete.json",
                        new Reply.HistoryPage(CommandId.of(3), new Position(120, "abc"), false, List.of())),
                Arguments.of("reply/presence-list.json", new Reply.PresenceList(CommandId.of(4), List.of(
                        new Reply.PresenceItem("alice", "n1-3", RawJson.trusted("{\"name\":\"Alice\",\"avatar\":null}")),
                        new Reply.PresenceItem("", "n2-8", null)))),
                Arguments.of("reply/presence-count.json", new Reply.PresenceCount(CommandId.of(4), 3, 2)),
                Arguments.of("reply/rpc-result.json",
                        new Reply.RpcResult(CommandId.of(6), RawJson.trusted("{\"orders\":[7,8]}"))),
                Arguments.of("reply/rpc-result-without-data.json", new Reply.RpcResult(CommandId.of(6), null)),
                Arguments.of("reply/refused.json", new Reply.Refused(CommandId.of(6), 1001, "not your order")));
    }

    static Stream<Arguments> pushes() {
        return Stream.of(
                Arguments.of("push/welcome.json", new Push.Welcome("s1", "n1", "alice", 25)),
                Arguments.of("push/message.json", new Push.Message("news", RawJson.trusted("{\"headline\":\"hi\"}"))),
                Arguments.of("push/message-position.json", new Push.Message("news",
                        RawJson.trusted("{\"headline\":\"hi\"}"), new Position(7, "abc"))),
                Arguments.of("push/join.json", new Push.Join("chat:lobby", "alice", "n1-3")),
                Arguments.of("push/leave.json", new Push.Leave("chat:lobby", "alice", "n1-3")),
                Arguments.of("push/disconnect-shutdown.json", new Push.Disconnect(CloseCode.SHUTDOWN)),
                Arguments.of("push/disconnect-invalid-token.json", new Push.Disconnect(CloseCode.INVALID_TOKEN)),
                Arguments.of("push/disconnect-reconnect-delay.json", new Push.Disconnect(CloseCode.SHUTDOWN, 1234)),
                Arguments.of("push/disconnect-token-expired.json", new Push.Disconnect(CloseCode.TOKEN_EXPIRED)),
                Arguments.of("push/disconnect-backend-unavailable.json",
                        new Push.Disconnect(CloseCode.BACKEND_UNAVAILABLE, 2345)),
                Arguments.of("push/disconnect-backend-refused.json", new Push.Disconnect(CloseCode.BACKEND_REFUSED)),
                Arguments.of("push/disconnect-app-code.json", new Push.Disconnect(Close.app(4123, "kicked"))),
                Arguments.of("push/disconnect-app-code-final.json",
                        new Push.Disconnect(Close.app(4601, "account_deleted"))),
                Arguments.of("push/expiring.json", new Push.Expiring(42)),
                Arguments.of("push/heartbeat.json", new Push.Heartbeat()),
                Arguments.of("push/subscribed.json", new Push.Subscribed("orders:42")),
                Arguments.of("push/subscribed-position.json",
                        new Push.Subscribed("news", true, new Position(7, "abc"))),
                Arguments.of("push/unsubscribed.json", new Push.Unsubscribed("orders:42")));
    }

    static Stream<Arguments> brokerPayloads() {
        return Stream.of(
                Arguments.of(PUBLICATION, new ChannelMessage.Publication(PUBLICATION_DATA, null)),
                Arguments.of(PUBLICATION_WITH_POSITION,
                        new ChannelMessage.Publication(PUBLICATION_DATA, new Position(7, "abc"))),
                Arguments.of(JOIN, new ChannelMessage.PresenceEvent(true, "alice", "n1-3")),
                Arguments.of(LEAVE, new ChannelMessage.PresenceEvent(false, "alice", "n1-3")));
    }

    /** Two topics, in the order the golden file has them. */
    private static Map<String, Position> sinceByTopic() {
        Map<String, Position> since = new LinkedHashMap<>();
        since.put("orders:42", new Position(5, "abc"));
        since.put("user:alice", new Position(0, "Xk3-9f_Q.2"));
        return since;
    }

    private static Reply.HistoryItem item(long offset, String data) {
        return new Reply.HistoryItem(offset, RawJson.trusted(data));
    }

    private static Command.Publish publish(long id, String topic, String data) {
        return new Command.Publish(CommandId.of(id), topic, RawJson.trusted(data));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void decodesGoldenCommand(String file, Command expected) {
        assertEquals(expected, codec.decode(Golden.bytes(file)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void encodesCommandExactlyAsGolden(String file, Command command) {
        assertBytes(Golden.bytes(file), codec.encodeCommand(command));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replies")
    void encodesReplyExactlyAsGolden(String file, Reply reply) {
        assertBytes(Golden.bytes(file), codec.encode(reply));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pushes")
    void encodesPushExactlyAsGolden(String file, Push push) {
        assertBytes(Golden.bytes(file), codec.encode(push));
    }

    @Test
    void encodesBrokerPublicationExactlyAsGolden() {
        assertBytes(Golden.bytes(PUBLICATION), publications.encode(PUBLICATION_DATA));
    }

    @Test
    void decodesDataOfGoldenBrokerPublication() throws MalformedPublicationException {
        assertEquals(PUBLICATION_DATA, publications.decodeData(Golden.bytes(PUBLICATION)));
    }

    @Test
    void encodesBrokerPublicationWithPositionExactlyAsGolden() {
        assertBytes(Golden.bytes(PUBLICATION_WITH_POSITION),
                publications.encode(PUBLICATION_DATA, new Position(7, "abc")));
    }

    @Test
    void encodesBrokerPresenceEventsExactlyAsGolden() {
        assertBytes(Golden.bytes(JOIN), publications.encodeJoin("alice", "n1-3"));
        assertBytes(Golden.bytes(LEAVE), publications.encodeLeave("alice", "n1-3"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokerPayloads")
    void decodesGoldenBrokerPayload(String file, ChannelMessage expected) throws MalformedPublicationException {
        assertEquals(expected, publications.decode(Golden.bytes(file)));
    }

    @Test
    void everyGoldenFileIsPinnedByATestAndEveryPinnedFileExists() throws Exception {
        Set<String> pinned = new TreeSet<>();
        Stream.of(commands(), replies(), pushes(), brokerPayloads())
                .flatMap(rows -> rows)
                .forEach(row -> pinned.add((String) row.get()[0]));
        assertEquals(pinned, Golden.allNames());
    }

    private static void assertBytes(byte[] expected, byte[] actual) {
        assertArrayEquals(expected, actual, () -> "expected " + new String(expected, StandardCharsets.UTF_8)
                + " but was " + new String(actual, StandardCharsets.UTF_8));
    }
}
