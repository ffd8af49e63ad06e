package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The server API's JSON and the control messages: golden files under {@code src/test/resources/fleet-api} pin the
 * shapes; hostile bodies map to their error codes and never to an exception.
 */
class FleetApiCodecTest {

    private static final String NAME_RULE = "must be a string of 1 to 256 characters without control characters";

    private final FleetApiCodec codec = new FleetApiCodec(5);

    @Test
    void decodesEachActionFromItsGoldenBody() {
        assertEquals(single(new FleetAction.Disconnect("42", true)),
                codec.decode("disconnect", golden("request-disconnect.json")));
        assertEquals(single(new FleetAction.Revoke("tok-7f3a", Instant.ofEpochSecond(1893456000))),
                codec.decode("revoke", golden("request-revoke.json")));
        assertEquals(single(new FleetAction.Invalidate("42", Instant.ofEpochSecond(1767225600))),
                codec.decode("invalidate", golden("request-invalidate.json")));
        assertEquals(single(new FleetAction.Block("42", Instant.ofEpochSecond(1893456000))),
                codec.decode("block", golden("request-block.json")));
        assertEquals(single(new FleetAction.Unblock("42")), codec.decode("unblock", bytes("{\"user\":\"42\"}")));
        assertEquals(single(new FleetAction.Info()), codec.decode("info", bytes("{}")));
        assertEquals(single(new FleetAction.Invalidate("42", null)), codec.decode("invalidate", bytes("{\"user\":\"42\"}")));
        assertEquals(single(new FleetAction.Disconnect("42", false)), codec.decode("disconnect", bytes("{\"user\":\"42\"}")));
        assertEquals(single(new FleetAction.Disconnect("42", Close.app(4123, "kicked"))),
                codec.decode("disconnect", golden("request-disconnect-code.json")));
        assertEquals(single(new FleetAction.Disconnect("42", Close.app(4999, "x".repeat(32)))), codec.decode(
                "disconnect", bytes("{\"user\":\"42\",\"code\":4999,\"reason\":\"" + "x".repeat(32)
                        + "\",\"reconnect\":false}")));
        assertEquals(single(new FleetAction.Disconnect("42", Close.app(4100, "a_1"))), codec.decode(
                "disconnect", bytes("{\"user\":\"42\",\"code\":4100,\"reason\":\"a_1\",\"reconnect\":true}")));
    }

    @Test
    void decodesTheReads() {
        assertEquals(single(new FleetAction.Presence("room:1", true)),
                codec.decode("presence", bytes("{\"topic\":\"room:1\",\"countOnly\":true}")));
        assertEquals(single(new FleetAction.History("news", new Position(5, "abc"), 50)),
                codec.decode("history", golden("request-history.json")));
        assertEquals(single(new FleetAction.History("news", null, 100)),
                codec.decode("history", bytes("{\"topic\":\"news\"}")));
        for (String bad : List.of("{\"topic\":\"news\",\"limit\":0}", "{\"topic\":\"news\",\"limit\":1001}",
                "{\"topic\":\"news\",\"since\":{\"offset\":-1,\"epoch\":\"a\"}}",
                "{\"topic\":\"news\",\"since\":{\"offset\":1,\"epoch\":\"a b\"}}",
                "{\"topic\":\"news\",\"since\":5}")) {
            FleetAction action = ((FleetApiRequest.Single) codec.decode("history", bytes(bad))).action();
            assertEquals(PublishApiError.INVALID_FIELD, ((FleetAction.Rejected) action).error(), bad);
        }
    }

    @Test
    void encodesTheReadsAsTheCommandsOkFieldsWithoutTypeAndId() {
        CommandId id = CommandId.of(1);
        assertArrayEquals(golden("response-history.json"), codec.encodeReply(new Reply.HistoryPage(id,
                new Position(9, "abc"), true, List.of(new Reply.HistoryItem(6, RawJson.trusted("{\"n\":6}"))))));
        assertArrayEquals(bytes("{\"sessions\":3,\"users\":2}"), codec.encodeReply(new Reply.PresenceCount(id, 3, 2)));
    }

