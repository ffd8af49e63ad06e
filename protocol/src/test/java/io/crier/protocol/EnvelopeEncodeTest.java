package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Encoding beyond the golden files: escaping, the message fast path, and every close code. */
class EnvelopeEncodeTest {

    private static final String TRICKY = "he said \"hi\"\\\n\t\u0001 caf\u00e9 \ud83d\ude00 </script>";

    private final EnvelopeCodec codec = new EnvelopeCodec(1024);
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void escapesErrorMessages() {
        byte[] json = codec.encode(new Reply.Error(CommandId.of(1), ErrorCode.INTERNAL, TRICKY));
        assertEquals("{\"type\":\"error\",\"id\":1,\"code\":\"internal\",\"message\":"
                + "\"he said \\\"hi\\\"\\\\\\n\\t\\u0001 caf\u00e9 \ud83d\ude00 </script>\"}", utf8(json));
    }

    @Test
    void escapesWelcomeStringsSoThatTheyReadBackUnchanged() throws Exception {
        JsonNode welcome = mapper.readTree(codec.encode(new Push.Welcome(TRICKY, "n\"1", TRICKY, 30)));
        assertEquals(TRICKY, welcome.get("session").textValue());
        assertEquals("n\"1", welcome.get("node").textValue());
        assertEquals(TRICKY, welcome.get("user").textValue());
        assertEquals(30, welcome.get("heartbeat").intValue());
    }

    @Test
    void writesAnUnpairedSurrogateAsAnEscapeRatherThanFailing() throws Exception {
        byte[] json = codec.encode(new Push.Welcome("s", "n", "a\ud800b", 25));
        assertEquals("a\ud800b", mapper.readTree(json).get("user").textValue());
    }

    @Test
    void encodesMessageByConcatenationExactlyAsTheGenericPath() {
        RawJson data = RawJson.trusted("{ \"spaced\" : [1, 2] ,\"\u00e9\":\"\\u00e9\"}");
        byte[] fast = codec.encodeMessage("chat:lobby-1.x@y=z_Q", data);
        assertArrayEquals(fast, codec.encode(new Push.Message("chat:lobby-1.x@y=z_Q", data)));
        assertEquals("{\"type\":\"message\",\"topic\":\"chat:lobby-1.x@y=z_Q\",\"data\":"
                + "{ \"spaced\" : [1, 2] ,\"\u00e9\":\"\\u00e9\"}}", utf8(fast));
    }

    @Test
    void encodesMessageWithEveryKindOfDataAsValidJson() throws Exception {
        for (String data : new String[] {"null", "true", "-1.5e3", "\"s\"", "[]", "{}"}) {
            JsonNode message = mapper.readTree(codec.encodeMessage("t", RawJson.trusted(data)));
            assertEquals(mapper.readTree(data), message.get("data"));
            assertEquals("t", message.get("topic").textValue());
        }
    }

    @Test
    void refusesToEncodeAMessageForAnInvalidTopic() {
        RawJson data = RawJson.trusted("1");
        assertThrows(IllegalArgumentException.class, () -> codec.encodeMessage("a\"b", data));
        assertThrows(IllegalArgumentException.class, () -> codec.encodeMessage("", data));
    }

    @Test
    void encodesADisconnectForEveryCloseCode() throws Exception {
        for (CloseCode code : CloseCode.values()) {
            JsonNode push = mapper.readTree(codec.encode(new Push.Disconnect(code)));
            assertEquals("disconnect", push.get("type").textValue());
            assertEquals(code.code(), push.get("code").intValue());
            assertEquals(code.reason(), push.get("reason").textValue());
            assertEquals(code.reconnect(), push.get("reconnect").booleanValue());
        }
    }

    @Test
    void returnsAFreshHeartbeatArrayEachTime() {
        byte[] first = codec.encode(new Push.Heartbeat());
        first[0] = 'X';
        assertEquals("{\"type\":\"heartbeat\"}", utf8(codec.encode(new Push.Heartbeat())));
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
