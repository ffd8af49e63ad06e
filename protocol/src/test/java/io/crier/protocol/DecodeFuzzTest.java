package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Throws random, truncated and mutated input at both codecs: they must answer every input with a
 * result (or, for broker payloads, a {@link MalformedPublicationException}) and never with another
 * exception. Fixed seeds keep failures reproducible.
 */
class DecodeFuzzTest {

    private static final List<String> GOLDEN_COMMANDS = List.of(
            "command/auth.json", "command/subscribe.json", "command/unsubscribe.json",
            "command/publish-object.json", "command/publish-array.json", "command/publish-string.json",
            "command/publish-number.json", "command/publish-null.json", "command/ping-number.json",
            "command/ping-string.json");

    /** Pieces of JSON that reach deeper into the decoder than random bytes do. */
    private static final List<String> PIECES = List.of(
            "{", "}", "[", "]", ":", ",", "\"", "\\", "\"type\"", "\"id\"", "\"topic\"", "\"token\"", "\"data\"",
            "\"ping\"", "\"publish\"", "\"subscribe\"", "\"auth\"", "\"news\"", "1", "-", "1.5e3", "true", "null",
            " ", "\u00e9", "\\u00e9", "\\ud800");

    private final EnvelopeCodec codec = new EnvelopeCodec(64);
    private final PublicationCodec publications = new PublicationCodec(4096);

    @Test
    void randomBytesAlwaysDecodeToMalformed() {
        Random random = new Random(20261125L);
        for (int i = 0; i < 20_000; i++) {
            byte[] frame = new byte[random.nextInt(48)];
            random.nextBytes(frame);
            assertInstanceOf(Malformed.class, codec.decode(frame), () -> Arrays.toString(frame));
            assertOnlyMalformedPublicationException(frame);
        }
    }

    @Test
    void everyProperPrefixOfAGoldenCommandIsMalformed() {
        for (String name : GOLDEN_COMMANDS) {
            byte[] golden = Golden.bytes(name);
            for (int length = 0; length < golden.length; length++) {
                int cut = length;
                assertInstanceOf(Malformed.class, codec.decode(golden, 0, cut), () -> name + " cut at " + cut);
                assertOnlyMalformedPublicationException(Arrays.copyOf(golden, cut));
            }
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
            byte[] input = frame;
            assertNotNull(codec.decode(input), () -> new String(input, StandardCharsets.ISO_8859_1));
            assertOnlyMalformedPublicationException(input);
        }
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
            Inbound decoded = codec.decode(input);
            assertNotNull(decoded, soup::toString);
            commands += decoded instanceof Command ? 1 : 0;
            assertOnlyMalformedPublicationException(input);
        }
        assertTrue(commands < 20_000, "soups are mostly malformed");
    }

    private void assertOnlyMalformedPublicationException(byte[] payload) {
        try {
            assertNotNull(publications.decodeData(payload));
        } catch (MalformedPublicationException expected) {
            assertNotNull(expected.getMessage());
        }
    }
}