    @Test
    void decodesTheBatchInOrderWithBadEntriesRejectedAlone() {
        assertEquals(new FleetApiRequest.Batch(List.of(
                new FleetAction.Disconnect("42", false),
                new FleetAction.Subscribe("42", "orders:42"),
                new FleetAction.Rejected(PublishApiError.MISSING_FIELD, "missing field 'exp'"),
                new FleetAction.Rejected(PublishApiError.INVALID_FIELD, "unknown action"),
                new FleetAction.Rejected(PublishApiError.INVALID_FIELD, "a command must be a JSON object"))),
                codec.decode("batch", golden("request-batch.json")));
    }

    @Test
    void aBatchDisconnectTakesAnApplicationCodeAndRejectsABadOneAlone() {
        assertEquals(new FleetApiRequest.Batch(List.of(
                new FleetAction.Disconnect("42", Close.app(4600, "gone")),
                new FleetAction.Rejected(PublishApiError.INVALID_FIELD,
                        "'code' must be an application close code: 4100 to 4499 (reconnect) or 4600 to 4999"))),
                codec.decode("batch", bytes("{\"commands\":[{\"action\":\"disconnect\",\"user\":\"42\","
                        + "\"code\":4600,\"reason\":\"gone\"},{\"action\":\"disconnect\",\"user\":\"42\","
                        + "\"code\":4000,\"reason\":\"shutdown\"}]}")));
    }

