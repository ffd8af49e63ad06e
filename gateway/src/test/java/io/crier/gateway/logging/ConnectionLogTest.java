package io.crier.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.crier.gateway.config.LogConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The connection lifecycle lines in JSON mode: one flat JSON object per line with the node id and, for a
 * session's events, the session id; and a flood of connections costs a bounded number of lines, the rest
 * counted. The lines are captured by an appender on the {@code io.crier.connections} logger.
 */
class ConnectionLogTest {

    /** A flat JSON object of string (or null) fields: what JsonLogLayout writes, one per line. */
    private static final Pattern FLAT_JSON_OBJECT = Pattern.compile(
            "\\{\"[a-z]+\":(\"([^\"\\\\\\p{Cntrl}]|\\\\[\"\\\\bfnrt]|\\\\u[0-9a-f]{4})*\"|null)"
                    + "(,\"[a-z]+\":(\"([^\"\\\\\\p{Cntrl}]|\\\\[\"\\\\bfnrt]|\\\\u[0-9a-f]{4})*\"|null))*}");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger logger = context.getLogger("io.crier.connections");
    private OutputStreamAppender<ILoggingEvent> appender;

    @BeforeEach
    void captureJsonLines() {
        LogSetup.apply(context, new LogConfig("text"), "test-node");
        JsonLogLayout layout = new JsonLogLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName("connection-log-test");
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(appender);
        appender.stop();
    }

    @Test
    void writesOneJsonObjectPerLineWithTheNodeAndTheSession() {
        ConnectionLog log = new ConnectionLog(new SimpleMeterRegistry(), 100, 100, System::nanoTime);
        log.connected("c0ffee01", "203.0.113.7");
        log.authenticated("c0ffee01", "test-node-1a", "alice \"the\" user\n");
        log.disconnected("c0ffee01", "test-node-1a", "slow_consumer", null, 1234);
        List<String> lines = lines();
        assertEquals(3, lines.size(), lines.toString());
        for (String line : lines) {
            assertTrue(FLAT_JSON_OBJECT.matcher(line).matches(), "not one flat JSON object: " + line);
            assertTrue(line.contains("\"node\":\"test-node\""), line);
            assertTrue(line.contains("\"level\":\"INFO\""), line);
        }
        assertFalse(lines.get(0).contains("\"session\""), "no session before authentication: " + lines.get(0));
        assertTrue(lines.get(0).contains("connected conn=c0ffee01 client=203.0.113.7"), lines.get(0));
        assertTrue(lines.get(1).contains("\"session\":\"test-node-1a\""), lines.get(1));
        assertTrue(lines.get(1).contains("user=alice \\\"the\\\" user\\n"), lines.get(1));
        assertTrue(lines.get(2).contains("\"session\":\"test-node-1a\""), lines.get(2));
        assertTrue(lines.get(2).contains("reason=slow_consumer durationMs=1234"), lines.get(2));
    }

    @Test
    void aFloodOfConnectionsCostsABoundedNumberOfLinesAndTheRestAreCounted() {
        AtomicLong nanos = new AtomicLong();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ConnectionLog log = new ConnectionLog(meters, 1, 5, nanos::get);
        for (int i = 0; i < 100; i++) {
            log.connected("conn-" + i, "127.0.0.1");
        }
        assertEquals(5, lines().size());
        assertEquals(95.0, meters.get("crier.log.lifecycle.suppressed").counter().count());
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        log.connected("conn-late", "127.0.0.1");
        List<String> lines = lines();
        assertEquals(7, lines.size(), lines.toString());
        assertTrue(lines.get(5).contains("95 connection lifecycle lines left out"), lines.get(5));
        assertTrue(lines.get(6).contains("connected conn=conn-late"), lines.get(6));
    }

