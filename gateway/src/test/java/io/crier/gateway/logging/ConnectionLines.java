package io.crier.gateway.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The messages written on {@code io.crier.connections} while it is open, as the lines' text after
 * {@code " - "} (the message, unescaped). For tests of the handlers that report lifecycle events; the test
 * JVM runs one test at a time. Not thread-safe to read while lines are being written.
 */
public final class ConnectionLines implements AutoCloseable {

    private final Logger logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("io.crier.connections");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private ConnectionLines() {
        appender.setContext(logger.getLoggerContext());
        appender.setName("connection-lines");
        appender.start();
        logger.addAppender(appender);
    }

    /** Starts capturing. */
    public static ConnectionLines capture() {
        return new ConnectionLines();
    }

    /** Every message written since {@link #capture()}, in order. */
    public List<String> messages() {
        // The event loops append under the appender's own lock (AppenderBase.doAppend): copy under it too.
        synchronized (appender) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
