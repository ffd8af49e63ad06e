package io.crier.gateway.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;

/**
 * The text format's {@code %escapedEx}: logback's stack trace ({@code %ex}), one line per frame as usual, with
 * the message of each exception, cause and suppressed exception escaped ({@link EscapedThrowableProxy}). The
 * frames are the server's own, but a message may quote a client's input, and a newline in it would start a
 * line that looks like a frame, a {@code Caused by} or a log event of its own.
 *
 * <p>Thread-safe once started, as logback's converters are.
 */
public final class EscapedThrowableConverter extends ThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy error) {
        return super.throwableProxyToString(new EscapedThrowableProxy(error));
    }
}