    @Test
    void aRefusedTokenIsNamedByItsReasonOnTheDisconnectedLineOfItsConnection() {
        ConnectionLog log = new ConnectionLog(new SimpleMeterRegistry(), 100, 100, System::nanoTime);
        log.disconnected("c0ffee01", null, "token_expired", "expired", 12);
        log.disconnected("c0ffee02", null, "invalid_token", "bad_signature", 7);
        List<String> lines = lines();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("disconnected conn=c0ffee01 session=- reason=token_expired "
                + "tokenError=expired durationMs=12"), lines.get(0));
        assertTrue(lines.get(1).contains("disconnected conn=c0ffee02 session=- reason=invalid_token "
                + "tokenError=bad_signature durationMs=7"), lines.get(1));
        assertFalse(lines.get(0).contains("\"session\""), "no session: " + lines.get(0));
    }

    @Test
    void anUpgradeRefusedForItsBearerTokenIsOneLineWithTheClientAndTheReason() {
        ConnectionLog log = new ConnectionLog(new SimpleMeterRegistry(), 100, 100, System::nanoTime);
        log.refused("c0ffee01", "203.0.113.7", 401, "expired");
        List<String> lines = lines();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(FLAT_JSON_OBJECT.matcher(lines.get(0)).matches(), lines.get(0));
        assertTrue(lines.get(0).contains("refused conn=c0ffee01 client=203.0.113.7 status=401 tokenError=expired"),
                lines.get(0));
    }

    @Test
    void aRefusedRefreshIsALineOfItsSession() {
        ConnectionLog log = new ConnectionLog(new SimpleMeterRegistry(), 100, 100, System::nanoTime);
        log.refreshRefused("c0ffee01", "test-node-1a", "other_user");
        List<String> lines = lines();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("\"session\":\"test-node-1a\""), lines.get(0));
        assertTrue(lines.get(0).contains("refresh refused conn=c0ffee01 session=test-node-1a tokenError=other_user"),
                lines.get(0));
    }

    @Test
    void aFloodOfBadTokensCostsTheSameBoundedNumberOfLinesAsAnyOtherFlood() {
        AtomicLong nanos = new AtomicLong();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ConnectionLog log = new ConnectionLog(meters, 1, 5, nanos::get);
        for (int i = 0; i < 40; i++) {
            log.refused("conn-" + i, "198.51.100.9", 401, "bad_signature");
            log.disconnected("conn-ws-" + i, null, "invalid_token", "bad_signature", 1);
            log.refreshRefused("conn-r", "test-node-1a", "expired");
        }
        assertEquals(5, lines().size(), lines().toString());
        assertEquals(115.0, meters.get("crier.log.lifecycle.suppressed").counter().count());
    }

    @Test
    void aSubThatForgesALineStaysOneEscapedLineInBothFormats() {
        String forged = "alice\n2026-12-07T00:00:00.000Z INFO  [main] io.crier.connections - authenticated "
                + "conn=0badc0de session=n-1 user=admin\u0000";
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> textAppender = bundledTextAppender(text);
        logger.addAppender(textAppender);
        try {
            new ConnectionLog(new SimpleMeterRegistry(), 100, 100, System::nanoTime)
                    .authenticated("c0ffee01", "test-node-1a", forged);
        } finally {
            logger.detachAppender(textAppender);
            textAppender.stop();
        }
        String escaped = "user=alice\\n2026-12-07T00:00:00.000Z INFO  [main] io.crier.connections - authenticated "
                + "conn=0badc0de session=n-1 user=admin\\u0000";
        String textLine = text.toString(StandardCharsets.UTF_8);
        assertEquals(1, textLine.split("\n", -1).length - 1, "one text line: " + textLine);
        assertTrue(textLine.endsWith(escaped + System.lineSeparator()), textLine);
        List<String> jsonLines = lines();
        assertEquals(1, jsonLines.size(), jsonLines.toString());
        assertTrue(FLAT_JSON_OBJECT.matcher(jsonLines.get(0)).matches(), jsonLines.get(0));
        assertTrue(jsonLines.get(0).contains(escaped), "the same escapes as the text: " + jsonLines.get(0));
        for (String line : List.of(textLine.strip(), jsonLines.get(0))) {
            TextLogFormatTest.assertNoRawControlCharacter(line);
        }
    }

    /** An appender with the pattern of the bundled logback.xml (this JVM's context is configured by it). */
    private OutputStreamAppender<ILoggingEvent> bundledTextAppender(ByteArrayOutputStream text) {
        OutputStreamAppender<?> stdout = (OutputStreamAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME)
                .getAppender("STDOUT");
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(((PatternLayoutEncoder) stdout.getEncoder()).getPattern());
        encoder.start();
        OutputStreamAppender<ILoggingEvent> textAppender = new OutputStreamAppender<>();
        textAppender.setContext(context);
        textAppender.setName("connection-log-test-text");
        textAppender.setEncoder(encoder);
        textAppender.setOutputStream(text);
        textAppender.start();
        return textAppender;
    }

    private List<String> lines() {
        String text = out.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\R"));
    }
}
