package io.crier.gateway.publish;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The key of the HTTP publish API ({@code api.key}), checked against an {@code Authorization: Bearer <key>}
 * header in constant time. The key is never logged or printed. Immutable; thread-safe.
 */
public final class ApiKey {

    private static final String BEARER = "bearer ";

    private final byte[] key;

    /** @param key the UTF-8 bytes of the key, not empty (an empty key means no API: make no {@code ApiKey}) */
    public ApiKey(byte[] key) {
        if (key.length == 0) {
            throw new IllegalArgumentException("an empty api.key means no publish API");
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
        return "ApiKey[<redacted>]";
    }
}
