package io.crier.gateway.auth;

/** Builds the HS256 algorithm from a secret long enough for it. Stateless. */
final class HmacKeys {

    /** HS256 needs a key of at least 256 bits (RFC 7518, section 3.2). */
    static final int MIN_SECRET_BYTES = 32;

    private HmacKeys() {
    }

    static HmacAlgorithm hs256(byte[] secret) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the HS256 secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        // A private copy: the caller's array may be cleared or reused.
        return HmacAlgorithm.hs256(secret.clone());
    }
}
