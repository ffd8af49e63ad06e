package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md stays complete: it lists every error code and every close code in its tables. */
class ProtocolDocumentTest {

    private static String document() throws IOException {
        // Surefire runs with the module folder as the working directory.
        return Files.readString(Path.of("PROTOCOL.md"));
    }

    @Test
    void listsEveryErrorCode() throws IOException {
        String document = document();
        for (ErrorCode code : ErrorCode.values()) {
            assertTrue(document.contains("| `" + code.wire() + "` |"), code::wire);
        }
    }

    @Test
    void listsEveryCloseCodeWithItsReason() throws IOException {
        String document = document();
        for (CloseCode code : CloseCode.values()) {
            assertTrue(document.contains("| " + code.code() + " | `" + code.reason() + "` |"), code::reason);
        }
    }
}
