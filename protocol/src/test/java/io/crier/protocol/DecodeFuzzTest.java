package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Throws random, truncated, mutated and randomly assembled envelopes at both codecs. Every frame must
 * decode to a well-formed command or to a {@link Malformed} with one of the frame errors PROTOCOL.md
 * documents (§7), whose error reply encodes; broker payloads decode or throw
 * {@link MalformedPublicationException}. No other exception may escape. Fixed seeds keep failures
 * reproducible.
 */
class DecodeFuzzTest {

    private static final List<String> GOLDEN_COMMANDS = List.of(
            "command/auth.json", "command/auth-anonymous.json", "command/refresh.json", "command/subscribe.json",
            "command/unsubscribe.json", "command/publish-object.json", "command/publish-array.json",
            "command/publish-string.json", "command/publish-number.json", "command/publish-null.json",
            "command/ping-number.json", "command/ping-string.json", "command/subscribe-since.json",
            "command/history.json", "command/history-defaults.json", "command/presence.json",
            "command/presence-count.json");

    private static final List<String> GOLDEN_PAYLOADS = List.of("publication/publication.json",
            "publication/publication-position.json", "publication/join.json", "publication/leave.json");

    /** The error codes a frame can earn from the decoder alone (PROTOCOL.md §7); the rest need a session. */
    private static final Set<ErrorCode> FRAME_ERRORS = Set.of(ErrorCode.BAD_JSON, ErrorCode.MISSING_FIELD,
            ErrorCode.INVALID_FIELD, ErrorCode.UNKNOWN_TYPE, ErrorCode.BAD_TOPIC, ErrorCode.TOO_LARGE);

    private static final Set<String> COMMAND_TYPES = Set.of("auth", "refresh", "subscribe", "unsubscribe", "publish",
            "ping", "history", "presence");

    /** Pieces of JSON that reach deeper into the decoder than random bytes do. */
    private static final List<String> PIECES = List.of(
            "{", "}", "[", "]", ":", ",", "\"", "\\", "\"type\"", "\"id\"", "\"topic\"", "\"token\"", "\"data\"",
            "\"ping\"", "\"publish\"", "\"subscribe\"", "\"unsubscribe\"", "\"auth\"", "\"refresh\"", "\"news\"",
            "\"history\"", "\"presence\"", "\"since\"", "\"offset\"", "\"epoch\"", "\"limit\"", "\"countOnly\"",
            "\"join\"", "\"leave\"", "\"user\"", "\"session\"", "\"abc\"", "1000", "1001", "false",
            "1", "-", "1.5e3", "true", "null", " ", "\u00e9", "\\u00e9", "\\ud800", "\u0000");

    /** Values for the fields of assembled envelopes: valid ones, and every kind of wrong one. */
    private static final List<String> TYPES = List.of("\"auth\"", "\"refresh\"", "\"subscribe\"", "\"unsubscribe\"",
            "\"publish\"", "\"ping\"", "\"history\"", "\"presence\"", "\"PING\"", "\"fly\"", "\"\"", "7", "null",
            "[\"ping\"]", "{}");
    private static final List<String> IDS = List.of("1", "0", "-3", "9007199254740993", "\"a\"", "\"\"",
            "\"" + "i".repeat(64) + "\"", "\"" + "i".repeat(65) + "\"", "1" + "0".repeat(64), "1.5", "1e3", "true",
            "null", "[]", "{}", "\"\\u0041\"");
    private static final List<String> TOPICS = List.of("\"news\"", "\"chat:lobby\"", "\"\"", "\"*\"", "\"news*\"",
            "\"caf\u00e9\"", "\"caf\\u00e9\"", "\"a b\"", "\"" + "t".repeat(200) + "\"", "\"" + "t".repeat(201) + "\"",
            "1", "null", "[\"news\"]");
    private static final List<String> TOKENS = List.of("\"a.b.c\"", "\"x\"", "\"\"", "\"" + "k".repeat(8193) + "\"",
            "1", "null", "{}");
    private static final List<String> DATA = List.of("{}", "{\"a\":1}", "[1,2]", "\"s\"", "1", "null", "true",
            "\"" + "d".repeat(80) + "\"", "{\"a\":1,\"a\":2}", "[".repeat(70) + "]".repeat(70), "9".repeat(2000));

