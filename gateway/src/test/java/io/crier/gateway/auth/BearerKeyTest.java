package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bearer key check (the publish API's and the admin API's key): exactly the configured key after {@code Bearer}, and nothing else (one byte off, cut
 * short, longer, empty, another scheme). Its timing is not measured here: see {@link BearerKey#matches}.
 */
class BearerKeyTest {

    private static final String KEY = "api-key-test-0123456789abcdef-0123456789";

    private final BearerKey key = new BearerKey(KEY.getBytes(StandardCharsets.UTF_8));

    @ParameterizedTest
    @ValueSource(strings = {"Bearer " + KEY, "bearer " + KEY, "BEARER " + KEY, "Bearer " + KEY + " ",
        "Bearer  " + KEY})
    void acceptsTheKeyAfterTheBearerSchemeInAnyCase(String authorization) {
        assertTrue(key.matches(authorization), authorization);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "Bearer", "Bearer ", "Bearer    ", "Basic " + KEY, KEY, "Bearer" + KEY,
        "Bearer " + KEY + "x", "Bearer x" + KEY, "Bearer api-key-test-0123456789abcdef-012345678",
        "Bearer api-key-test-0123456789abcdef-012345678X", "Bearer API-KEY-TEST-0123456789ABCDEF-0123456789",
        "Bearer " + KEY + "\u00e9"})
    void refusesEveryOtherValue(String authorization) {
        assertFalse(key.matches(authorization), String.valueOf(authorization));
    }

    @Test
    void refusesAValueOfTheSameByteLengthThatDiffersOnlyInItsFirstOrLastByte() {
        String first = "X" + KEY.substring(1);
        String last = KEY.substring(0, KEY.length() - 1) + "X";

        assertFalse(key.matches("Bearer " + first));
        assertFalse(key.matches("Bearer " + last));
    }

    @Test
    void comparesUtf8BytesSoANonAsciiKeyMatchesOnlyItself() {
        BearerKey accented = new BearerKey("clé-secrète-0123456789abcdef-01234567".getBytes(StandardCharsets.UTF_8));

        assertTrue(accented.matches("Bearer clé-secrète-0123456789abcdef-01234567"));
        assertFalse(accented.matches("Bearer cle-secrete-0123456789abcdef-01234567"));
    }

    @Test
    void anEmptyKeyIsRefusedBecauseItMeansNoApi() {
        assertThrows(IllegalArgumentException.class, () -> new BearerKey(new byte[0]));
    }

    @Test
    void keepsItsOwnCopyOfTheKeyAndNeverPrintsIt() {
        byte[] bytes = KEY.getBytes(StandardCharsets.UTF_8);
        BearerKey copied = new BearerKey(bytes);
        Arrays.fill(bytes, (byte) 'x');

        assertTrue(copied.matches("Bearer " + KEY));
        assertEquals("BearerKey[<redacted>]", copied.toString());
    }
}