    @Test
    void encodesEveryAnswerShapeExactlyAsItsGoldenFile() {
        assertArrayEquals(golden("response-reached.json"), codec.encode(new FleetApiResult.Reached(3, 2)));
        assertArrayEquals(golden("response-batch.json"), codec.encodeBatch(List.of(
                new FleetApiResult.Reached(3, 2),
                new FleetApiResult.Failed(PublishApiError.MISSING_FIELD, "missing field 'exp'"))));
        assertArrayEquals(bytes("{\"node\":\"n1\"}"),
                codec.encode(new FleetApiResult.Body(RawJson.trusted("{\"node\":\"n1\"}"))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json                                  | bad_json",
        "[1]                                       | bad_json",
        "{\"user\":\"a\"} x                        | bad_json",
        "{\"user\":\"a\",\"user\":\"b\"}           | bad_json",
    })
    void aBodyThatIsNotOneObjectIsInvalidAsAWhole(String body, String code) {
        FleetApiRequest request = codec.decode("disconnect", bytes(body.trim()));
        assertEquals(code, ((FleetApiRequest.Invalid) request).error().wire());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "disconnect | {}                                    | missing_field",
        "disconnect | {\"user\":42}                         | invalid_field",
        "disconnect | {\"user\":\"\"}                       | invalid_field",
        "disconnect | {\"user\":\"  \"}                     | invalid_field",
        "disconnect | {\"user\":\"a\\nb\"}                  | invalid_field",
        "disconnect | {\"user\":\"a\\u2028b\"}              | invalid_field",
        "disconnect | {\"user\":\"a\\ud800\"}               | invalid_field",
        "disconnect | {\"user\":\"a\",\"reconnect\":\"yes\"} | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":4008,\"reason\":\"yes\"} | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":4510,\"reason\":\"yes\"} | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":4099,\"reason\":\"yes\"} | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":4599,\"reason\":\"yes\"} | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":5000,\"reason\":\"yes\"} | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":1000,\"reason\":\"yes\"} | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":-4123,\"reason\":\"yes\"} | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":4123.5,\"reason\":\"yes\"} | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":\"4123\",\"reason\":\"yes\"} | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":99999999999999999999999,\"reason\":\"yes\"} | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":4123}                   | missing_field",
        "disconnect | {\"user\":\"a\",\"code\":4123,\"reason\":\"\"}  | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":4123,\"reason\":\"Yes\"} | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":4123,\"reason\":\"no spaces\"} | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":4123,\"reason\":\"yesyesyesyesyesyesyesyesyesyesyes\"} | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":4123,\"reason\":7}     | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":4123,\"reason\":\"yes\",\"reconnect\":false} | invalid_field",
        "disconnect | {\"user\":\"a\",\"code\":4623,\"reason\":\"yes\",\"reconnect\":true} | invalid_field",
        "disconnect | {\"user\":\"a\",\"reason\":\"yes\"}             | invalid_field",
        "subscribe  | {\"user\":\"a\",\"topic\":\"no spaces\"} | bad_topic",
        "revoke     | {\"jti\":\"x\",\"exp\":1.5}           | invalid_field",
        "revoke     | {\"jti\":\"x\",\"exp\":-1}            | invalid_field",
        "revoke     | {\"jti\":\"x\",\"exp\":253402300800}  | invalid_field",
        "revoke     | {\"jti\":\"x\",\"exp\":99999999999999999999999} | invalid_field",
        "block      | {\"user\":\"a\",\"until\":null}       | invalid_field",
        "block      | {\"user\":\"a\",\"until\":{\"s\":1}}  | invalid_field",
    })
    void aBadFieldRejectsTheActionWithAFixedMessage(String route, String body, String code) {
        FleetApiRequest request = codec.decode(route.trim(), bytes(body.trim()));
        FleetAction.Rejected rejected = (FleetAction.Rejected) ((FleetApiRequest.Single) request).action();
        assertEquals(code, rejected.error().wire());
        assertFalse(rejected.message().contains("no spaces") || rejected.message().contains("yes"));
    }

    @Test
    void anOverlongNameIsRejectedAndTheLongestIsTaken() {
        String longest = "u".repeat(256);
        assertEquals(single(new FleetAction.Unblock(longest)),
                codec.decode("unblock", bytes("{\"user\":\"" + longest + "\"}")));
        FleetAction rejected = ((FleetApiRequest.Single) codec.decode("unblock",
                bytes("{\"user\":\"" + longest + "u\"}"))).action();
        assertEquals(new FleetAction.Rejected(PublishApiError.INVALID_FIELD, "'user' " + NAME_RULE), rejected);
    }

    @Test
    void anUnknownRouteABatchTooLargeOrWithoutCommandsIsInvalidAsAWhole() {
        assertEquals(new FleetApiRequest.Invalid(PublishApiError.INVALID_FIELD, "unknown action"),
                codec.decode("../publish", bytes("{}")));
        assertEquals(new FleetApiRequest.Invalid(PublishApiError.TOO_LARGE, "a batch holds at most 5 commands"),
                codec.decode("batch", bytes("{\"commands\":[{},{},{},{},{},{}]}")));
        assertEquals(new FleetApiRequest.Invalid(PublishApiError.INVALID_FIELD, "'commands' must be an array"),
                codec.decode("batch", bytes("{\"commands\":{}}")));
    }

    @Test
    void deepNestingIsBadJsonNotAStackOverflow() {
        String deep = "{\"user\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertEquals(PublishApiError.BAD_JSON,
                ((FleetApiRequest.Invalid) codec.decode("disconnect", bytes(deep))).error());
    }

    @Test
    void namesFollowTheSubjectRule() {
        assertTrue(UserIds.isValid("user-42@example.com"));
        assertTrue(UserIds.isValid("\ud83d\ude00"));
        assertFalse(UserIds.isValid(null));
        assertFalse(UserIds.isValid("a\u0000"));
    }

    private static FleetApiRequest single(FleetAction action) {
        return new FleetApiRequest.Single(action);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] golden(String name) {
        try (InputStream in = FleetApiCodecTest.class.getResourceAsStream("/fleet-api/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no golden file " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
