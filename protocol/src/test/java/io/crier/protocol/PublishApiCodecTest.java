package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP publish API's JSON: golden files under {@code src/test/resources/publish-api} pin the request and
 * response shapes; malformed bodies map to their error codes.
 */
class PublishApiCodecTest {

    private static final int MAX_DATA = 16;
    private static final int MAX_BATCH = 3;
    private static final String BAD_TOPIC_MESSAGE =
            "topic must be 1 to 200 characters of A-Z a-z 0-9 _ - . : @ =";

    private final PublishApiCodec codec = new PublishApiCodec(MAX_DATA, MAX_BATCH);

    @Test
    void decodesTheSingleFormWithTheDataBytesUnchanged() {
        PublishApiCodec roomy = new PublishApiCodec(1024, MAX_BATCH);
        PublishApiRequest request = roomy.decode(golden("request-single.json"));
        assertEquals(new PublishApiRequest.Single(publication("news",
                "{\"headline\":\"Crier ships\",\"tags\":[\"a\",\"b\"]}")), request);
    }

    @Test
    void decodesTheBatchFormInOrderWithABadTopicRejectedAlone() {
        PublishApiRequest request = codec.decode(golden("request-batch.json"));
        assertEquals(new PublishApiRequest.Batch(List.of(
                publication("news", "1"),
                new PublishApiItem.Rejected(PublishApiError.BAD_TOPIC, BAD_TOPIC_MESSAGE),
                publication("chat:lobby", "[1,\"two\"]"))), request);
    }

    @Test
    void encodesEveryResponseShapeExactlyAsItsGoldenFile() {
        Position position = new Position(7, "e-1.x");
        assertBytes(golden("response-position.json"), codec.encode(new PublishApiResult.Published(position)));
        assertBytes(golden("response-without-history.json"), codec.encode(new PublishApiResult.Published(null)));
        assertBytes(golden("response-error.json"),
                codec.encodeError(PublishApiError.UNAVAILABLE, "Redis is unavailable; retry later"));
        assertBytes(golden("response-batch.json"), codec.encodeBatch(List.of(
                new PublishApiResult.Published(position),
                new PublishApiResult.Failed(PublishApiError.BAD_TOPIC, BAD_TOPIC_MESSAGE),
                new PublishApiResult.Published(null))));
    }

    @Test
    void keepsWhitespaceEscapesAndNonAsciiInsideDataExactly() {
        String data = "{ \"t\" : \"h\\u00e9 \u00e9\" }";
        PublishApiCodec roomy = new PublishApiCodec(1024, MAX_BATCH);
        PublishApiRequest request = roomy.decode(utf8("{\"data\": " + data + " ,\"topic\":\"a:b\"}"));
        assertEquals(new PublishApiRequest.Single(publication("a:b", data)), request);
    }

    @Test
    void decodesABodyInTheMiddleOfALargerArray() {
        byte[] framed = utf8("xx{\"topic\":\"news\",\"data\":[true]}yy");
        assertEquals(new PublishApiRequest.Single(publication("news", "[true]")),
                codec.decode(framed, 2, framed.length - 4));
    }

    @Test
    void acceptsDataOfExactlyTheLimitAndRejectsOneByteMore() {
        String atLimit = "\"" + "x".repeat(MAX_DATA - 2) + "\"";
        assertEquals(new PublishApiRequest.Single(publication("news", atLimit)),
                codec.decode(utf8("{\"topic\":\"news\",\"data\":" + atLimit + "}")));
        String over = "\"" + "x".repeat(MAX_DATA - 1) + "\"";
        assertRejected(PublishApiError.TOO_LARGE, "{\"topic\":\"news\",\"data\":" + over + "}");
    }

    @Test
    void ignoresUnknownFields() {
        assertEquals(new PublishApiRequest.Single(publication("news", "null")),
                codec.decode(utf8("{\"v\":{\"x\":[1]},\"topic\":\"news\",\"data\":null,\"idempotencyKey\":\"k\"}")));
    }

    static Stream<Arguments> badPublications() {
        return Stream.of(
                Arguments.of("{\"data\":1}", PublishApiError.MISSING_FIELD),
                Arguments.of("{\"topic\":\"news\"}", PublishApiError.MISSING_FIELD),
                Arguments.of("{\"topic\":7,\"data\":1}", PublishApiError.INVALID_FIELD),
                Arguments.of("{\"topic\":{\"a\":1},\"data\":1}", PublishApiError.INVALID_FIELD),
                Arguments.of("{\"topic\":\"\",\"data\":1}", PublishApiError.BAD_TOPIC),
                Arguments.of("{\"topic\":\"has space\",\"data\":1}", PublishApiError.BAD_TOPIC),
                Arguments.of("{\"topic\":\"" + "t".repeat(201) + "\",\"data\":1}", PublishApiError.BAD_TOPIC));
    }

