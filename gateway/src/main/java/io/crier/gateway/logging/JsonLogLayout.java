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
            field(line, "error", ThrowableProxyUtil.asString(error));
        }
        return line.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
    }

    private static void field(StringBuilder line, String name, String value) {
        line.append('"').append(name).append("\":");
        if (value == null) {
            line.append("null");
            return;
        }
        line.append('"');
        escape(line, value);
        line.append('"');
    }

    /** JSON string escaping (RFC 8259): quote, backslash and every control character; the rest as is. */
    static void escape(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
