package io.crier.gateway.auth;

import java.time.Clock;

/**
 * Verifies HS256 JWTs with one shared secret: signature, {@code exp} (required), {@code nbf} (when
 * present) and {@code sub} (required); reads the {@code subscribe} and {@code publish} claims (arrays of
 * topic patterns, absent means none). Thread-safe. (Skeleton: the implementation lands with the auth work.)
 */
public final class JwtTokenVerifier implements TokenVerifier {

    public JwtTokenVerifier(byte[] hmacSecret, Clock clock) {
    }

    @Override
    public User verify(String token) throws InvalidTokenException {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
