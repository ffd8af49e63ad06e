package io.crier.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The JSON lines format: every string value (the message, the MDC's session, the stack trace) is escaped per
 * RFC 8259 plus the characters that break or disguise a line elsewhere, so each event is one line that a JSON
 * parser reads back to the exact value logged; the decoded stack trace keeps one line per frame, its exception
 * messages escaped as in the text format. Jackson is the parser.
 */
class JsonLogLayoutTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoggerContext context = new LoggerContext();
    private final JsonLogLayout layout = new JsonLogLayout();

    JsonLogLayoutTest() {
        context.setMDCAdapter(new LogbackMDCAdapter()); // the process's context gets one from SLF4J; this one not
        layout.setContext(context);
        layout.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void everyControlCharacterIsEscapedAndTheLineReadsBackToTheValueLogged() throws Exception {
        for (EscapeCase each : EscapeCase.JSON) {
            String value = "a" + each.raw() + "b";
            String line = layout(event("user={}", null, value), Map.of());
            assertTrue(line.contains("\"message\":\"user=a" + each.written() + "b\""), each + " gave " + line);
            assertOneLine(line);
            assertEquals("user=" + value, JSON.readTree(line).get("message").asText(), each.toString());
        }
    }

    @Test
    void theSessionFromTheMdcIsEscapedToo() throws Exception {
        String line = layout(event("authenticated", null), Map.of(ConnectionLog.SESSION, "n-1\n\u0000\u2028"));
        assertTrue(line.contains("\"session\":\"n-1\\n\\u0000\\u2028\""), line);
        assertOneLine(line);
    }

    @Test
    void theStackTraceStaysOnTheLineAndReadsBackWithItsMessageEscapedAsInTheTextFormat() throws Exception {
        IllegalStateException error = new IllegalStateException("bad token for alice\r\nFAKE\u0085LINE\u0000");
        String line = layout(event("command {} failed", error, "auth"), Map.of());
        assertOneLine(line);
        JsonNode parsed = JSON.readTree(line);
        assertEquals("command auth failed", parsed.get("message").asText());
        assertTrue(parsed.get("error").asText().startsWith(
                "java.lang.IllegalStateException: bad token for alice\\r\\nFAKE\\u0085LINE\\u0000\n\tat "),
                parsed.get("error").asText());
    }

    @Test
    void aMessageLongerThanTheCapIsCutWithAMarkSayingHowMuchWasLeftOut() throws Exception {
        String line = layout(event("data={}", null, "\u0000".repeat(5000)), Map.of());
        String message = JSON.readTree(line).get("message").asText();
        int kept = (4096 - 5) / 6; // each NUL is written as six characters: backslash, u, 0000
        assertEquals("data=" + "\u0000".repeat(kept) + "...[" + (5000 - kept) + " more chars]", message);
    }

    private LoggingEvent event(String pattern, Throwable error, Object... args) {
        Logger logger = context.getLogger("io.crier.connections");
        return new LoggingEvent(Logger.class.getName(), logger, Level.INFO, pattern, error, args);
    }

    private String layout(LoggingEvent event, Map<String, String> mdc) {
        event.setMDCPropertyMap(mdc);
        return layout.doLayout(event);
    }

    private static void assertOneLine(String line) {
        String body = line.substring(0, line.length() - System.lineSeparator().length());
        assertTrue(line.endsWith("}" + System.lineSeparator()), line);
        assertFalse(body.contains("\n") || body.contains("\r"), "more than one line: " + line);
        TextLogFormatTest.assertNoRawControlCharacter(body);
    }
}
