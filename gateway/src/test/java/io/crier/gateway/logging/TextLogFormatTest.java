package io.crier.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bundled {@code logback.xml} (the text format) as the node runs it: a message, whatever a client or a
 * token put into it, is one line, with every control character written visibly; a stack trace keeps its own
 * lines, but the exception's message in it is escaped too. Events go through the configured encoder itself.
 */
class TextLogFormatTest {

    private static final String FORGED = "alice\n2026-12-07T00:00:00.000Z INFO  [main] io.crier.connections - "
            + "authenticated conn=0badc0de session=n-1 user=admin";

    private final LoggerContext context = new LoggerContext();
    private Encoder<ILoggingEvent> encoder;

    @BeforeEach
    void loadTheBundledConfiguration() throws JoranException {
        context.setMDCAdapter(new LogbackMDCAdapter()); // the process's context gets one from SLF4J; this one not
        URL bundled = getClass().getClassLoader().getResource("logback.xml");
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(bundled);
        assertTrue(new StatusUtil(context).getHighestLevel(0) < Status.WARN,
                () -> "logback.xml loads cleanly: " + context.getStatusManager().getCopyOfStatusList());
        OutputStreamAppender<ILoggingEvent> stdout =
                (OutputStreamAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");
        encoder = stdout.getEncoder();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void aForgedSubStaysOnItsOwnLineWithTheNewlineWrittenAsBackslashN() {
        String line = encode("authenticated conn={} session={} user={}", null, "c0ffee01", "n-1a", FORGED);
        assertEquals(1, line.split("\n", -1).length - 1, "one line: " + line);
        assertTrue(line.endsWith(" - authenticated conn=c0ffee01 session=n-1a user=alice\\n2026-12-07T00:00:00.000Z "
                + "INFO  [main] io.crier.connections - authenticated conn=0badc0de session=n-1 user=admin"
                + System.lineSeparator()), line);
    }

    @Test
    void everyControlCharacterIsWrittenVisiblyAndNoneRaw() {
        for (EscapeCase each : EscapeCase.TEXT) {
            String line = encode("user={}", null, "a" + each.raw() + "b");
            assertTrue(line.endsWith(" - user=a" + each.written() + "b" + System.lineSeparator()),
                    each + " gave " + line);
            assertNoRawControlCharacter(line.substring(0, line.length() - System.lineSeparator().length()));
        }
    }

    @Test
    void anExceptionKeepsTheLinesOfItsStackTraceButItsMessageIsEscaped() {
        IllegalStateException error = new IllegalStateException("bad token for alice\r\nFAKE LINE\u0000",
                new IllegalArgumentException("cause\nFAKE CAUSE"));
        String text = encode("command {} failed", error, "auth");
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).endsWith(" - command auth failed"), lines.get(0));
        assertEquals("java.lang.IllegalStateException: bad token for alice\\r\\nFAKE LINE\\u0000", lines.get(1));
        assertTrue(lines.get(2).startsWith("\tat io.crier.gateway.logging.TextLogFormatTest."), lines.get(2));
        assertTrue(lines.contains("Caused by: java.lang.IllegalArgumentException: cause\\nFAKE CAUSE"), text);
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("FAKE")), text);
        lines.forEach(l -> assertNoRawControlCharacter(l.replace("\t", "")));
    }

    @Test
    void aMessageLongerThanTheCapIsCutWithAMarkSayingHowMuchWasLeftOut() {
        String line = encode("data={}", null, "x".repeat(4096 + 500));
        String message = line.substring(line.indexOf(" - ") + 3, line.length() - System.lineSeparator().length());
        assertEquals("data=" + "x".repeat(4096 - 5) + "...[505 more chars]", message);
    }

    private String encode(String pattern, Throwable error, Object... args) {
        Logger logger = context.getLogger("io.crier.connections");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, pattern, error, args);
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    static void assertNoRawControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            assertFalse(EscapeCase.mustBeEscaped(text, i), String.format("raw U+%04X at %d in %s", (int) c, i, text));
        }
    }
}
