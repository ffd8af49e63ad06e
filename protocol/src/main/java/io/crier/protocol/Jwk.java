package io.crier.protocol;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One key of a {@link JwkSet}, as {@link JwksCodec} reads it: the members a verifier needs, by name, each a
 * string. The key's other members (RFC 7517 lets a key carry any) are not kept.
 *
 * <p>Immutable; thread-safe.
 *
 * @param members the values of the key's members among {@link #MEMBERS}, by name
 */
public record Jwk(Map<String, String> members) {

    /**
     * The members read: {@code kty}, {@code use}, {@code alg} and {@code kid} (RFC 7517 §4), {@code n} and
     * {@code e} of an RSA key, {@code crv}, {@code x} and {@code y} of an EC key (RFC 7518 §6).
     */
    public static final Set<String> MEMBERS = Set.of("kty", "use", "alg", "kid", "n", "e", "crv", "x", "y");

    /**
     * @throws IllegalArgumentException when {@code members} names a member outside {@link #MEMBERS}
     */
    public Jwk {
        members = Map.copyOf(Objects.requireNonNull(members, "members"));
        if (!MEMBERS.containsAll(members.keySet())) {
            throw new IllegalArgumentException("a key holds only the members " + MEMBERS);
        }
    }

    /** The value of the member {@code name}, or null when the key does not have it. */
    public String member(String name) {
        return members.get(name);
    }
}
