package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void errorCodeWireValuesAreUniqueLowerSnakeCaseNames() {
        Set<String> wires = new HashSet<>();
        for (ErrorCode code : ErrorCode.values()) {
            assertTrue(wires.add(code.wire()), code::name);
            assertEquals(code.name().toLowerCase(Locale.ROOT), code.wire());
        }
    }
}
