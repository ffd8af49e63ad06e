package io.crier.protocol;

/**
 * A broker payload that is not a valid publication; the node counts and drops it. The message says
 * what was wrong in a few words and quotes none of the payload. Immutable; thread-safe.
 */
public final class MalformedPublicationException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedPublicationException(String message) {
        super(message, null, false, false);
    }
}
