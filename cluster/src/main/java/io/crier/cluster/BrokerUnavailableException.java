package io.crier.cluster;

/**
 * A broker operation failed because the broker is not connected (or is closed, or its bounded queue is
 * full). The caller may retry later; nothing was queued on its behalf. Immutable once thrown.
 */
public final class BrokerUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BrokerUnavailableException(String message) {
        super(message);
    }

    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
