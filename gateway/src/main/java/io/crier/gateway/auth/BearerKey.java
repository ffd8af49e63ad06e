package io.crier.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A shared key that a caller presents as {@code Authorization: Bearer <key>} (the HTTP publish API's
 * {@code api.key}, the admin API's {@code admin.key}), checked in constant time. The key is never logged or
 * printed. Immutable; thread-safe.
 */
public final class BearerKey {

    private static final String BEARER = "bearer ";

    private final byte[] key;

    /** @param key the UTF-8 bytes of the key, not empty (an empty key means no API: make no {@code BearerKey}) */
    public BearerKey(byte[] key) {
        if (key.length == 0) {
            throw new IllegalArgumentException("an empty key means no API");
        }
        this.key = key.clone();
    }

    /** Whether {@code authorization} (the header's value, or {@code null}) is {@code Bearer <the key>}. */
    public boolean matches(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        // MessageDigest.isEqual's time depends only on the length of its first argument (the JDK's implNote): with
        // the presented value first, it tells a client nothing about the key's bytes or its length.
        return MessageDigest.isEqual(presented, key);
    }

    @Override
    public String toString() {
        return "BearerKey[<redacted>]";
    }
}
