package io.crier.gateway.auth;

/** Turns a client's token into a {@link User}. Implementations are thread-safe. */
public interface TokenVerifier {

    /**
     * Verifies {@code token} and reads its claims.
     *
     * @throws InvalidTokenException when the token is malformed, badly signed, expired, not yet valid, or
     *                               lacks a required claim
     */
    User verify(String token) throws InvalidTokenException;
}
