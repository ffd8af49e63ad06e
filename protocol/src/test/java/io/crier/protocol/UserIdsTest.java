package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The user id rule that a token's sub, the connect hook's user and the server API's user and jti share. */
class UserIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"alice", "42", "a b", "caf\u00e9", "\ud83d\ude00", "user:42", "x@example.com"})
    void ordinaryIdsAreValid(String id) {
        assertTrue(UserIds.isValid(id), id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", "a\nb", "a\u0000", "a\u007f", "a\u0085", "a\u2028", "a\u2029", "a\ud800",
            "\udc00a", "a\ud800b"})
    void emptyBlankControlSeparatorAndUnpairedSurrogateIdsAreInvalid(String id) {
        assertFalse(UserIds.isValid(id), id);
    }

    @Test
    void theLengthBoundIsInclusive() {
        assertTrue(UserIds.isValid("a".repeat(UserIds.MAX_LENGTH)));
        assertFalse(UserIds.isValid("a".repeat(UserIds.MAX_LENGTH + 1)));
        assertFalse(UserIds.isValid(null));
    }
}