    /** Values of {@code since}: valid positions, and every kind of wrong or incomplete one. */
    private static final List<String> SINCES = List.of("{\"offset\":5,\"epoch\":\"abc\"}",
            "{\"epoch\":\"e-1.x_Y\",\"offset\":0,\"more\":[1]}", "{\"offset\":5}", "{\"epoch\":\"abc\"}", "{}",
            "{\"offset\":-1,\"epoch\":\"abc\"}", "{\"offset\":1.5,\"epoch\":\"abc\"}",
            "{\"offset\":\"5\",\"epoch\":\"abc\"}", "{\"offset\":99999999999999999999,\"epoch\":\"abc\"}",
            "{\"offset\":5,\"epoch\":\"\"}", "{\"offset\":5,\"epoch\":\"a b\"}",
            "{\"offset\":5,\"epoch\":\"" + "e".repeat(65) + "\"}", "{\"offset\":5,\"epoch\":7}",
            "{\"offset\":5,\"offset\":6,\"epoch\":\"abc\"}", "5", "null", "\"5:abc\"", "[5,\"abc\"]");
    private static final List<String> LIMITS = List.of("1", "50", "1000", "0", "1001", "-5", "1.5", "\"10\"",
            "99999999999", "null", "[]");
    private static final List<String> COUNT_ONLY = List.of("true", "false", "1", "\"true\"", "null", "{}");

    private final EnvelopeCodec codec = new EnvelopeCodec(64);
    private final PublicationCodec publications = new PublicationCodec(4096);

    @Test
    void randomBytesAlwaysDecodeToMalformed() {
        Random random = new Random(20261125L);
        for (int i = 0; i < 20_000; i++) {
            byte[] frame = new byte[random.nextInt(48)];
            random.nextBytes(frame);
            assertInstanceOf(Malformed.class, assertDocumentedOutcome(frame), () -> Arrays.toString(frame));
            assertOnlyMalformedPublicationException(frame);
        }
    }

    @Test
    void everyProperPrefixOfAGoldenCommandIsMalformed() {
        for (String name : GOLDEN_COMMANDS) {
            byte[] golden = Golden.bytes(name);
            for (int length = 0; length < golden.length; length++) {
                byte[] prefix = Arrays.copyOf(golden, length);
                assertInstanceOf(Malformed.class, assertDocumentedOutcome(prefix), () -> name + " cut at " + prefix.length);
                assertOnlyMalformedPublicationException(prefix);
            }
        }
    }

    @Test
    void everyGoldenCommandDecodesToItsCommand() {
        for (String name : GOLDEN_COMMANDS) {
            Inbound decoded = assertDocumentedOutcome(Golden.bytes(name));
            Command command = assertInstanceOf(Command.class, decoded, name);
            assertTrue(name.startsWith("command/" + command.type()), name);
        }
    }

