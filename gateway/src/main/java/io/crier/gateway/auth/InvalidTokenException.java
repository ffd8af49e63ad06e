package io.crier.gateway.auth;

/**
 * A token was refused. The message says why, for logs and metrics; clients only get the
 * {@code invalid_token} close code, so that the server tells an attacker nothing.
 */
public final class InvalidTokenException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidTokenException(String message) {
        super(message, null, false, false);
    }
}
