package io.crier.gateway.logging;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;

/**
 * An exception as logback renders it, with its messages escaped for the text format ({@link LogEscaper#text})
 * and its causes and suppressed exceptions wrapped in turn (as they are asked for, so a cycle, which logback
 * already cuts, costs nothing more). Class names and frames are passed through: the server made them.
 *
 * <p>Immutable; thread-safe as the proxy it wraps (logback's are effectively immutable once built).
 */
final class EscapedThrowableProxy implements IThrowableProxy {

    private final IThrowableProxy error;

    EscapedThrowableProxy(IThrowableProxy error) {
        this.error = error;
    }

    @Override
    public String getMessage() {
        return LogEscaper.text(error.getMessage());
    }

    @Override
    public String getOverridingMessage() {
        return LogEscaper.text(error.getOverridingMessage());
    }

    @Override
    public String getClassName() {
        return error.getClassName();
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
        return error.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
        return error.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
        return error.getCause() == null ? null : new EscapedThrowableProxy(error.getCause());
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
        IThrowableProxy[] suppressed = error.getSuppressed();
        if (suppressed == null) {
            return null;
        }
        IThrowableProxy[] escaped = new IThrowableProxy[suppressed.length];
        for (int i = 0; i < suppressed.length; i++) {
            escaped[i] = new EscapedThrowableProxy(suppressed[i]);
        }
        return escaped;
    }

    @Override
    public boolean isCyclic() {
        return error.isCyclic();
    }
}
