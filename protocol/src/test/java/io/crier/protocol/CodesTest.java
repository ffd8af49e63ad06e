package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The invariants of the close and error code enums that clients rely on. */
class CodesTest {

    @Test
    void applicationCloseCodesSayReconnectExactlyInTheirRange() {
        for (CloseCode code : CloseCode.values()) {
            if (code.code() >= 4000 && code.code() <= 4499) {
                assertTrue(code.reconnect(), code::name);
            } else if (code.code() >= 4500 && code.code() <= 4999) {
                assertFalse(code.reconnect(), code::name);
            } else {
                assertTrue(code.code() >= 1000 && code.code() < 1016 && !code.reconnect(), code::name);
            }
        }
    }

    @Test
    void closeCodesAndReasonsAreUniqueAndFitACloseFrame() {
        Set<Integer> codes = new HashSet<>();
        Set<String> reasons = new HashSet<>();
        for (CloseCode code : CloseCode.values()) {
            assertTrue(codes.add(code.code()), code::name);
            assertTrue(reasons.add(code.reason()), code::name);
            assertTrue(code.reason().getBytes(StandardCharsets.UTF_8).length <= 123, code::name);
            assertTrue(code.reason().matches("[a-z0-9_]+"), code::name);
        }
    }

    @Test
    void crierKeepsItsOwnCodesOutOfTheApplicationRanges() {
        for (CloseCode code : CloseCode.values()) {
            assertFalse(Close.isAppCode(code.code()), code::name);
            assertFalse(code.close().isApp(), code::name);
            assertEquals(new Close(code.code(), code.reason(), code.reconnect()), code.close());
            if (code.code() >= 4000) {
                assertTrue(code.code() <= 4099 || (code.code() >= 4500 && code.code() <= 4599), code::name);
            }
        }
    }

    @Test
    void applicationCodesReconnectBelow4500AndKeepAShortPlainReason() {
        assertEquals(new Close(4100, "a", true), Close.app(4100, "a"));
        assertEquals(new Close(4499, "x_9", true), Close.app(4499, "x_9"));
        assertEquals(new Close(4600, "gone", false), Close.app(4600, "gone"));
        assertEquals(new Close(4999, "z".repeat(32), false), Close.app(4999, "z".repeat(32)));
        for (int code : new int[] {-1, 1000, 3999, 4000, 4099, 4500, 4599, 5000}) {
            assertThrows(IllegalArgumentException.class, () -> Close.app(code, "x"), () -> "code " + code);
        }
        for (String reason : new String[] {null, "", "Kicked", "come back", "x".repeat(33), "caf\u00e9", "a\nb"}) {
            assertFalse(Close.isAppReason(reason), reason);
            assertThrows(RuntimeException.class, () -> Close.app(4123, reason));
        }
        assertThrows(IllegalArgumentException.class, () -> new Close(4123, "kicked", false));
        assertThrows(IllegalArgumentException.class, () -> new Close(4623, "kicked", true));
    }

    @Test
    void errorCodeWireValuesAreUniqueLowerSnakeCaseNames() {
        Set<String> wires = new HashSet<>();
        for (ErrorCode code : ErrorCode.values()) {
            assertTrue(wires.add(code.wire()), code::name);
            assertEquals(code.name().toLowerCase(Locale.ROOT), code.wire());
        }
    }
}
