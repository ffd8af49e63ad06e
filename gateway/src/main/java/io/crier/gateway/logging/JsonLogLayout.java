package io.crier.gateway.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.util.Map;

/**
 * Formats each log event as one JSON object on one line:
 * {@code {"time":"2026-11-25T10:00:00.123Z","level":"INFO","thread":"crier-io-2-1","logger":"io.crier.connections",
 * "node":"node-a","session":"node-a-1z","message":"...","error":"..."}}. {@code node} comes from the logger
 * context's property {@value LogSetup#NODE} (set once at startup, so every thread's lines carry it: event loops
 * have no MDC of their own); {@code session} from the MDC key {@value ConnectionLog#SESSION}, only when set;
 * {@code error} (the stack trace) only when there is one. Logback's own {@code JsonEncoder} nests these under
 * {@code mdc} and {@code context} objects and writes the unformatted message, which is harder to query.
 *
 * <p>Every string value goes through {@link LogEscaper}: RFC 8259's escapes plus DEL, C1 controls, U+2028/2029,
 * bidirectional controls and unpaired surrogates, so that one event is one line whatever a client or a token
 * put into it, and each value but {@code error} is cut at {@value LogEscaper#MAX_VALUE_CHARS} characters.
 *
 * <p>Thread-safe: stateless apart from logback's start/stop flag.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(256).append('{');
        field(line, "time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        line.append(',');
        field(line, "level", event.getLevel().toString());
        line.append(',');
        field(line, "thread", event.getThreadName());
        line.append(',');
        field(line, "logger", event.getLoggerName());
        String node = event.getLoggerContextVO() == null ? null
                : event.getLoggerContextVO().getPropertyMap().get(LogSetup.NODE);
        if (node != null) {
            line.append(',');
            field(line, "node", node);
        }
        Map<String, String> mdc = event.getMDCPropertyMap();
        String session = mdc == null ? null : mdc.get(ConnectionLog.SESSION);
        if (session != null) {
            line.append(',');
            field(line, "session", session);
        }
        line.append(',');
        field(line, "message", event.getFormattedMessage());
        IThrowableProxy error = event.getThrowableProxy();
        if (error != null) {
            line.append(',');
            // The trace's lines are the server's and may be long: not cut. The messages in it are escaped as in the
            // text format, so that the decoded trace keeps one line per frame whatever a message quotes.
            field(line, "error", ThrowableProxyUtil.asString(new EscapedThrowableProxy(error)), Integer.MAX_VALUE);
        }
        return line.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
    }

    private static void field(StringBuilder line, String name, String value) {
        field(line, name, value, LogEscaper.MAX_VALUE_CHARS);
    }

    private static void field(StringBuilder line, String name, String value, int maxChars) {
        line.append('"').append(name).append("\":");
        if (value == null) {
            line.append("null");
            return;
        }
        line.append('"');
        LogEscaper.json(line, value, maxChars);
        line.append('"');
    }
}
