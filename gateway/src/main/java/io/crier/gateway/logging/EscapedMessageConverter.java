package io.crier.gateway.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The text format's {@code %escapedMsg}: the formatted message with control characters, line separators and
 * the like written visibly ({@link LogEscaper#text}), so that whatever a client or a token put into a logged
 * value, the event stays one line. The bundled {@code logback.xml} uses it in place of {@code %msg}; a pattern
 * of one's own should too.
 *
 * <p>Stateless and thread-safe.
 */
public final class EscapedMessageConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return LogEscaper.text(event.getFormattedMessage());
    }
}
