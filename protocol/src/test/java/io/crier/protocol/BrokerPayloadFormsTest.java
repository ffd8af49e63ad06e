package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The broker payload forms beyond {@code {"data":..}}: publications with a position, and join/leave presence
 * events; free field order, ignored unknown fields, and every bad shape of the new fields.
 */
class BrokerPayloadFormsTest {

    private static final RawJson DATA = RawJson.trusted("{ \"a\" : [1, 2] }");

    private final PublicationCodec codec = new PublicationCodec(1024);

    @Test
    void encodesPositionFirstInTheOrderTheRedisFunctionConcatenates() {
        byte[] payload = codec.encode(DATA, new Position(9_007_199_254_740_993L, "e-1.x_Y"));
        assertEquals("{\"offset\":9007199254740993,\"epoch\":\"e-1.x_Y\",\"data\":{ \"a\" : [1, 2] }}", utf8(payload));
    }

    @Test
    void decodesWhatItEncodesInEveryForm() throws MalformedPublicationException {
        Position position = new Position(42, "abc");
        assertEquals(new ChannelMessage.Publication(DATA, null), codec.decode(codec.encode(DATA)));
        assertEquals(new ChannelMessage.Publication(DATA, position), codec.decode(codec.encode(DATA, position)));
        assertEquals(new ChannelMessage.PresenceEvent(true, "al\"ice\u00e9", "n1-3"),
                codec.decode(codec.encodeJoin("al\"ice\u00e9", "n1-3")));
        assertEquals(new ChannelMessage.PresenceEvent(false, "", "n2-8"), codec.decode(codec.encodeLeave("", "n2-8")));
    }

    @Test
    void escapesUsersInPresenceEvents() {
        assertEquals("{\"join\":{\"user\":\"a\\\"b\\\\c\",\"session\":\"s\"}}", utf8(codec.encodeJoin("a\"b\\c", "s")));
    }

    @Test
    void acceptsFieldsInAnyOrderAndIgnoresUnknownOnes() throws MalformedPublicationException {
        assertEquals(new ChannelMessage.Publication(RawJson.trusted("[1]"), new Position(7, "abc")),
                decode("{\"data\":[1],\"v\":2,\"epoch\":\"abc\",\"meta\":{\"offset\":\"x\"},\"offset\":7}"));
        assertEquals(new ChannelMessage.PresenceEvent(false, "bob", "n1-9"),
                decode("{\"leave\":{\"session\":\"n1-9\",\"extra\":[1],\"user\":\"bob\"},\"ts\":1}"));
    }

    @Test
    void decodeDataRefusesAPresenceEventAndKeepsTheDataOfAPositionedPublication()
            throws MalformedPublicationException {
        MalformedPublicationException failure = assertThrows(MalformedPublicationException.class,
                () -> codec.decodeData(codec.encodeJoin("alice", "n1-3")));
        assertEquals("missing field 'data'", failure.getMessage());
        assertEquals(DATA, codec.decodeData(codec.encode(DATA, new Position(3, "abc"))));
    }

    static Stream<Arguments> malformedPayloads() {
        return Stream.of(
                Arguments.of("offset without epoch", "{\"offset\":7,\"data\":1}",
                        "fields 'offset' and 'epoch' come together or not at all"),
                Arguments.of("epoch without offset", "{\"epoch\":\"abc\",\"data\":1}",
                        "fields 'offset' and 'epoch' come together or not at all"),
                Arguments.of("negative offset", "{\"offset\":-1,\"epoch\":\"abc\",\"data\":1}",
                        "field 'offset' must be a non-negative integer"),
                Arguments.of("fractional offset", "{\"offset\":1.0,\"epoch\":\"abc\",\"data\":1}",
                        "field 'offset' must be a non-negative integer"),
                Arguments.of("offset as a string", "{\"offset\":\"7\",\"epoch\":\"abc\",\"data\":1}",
                        "field 'offset' must be a non-negative integer"),
                Arguments.of("offset beyond a long", "{\"offset\":99999999999999999999,\"epoch\":\"abc\",\"data\":1}",
                        "field 'offset' must be a non-negative integer"),
                Arguments.of("epoch with a space", "{\"offset\":7,\"epoch\":\"a b\",\"data\":1}",
                        "field 'epoch' must be 1 to 64 characters from A-Z a-z 0-9 _ - ."),
                Arguments.of("empty epoch", "{\"offset\":7,\"epoch\":\"\",\"data\":1}",
                        "field 'epoch' must be 1 to 64 characters from A-Z a-z 0-9 _ - ."),
                Arguments.of("epoch as a number", "{\"offset\":7,\"epoch\":5,\"data\":1}",
                        "field 'epoch' must be 1 to 64 characters from A-Z a-z 0-9 _ - ."),
                Arguments.of("join is a string", "{\"join\":\"alice\"}", "field 'join' must be an object"),
                Arguments.of("join without session", "{\"join\":{\"user\":\"alice\"}}",
                        "field 'join' needs a 'user' and a non-empty 'session'"),
                Arguments.of("leave without user", "{\"leave\":{\"session\":\"n1-3\"}}",
                        "field 'leave' needs a 'user' and a non-empty 'session'"),
                Arguments.of("empty session", "{\"leave\":{\"user\":\"a\",\"session\":\"\"}}",
                        "field 'leave' needs a 'user' and a non-empty 'session'"),
                Arguments.of("user is a number", "{\"join\":{\"user\":1,\"session\":\"s\"}}",
                        "field 'join.user' must be a string"),
                Arguments.of("data and join", "{\"data\":1,\"join\":{\"user\":\"a\",\"session\":\"s\"}}",
                        "payload has more than one of 'data', 'join' and 'leave'"),
                Arguments.of("join and leave", "{\"join\":{\"user\":\"a\",\"session\":\"s\"},"
                        + "\"leave\":{\"user\":\"a\",\"session\":\"s\"}}",
                        "payload has more than one of 'data', 'join' and 'leave'"),
                Arguments.of("duplicate user", "{\"join\":{\"user\":\"a\",\"user\":\"b\",\"session\":\"s\"}}",
                        "duplicate field name"),
                Arguments.of("duplicate offset", "{\"offset\":1,\"offset\":2,\"epoch\":\"e\",\"data\":1}",
                        "duplicate field name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedPayloads")
    void rejectsMalformedPayloadWithItsReason(String kind, String payload, String reason) {
        MalformedPublicationException failure = assertThrows(MalformedPublicationException.class,
                () -> decode(payload));
        assertEquals(reason, failure.getMessage());
    }

    private ChannelMessage decode(String payload) throws MalformedPublicationException {
        return codec.decode(payload.getBytes(StandardCharsets.UTF_8));
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