    @ParameterizedTest
    @MethodSource("badPublications")
    void rejectsABadSinglePublicationWithItsCode(String body, PublishApiError expected) {
        assertRejected(expected, body);
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("", PublishApiError.BAD_JSON),
                Arguments.of("{\"topic\":\"news\",\"data\":", PublishApiError.BAD_JSON),
                Arguments.of("[{\"topic\":\"news\",\"data\":1}]", PublishApiError.BAD_JSON),
                Arguments.of("{\"topic\":\"news\",\"data\":1} {}", PublishApiError.BAD_JSON),
                Arguments.of("{\"topic\":\"news\",\"data\":1,\"data\":2}", PublishApiError.BAD_JSON),
                Arguments.of("{\"topic\":\"news\",\"data\":" + "[".repeat(70) + "]".repeat(70) + "}",
                        PublishApiError.BAD_JSON),
                Arguments.of("{\"publications\":[{\"topic\":\"news\",\"data\":1},]}", PublishApiError.BAD_JSON),
                Arguments.of("{\"publications\":{}}", PublishApiError.INVALID_FIELD),
                Arguments.of("{\"publications\":[],\"topic\":\"news\"}", PublishApiError.INVALID_FIELD),
                Arguments.of("{\"publications\":[1,2,3,4]}", PublishApiError.TOO_LARGE));
    }

    @ParameterizedTest
    @MethodSource("badBodies")
    void answersABodyThatCannotBeServedWithOneError(String body, PublishApiError expected) {
        PublishApiRequest.Invalid invalid = assertInstanceOf(PublishApiRequest.Invalid.class, codec.decode(utf8(body)));
        assertEquals(expected, invalid.error(), invalid.message());
    }

    @Test
    void rejectsBodiesThatAreNotWellFormedUtf8() {
        byte[] body = utf8("{\"topic\":\"news\",\"data\":\"xx\"}");
        body[body.length - 4] = (byte) 0xC0; // an overlong form
        PublishApiRequest.Invalid invalid = assertInstanceOf(PublishApiRequest.Invalid.class, codec.decode(body));
        assertEquals(PublishApiError.BAD_JSON, invalid.error());
    }

    @Test
    void rejectsEachBadBatchElementAloneAndKeepsTheOthers() {
        PublishApiRequest request = codec.decode(utf8(
                "{\"publications\":[\"nope\",{\"topic\":\"a\",\"data\":\"" + "x".repeat(MAX_DATA) + "\"},"
                        + "{\"topic\":\"b\",\"data\":{}}]}"));
        PublishApiRequest.Batch batch = assertInstanceOf(PublishApiRequest.Batch.class, request);
        assertEquals(PublishApiError.INVALID_FIELD, ((PublishApiItem.Rejected) batch.items().get(0)).error());
        assertEquals(PublishApiError.TOO_LARGE, ((PublishApiItem.Rejected) batch.items().get(1)).error());
        assertEquals(publication("b", "{}"), batch.items().get(2));
    }

    @Test
    void acceptsAnEmptyBatchAndAFullOne() {
        assertEquals(new PublishApiRequest.Batch(List.of()), codec.decode(utf8("{\"publications\":[]}")));
        PublishApiRequest full = codec.decode(utf8("{\"publications\":[{\"topic\":\"a\",\"data\":1},"
                + "{\"topic\":\"a\",\"data\":2},{\"topic\":\"a\",\"data\":3}]}"));
        assertEquals(MAX_BATCH, assertInstanceOf(PublishApiRequest.Batch.class, full).items().size());
    }

    @Test
    void everyErrorHasAStatusAClientOrServerWouldExpect() {
        for (PublishApiError error : PublishApiError.values()) {
            int status = error.httpStatus();
            assertEquals(true, status >= 400 && status < 600, error::wire);
            assertEquals(error.wire(), error.wire().toLowerCase(java.util.Locale.ROOT));
        }
        assertEquals(ErrorCode.BAD_TOPIC.wire(), PublishApiError.BAD_TOPIC.wire());
        assertEquals(ErrorCode.TOO_LARGE.wire(), PublishApiError.TOO_LARGE.wire());
        assertEquals(ErrorCode.UNAVAILABLE.wire(), PublishApiError.UNAVAILABLE.wire());
        assertEquals(ErrorCode.BAD_JSON.wire(), PublishApiError.BAD_JSON.wire());
    }

    private void assertRejected(PublishApiError expected, String body) {
        PublishApiRequest.Single single = assertInstanceOf(PublishApiRequest.Single.class, codec.decode(utf8(body)));
        PublishApiItem.Rejected rejected = assertInstanceOf(PublishApiItem.Rejected.class, single.item());
        assertEquals(expected, rejected.error(), rejected.message());
    }

    private static PublishApiItem.Publication publication(String topic, String data) {
        return new PublishApiItem.Publication(topic, RawJson.trusted(data));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes of {@code publish-api/NAME}, minus one trailing newline. */
    private static byte[] golden(String name) {
        try (InputStream in = PublishApiCodecTest.class.getResourceAsStream("/publish-api/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no golden file " + name);
            }
            byte[] all = in.readAllBytes();
            int length = all.length > 0 && all[all.length - 1] == '\n' ? all.length - 1 : all.length;
            return Arrays.copyOf(all, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertBytes(byte[] expected, byte[] actual) {
        assertArrayEquals(expected, actual, () -> "expected " + new String(expected, StandardCharsets.UTF_8)
                + " but was " + new String(actual, StandardCharsets.UTF_8));
    }
}
