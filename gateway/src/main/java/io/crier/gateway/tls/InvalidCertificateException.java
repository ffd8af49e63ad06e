package io.crier.gateway.tls;

/**
 * A certificate chain or key that cannot be served: unreadable, not PEM, encrypted without the right
 * password, or a key that does not belong to the certificate. The message says which, never a secret.
 * Immutable; thread-safe.
 */
public final class InvalidCertificateException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidCertificateException(String message) {
        super(message);
    }

    public InvalidCertificateException(String message, Throwable cause) {
        super(message, cause);
    }
}
