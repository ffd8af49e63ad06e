package io.crier.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.crier.gateway.config.LogConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** log.format=json swaps the root appenders' encoder for JSON lines; text leaves the bundled pattern. */
class LogSetupTest {

    @Test
    void jsonModeWritesEveryRootLineAsJsonWithTheNodeIdAndAnEscapedStackTrace() {
        LoggerContext context = new LoggerContext();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> appender = textAppender(context, out);
        LogSetup.apply(context, new LogConfig("json"), "node-json");
        assertInstanceOf(LayoutWrappingEncoder.class, appender.getEncoder());
        context.getLogger("io.crier.gateway.Example").warn("broker not connected yet",
                new IllegalStateException("refused\tnow"));
        String line = out.toString(StandardCharsets.UTF_8);
        assertTrue(line.startsWith("{\"time\":\"") && line.endsWith("}" + System.lineSeparator()), line);
        assertEquals(1, line.split("\\R").length, "the stack trace stays on the line: " + line);
        assertTrue(line.contains("\"level\":\"WARN\",\"thread\":\""), line);
        // The exception's message is escaped as in the text format (a raw tab would be \t, it is \\t).
        assertTrue(line.contains("\"logger\":\"io.crier.gateway.Example\",\"node\":\"node-json\","
                + "\"message\":\"broker not connected yet\","
                + "\"error\":\"java.lang.IllegalStateException: refused\\\\tnow"),
                line);
        context.stop();
    }

    @Test
    void textModeKeepsThePatternAndRecordsTheNode() {
        LoggerContext context = new LoggerContext();
        OutputStreamAppender<ILoggingEvent> appender = textAppender(context, new ByteArrayOutputStream());
        LogSetup.apply(context, new LogConfig("text"), "node-text");
        assertInstanceOf(PatternLayoutEncoder.class, appender.getEncoder());
        assertEquals("node-text", context.getProperty(LogSetup.NODE));
        context.stop();
    }

    private static OutputStreamAppender<ILoggingEvent> textAppender(LoggerContext context, ByteArrayOutputStream out) {
        context.setMDCAdapter(new LogbackMDCAdapter()); // the process's context gets one from SLF4J; this one not
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%level %logger - %msg%n");
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        return appender;
    }
}