    @Test
    void mutatedGoldenCommandsNeverThrow() {
        Random random = new Random(42L);
        for (int i = 0; i < 20_000; i++) {
            byte[] frame = Golden.bytes(GOLDEN_COMMANDS.get(random.nextInt(GOLDEN_COMMANDS.size())));
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                frame[random.nextInt(frame.length)] = (byte) random.nextInt(256);
            }
            assertDocumentedOutcome(frame);
            assertOnlyMalformedPublicationException(frame);
        }
    }

    @Test
    void mutatedAndSplicedGoldenBrokerPayloadsNeverThrow() {
        Random random = new Random(4L);
        for (int i = 0; i < 20_000; i++) {
            String golden = new String(Golden.bytes(GOLDEN_PAYLOADS.get(random.nextInt(GOLDEN_PAYLOADS.size()))),
                    StandardCharsets.UTF_8);
            StringBuilder payload = new StringBuilder(golden);
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                int at = random.nextInt(payload.length() + 1);
                if (random.nextBoolean()) {
                    payload.insert(at, PIECES.get(random.nextInt(PIECES.size())));
                } else {
                    payload.delete(at, Math.min(payload.length(), at + 1 + random.nextInt(6)));
                }
            }
            assertOnlyMalformedPublicationException(payload.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void goldenCommandsWithPiecesSplicedInOrCutOutNeverThrow() {
        Random random = new Random(1125L);
        for (int i = 0; i < 20_000; i++) {
            String golden = new String(Golden.bytes(GOLDEN_COMMANDS.get(random.nextInt(GOLDEN_COMMANDS.size()))),
                    StandardCharsets.UTF_8);
            StringBuilder frame = new StringBuilder(golden);
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                int at = random.nextInt(frame.length() + 1);
                if (random.nextBoolean()) {
                    frame.insert(at, PIECES.get(random.nextInt(PIECES.size())));
                } else {
                    frame.delete(at, Math.min(frame.length(), at + 1 + random.nextInt(6)));
                }
            }
            byte[] input = frame.toString().getBytes(StandardCharsets.UTF_8);
            assertDocumentedOutcome(input);
            assertOnlyMalformedPublicationException(input);
        }
    }

    @Test
    void randomlyAssembledEnvelopesDecodeToTheirTypeOrADocumentedError() {
        Random random = new Random(2026L);
        Map<ErrorCode, Integer> errors = new EnumMap<>(ErrorCode.class);
        int commands = 0;
        for (int i = 0; i < 20_000; i++) {
            String type = pick(random, TYPES);
            String frame = envelope(random, type);
            Inbound decoded = assertDocumentedOutcome(frame.getBytes(StandardCharsets.UTF_8));
            if (decoded instanceof Command command) {
                commands++;
                assertEquals("\"" + command.type() + "\"", type, frame);
            } else {
                errors.merge(((Malformed) decoded).code(), 1, Integer::sum);
            }
        }
        assertTrue(commands > 500, "assembled envelopes reach every command: " + commands);
        Set<ErrorCode> syntaxErrorsAside = EnumSet.copyOf(FRAME_ERRORS);
        syntaxErrorsAside.remove(ErrorCode.BAD_JSON);
        assertEquals(syntaxErrorsAside, errors.keySet(), "valid JSON reaches every frame error but bad_json");
    }

    @Test
    void soupsOfJsonPiecesNeverThrow() {
        Random random = new Random(7L);
        int commands = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder soup = new StringBuilder("{");
            for (int p = random.nextInt(16); p > 0; p--) {
                soup.append(PIECES.get(random.nextInt(PIECES.size())));
            }
            byte[] input = soup.toString().getBytes(StandardCharsets.UTF_8);
            commands += assertDocumentedOutcome(input) instanceof Command ? 1 : 0;
            assertOnlyMalformedPublicationException(input);
        }
        assertTrue(commands < 20_000, "soups are mostly malformed");
    }

    /**
     * Decodes {@code frame} and checks the outcome: a command whose fields keep the protocol's rules, or a
     * malformed frame with a documented frame error whose reply encodes.
     */
    private Inbound assertDocumentedOutcome(byte[] frame) {
        Supplier<String> shown = () -> new String(frame, StandardCharsets.ISO_8859_1);
        Inbound decoded;
        try {
            decoded = codec.decode(frame);
        } catch (RuntimeException e) {
            return fail("decode threw on " + shown.get(), e);
        }
        assertNotNull(decoded, shown);
        if (decoded instanceof Malformed malformed) {
            assertTrue(FRAME_ERRORS.contains(malformed.code()), () -> malformed + " for " + shown.get());
            String reply = new String(codec.encode(malformed.toReply()), StandardCharsets.UTF_8);
            assertTrue(reply.startsWith("{\"type\":\"error\",") && reply.endsWith("}"), reply);
            return decoded;
        }
        Command command = assertInstanceOf(Command.class, decoded, shown);
        assertTrue(COMMAND_TYPES.contains(command.type()), shown);
        assertTrue(command.id().json().length() <= 66, shown);
        if (command instanceof Command.Auth auth && auth.token() != null) {
            assertTrue(auth.token().length() >= 1 && auth.token().length() <= 8192, shown);
        }
        if (command instanceof Command.Refresh refresh) {
            assertTrue(refresh.token().length() >= 1 && refresh.token().length() <= 8192, shown);
        }
        if (command instanceof Command.Publish publish) {
            assertTrue(Topics.isValid(publish.topic()) && publish.data().length() <= codec.maxDataBytes(), shown);
        }
        if (command instanceof Command.History history) {
            assertTrue(history.limit() >= 1 && history.limit() <= Command.History.MAX_LIMIT, shown);
        }
        return decoded;
    }

    private static String envelope(Random random, String type) {
        List<String> fields = new ArrayList<>();
        addSometimes(random, fields, "type", type, 0.95);
        addSometimes(random, fields, "id", pick(random, IDS), 0.9);
        addSometimes(random, fields, "topic", pick(random, TOPICS), 0.6);
        addSometimes(random, fields, "token", pick(random, TOKENS), 0.4);
        addSometimes(random, fields, "data", pick(random, DATA), 0.5);
        addSometimes(random, fields, "since", pick(random, SINCES), 0.3);
        addSometimes(random, fields, "limit", pick(random, LIMITS), 0.3);
        addSometimes(random, fields, "countOnly", pick(random, COUNT_ONLY), 0.3);
        addSometimes(random, fields, "extra", pick(random, DATA), 0.2);
        if (!fields.isEmpty() && random.nextInt(20) == 0) {
            fields.add(fields.get(random.nextInt(fields.size())));
        }
        Collections.shuffle(fields, random);
        return "{" + String.join(",", fields) + "}";
    }

    private static void addSometimes(Random random, List<String> fields, String name, String value, double odds) {
        if (random.nextDouble() < odds) {
            fields.add("\"" + name + "\":" + value);
        }
    }

    private static String pick(Random random, List<String> values) {
        return values.get(random.nextInt(values.size()));
    }

    private void assertOnlyMalformedPublicationException(byte[] payload) {
        try {
            assertNotNull(publications.decodeData(payload));
        } catch (MalformedPublicationException expected) {
            assertNotNull(expected.getMessage());
        }
        try {
            assertNotNull(publications.decode(payload));
        } catch (MalformedPublicationException expected) {
            assertNotNull(expected.getMessage());
        }
    }
}
