package io.crier.gateway.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.crier.gateway.config.LogConfig;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code log.format} to logback once the configuration is loaded: records the node id as the logger
 * context's property {@value #NODE} (read by the JSON lines on every thread), and in {@code json} mode gives
 * every output appender of the root logger a {@link JsonLogLayout}. The bundled {@code logback.xml} is the
 * text format; nothing changes for {@code text}.
 *
 * <p>Call once, at startup, from the main thread (logback swaps encoders safely, but not concurrently with
 * another setup).
 */
public final class LogSetup {

    /** The logger context property that holds the node id. */
    public static final String NODE = "node";

    private LogSetup() {
    }

    /** Applies {@code config} to the process's logback, if logback is the SLF4J binding (else does nothing). */
    public static void apply(LogConfig config, String nodeId) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            apply(context, config, nodeId);
        }
    }

    /** Applies {@code config} to {@code context}. */
    public static void apply(LoggerContext context, LogConfig config, String nodeId) {
        context.putProperty(NODE, nodeId);
        if (!config.json()) {
            return;
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
                appender.setEncoder(jsonEncoder(context));
            }
        }
    }

    private static LayoutWrappingEncoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        JsonLogLayout layout = new JsonLogLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        return encoder;
    }
}
