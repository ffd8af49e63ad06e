package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy hooks' JSON (PROTOCOL.md §16): golden files under {@code src/test/resources/proxy-hooks} pin the request
 * bodies byte for byte and the response bodies as decoded; every way a backend can break the contract is
 * {@link HookResponse.Invalid}, never an exception.
 */
class HookCodecTest {

    private static final RawJson DATA = RawJson.trusted("{\"page\":2}");
    private final HookCodec codec = new HookCodec(4096, 64);

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of("connect-request.json", new HookRequest.Connect("n1", RawJson.trusted("{\"app\":\"web\"}"))),
                Arguments.of("refresh-request.json", new HookRequest.Refresh("n1", "n1-3", "42")),
                Arguments.of("subscribe-request.json", new HookRequest.Subscribe("n1", "n1-3", "42", "orders:42")),
                Arguments.of("publish-request.json", new HookRequest.Publish("n1", "n1-3", "42", "chat:lobby",
                        RawJson.trusted("{\"text\":\"hi\"}"))),
                Arguments.of("rpc-request.json", new HookRequest.Rpc("n1", "n1-3", "42", "orders:list", DATA)));
    }

    static Stream<Arguments> responses() {
        return Stream.of(
                Arguments.of("connect-result.json", HookKind.CONNECT, new HookResponse.Result("42",
                        Instant.ofEpochSecond(1_893_456_000L), RawJson.trusted("{\"name\": \"Ada\"}"),
                        List.of("user:42", "orders:42"), List.of("chat:*"), List.of("chat:*"), null)),
                Arguments.of("refresh-result.json", HookKind.REFRESH, result(Instant.ofEpochSecond(1_893_456_000L),
                        null)),
                Arguments.of("subscribe-result.json", HookKind.SUBSCRIBE, result(null, null)),
                Arguments.of("publish-result.json", HookKind.PUBLISH,
                        result(null, RawJson.trusted("{\"text\":\"hi\",\"checked\":true}"))),
                Arguments.of("rpc-result.json", HookKind.RPC, result(null, RawJson.trusted("{\"orders\":[7,8]}"))),
                Arguments.of("error.json", HookKind.RPC, new HookResponse.Error(1001, "not your order")),
                Arguments.of("disconnect.json", HookKind.CONNECT, new HookResponse.Disconnect(4501, "banned")),
                Arguments.of("disconnect-app-code.json", HookKind.RPC,
                        new HookResponse.Disconnect(4601, "account_deleted")));
    }

    private static HookResponse.Result result(Instant expireAt, RawJson data) {
        return new HookResponse.Result(null, expireAt, null, List.of(), List.of(), List.of(), data);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void encodesRequestExactlyAsGolden(String file, HookRequest request) {
        byte[] expected = golden(file);
        byte[] actual = codec.encode(request);
        assertArrayEquals(expected, actual, () -> new String(actual, StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responses")
    void decodesGoldenResponse(String file, HookKind kind, HookResponse expected) {
        assertEquals(expected, codec.decode(kind, golden(file)));
    }

    @Test
    void aConnectRequestWithoutDataLeavesTheFieldOut() {
        assertEquals("{\"node\":\"n1\"}",
                new String(codec.encode(new HookRequest.Connect("n1", null)), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "nonsense", "[]", "null", "{}", "{\"futureField\":1}",
        "{\"result\":{},\"error\":{\"code\":1000,\"message\":\"x\"}}",
        "{\"result\":{},\"result\":{}}",
        "{\"result\":{\"user\":\"a\",\"user\":\"b\"}}",
        "{\"result\":{}} trailing",
        "{\"result\":[]}",
        "{\"result\":{\"data\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28]}}",
        "{\"result\":{\"topics\":[\"bad topic\"]}}",
        "{\"result\":{\"topics\":\"user:1\"}}",
        "{\"result\":{\"subscribe\":[1]}}",
        "{\"result\":{\"expireAt\":-1}}",
        "{\"result\":{\"expireAt\":1.5}}",
        "{\"result\":{\"expireAt\":99999999999999999999}}",
        "{\"error\":{\"code\":100,\"message\":\"x\"}}",
        "{\"error\":{\"code\":2000,\"message\":\"x\"}}",
        "{\"error\":{\"code\":1000}}",
        "{\"error\":{\"code\":\"1000\",\"message\":\"x\"}}",
        "{\"disconnect\":{\"code\":3000,\"reason\":\"x\"}}",
        "{\"disconnect\":{\"code\":4500,\"reason\":\"a reason that is longer than thirty-two bytes\"}}",
        "{\"disconnect\":{\"code\":4500}}",
        "{\"disconnect\":{\"code\":4123,\"reason\":\"Kicked\"}}",
        "{\"disconnect\":{\"code\":4123,\"reason\":\"come back\"}}",
        "{\"disconnect\":{\"code\":4601,\"reason\":\"\"}}",
        "{\"disconnect\":{\"code\":4999,\"reason\":\"caf\u00e9\"}}",
        "{\"disconnect\":{\"code\":5000,\"reason\":\"x\"}}",
        "{\"disconnect\":\"now\"}"
    })
    void aBodyThatBreaksTheContractIsInvalid(String body) {
        assertInstanceOf(HookResponse.Invalid.class, codec.decode(HookKind.RPC, utf8(body)), body);
    }

    @Test
    void aDisconnectPassesAnApplicationCodeThroughAndMapsCriersOwnRanges() {
        assertEquals(new Close(4100, "come_back", true), new HookResponse.Disconnect(4100, "come_back").close());
        assertEquals(new Close(4999, "gone", false), new HookResponse.Disconnect(4999, "gone").close());
        assertEquals(CloseCode.BACKEND_DISCONNECT.close(), new HookResponse.Disconnect(4000, "shutdown").close());
        assertEquals(CloseCode.BACKEND_DISCONNECT.close(), new HookResponse.Disconnect(4099, "any text").close());
        assertEquals(CloseCode.BACKEND_REFUSED.close(), new HookResponse.Disconnect(4503, "revoked").close());
        assertEquals(CloseCode.BACKEND_REFUSED.close(), new HookResponse.Disconnect(4599, "Any Text").close());
    }

    @Test
    void eachHookChecksTheFieldsItNeeds() {
        assertInstanceOf(HookResponse.Invalid.class, codec.decode(HookKind.CONNECT, utf8("{\"result\":{}}")));
        assertInstanceOf(HookResponse.Invalid.class,
                codec.decode(HookKind.CONNECT, utf8("{\"result\":{\"user\":\"  \"}}")));
        assertInstanceOf(HookResponse.Invalid.class, codec.decode(HookKind.REFRESH, utf8("{\"result\":{}}")));
        assertInstanceOf(HookResponse.Result.class, codec.decode(HookKind.SUBSCRIBE, utf8("{\"result\":{}}")));
    }

    @Test
    void aBodyOverTheBoundIsInvalidBeforeItIsParsed() {
        byte[] big = utf8("{\"result\":{\"info\":\"" + "x".repeat(5000) + "\"}}");
        assertEquals(new HookResponse.Invalid("body larger than 4096 bytes"), codec.decode(HookKind.CONNECT, big));
    }

    @Test
    void aBodyNestedTooDeeplyIsInvalid() {
        String deep = "[".repeat(100) + "]".repeat(100);
        assertInstanceOf(HookResponse.Invalid.class,
                codec.decode(HookKind.CONNECT, utf8("{\"result\":{\"user\":\"a\",\"info\":" + deep + "}}")));
    }

    @Test
    void badUtf8IsInvalid() {
        byte[] body = {'{', '"', 'r', (byte) 0xC3, '"', ':', '1', '}'};
        assertInstanceOf(HookResponse.Invalid.class, codec.decode(HookKind.RPC, body));
    }

    private static byte[] golden(String name) {
        return Golden.resource("/proxy-hooks/" + name);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
