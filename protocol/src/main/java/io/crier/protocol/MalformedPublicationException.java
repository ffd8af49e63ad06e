package io.crier.protocol;

/** A broker payload that is not a valid publication; the node counts and drops it. */
public final class MalformedPublicationException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedPublicationException(String message) {
        super(message, null, false, false);
    }
}
