package io.crier.gateway.auth;

import io.crier.protocol.Jwk;
import io.crier.protocol.JwkSet;
import io.crier.protocol.JwksCodec;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Turns a JWKS document (RFC 7517), its JSON read by the protocol module's {@link JwksCodec}, into verification
 * keys with the JDK's own crypto: RSA keys from {@code n}/{@code e}, EC keys from {@code crv}/{@code x}/{@code y}
 * (P-256 and P-384, the point checked to lie on the curve). A key for encryption ({@code "use":"enc"}), of
 * another type ({@code oct}, {@code OKP}), with an algorithm Crier does not accept, or malformed, is skipped and
 * counted, so that one odd key never hides the others. Stateless.
 */
final class JwkKeys {

    /** The most keys one document may hold. */
    static final int MAX_KEYS = 64;

    private static final Set<String> ALGORITHMS = Set.of("RS256", "RS384", "RS512", "ES256", "ES384");
    private static final JwksCodec CODEC = new JwksCodec();

    /** The usable keys of a document, and how many of its keys were skipped. */
    record Parsed(KeySet keys, int skipped) {
    }

    private JwkKeys() {
    }

    /**
     * Parses a JWKS document, UTF-8 as fetched.
     *
     * @throws IllegalArgumentException when it is not a JSON object with a {@code keys} array of at most
     *                                  {@value #MAX_KEYS} entries, read by {@link JwksCodec}'s strict rules
     */
    static Parsed parse(byte[] json, String origin) {
        JwkSet document = CODEC.decode(json);
        if (document.entries() > MAX_KEYS) {
            throw new IllegalArgumentException("more than " + MAX_KEYS + " keys");
        }
        List<VerificationKey> keys = new ArrayList<>();
        // An entry that is not a key object, or has a member of the wrong type, is skipped like an unusable key.
        int skipped = document.unreadable();
        for (Jwk jwk : document.keys()) {
            VerificationKey key = keyOrNull(jwk, origin);
            if (key == null) {
                skipped++;
            } else {
                keys.add(key);
            }
        }
        return new Parsed(new KeySet(keys), skipped);
    }

    private static VerificationKey keyOrNull(Jwk jwk, String origin) {
        try {
            String use = jwk.member("use");
            String alg = jwk.member("alg");
            if ((use != null && !"sig".equals(use)) || (alg != null && !ALGORITHMS.contains(alg))) {
                return null;
            }
            String kid = jwk.member("kid");
            return switch (String.valueOf(jwk.member("kty"))) {
                case "RSA" -> VerificationKey.rsa(kid, origin, rsa(jwk), alg);
                case "EC" -> VerificationKey.ec(kid, origin, ec(jwk), alg);
                default -> null;
            };
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            // A malformed or unsupported key is skipped (and counted by the caller); the others still count.
            return null;
        }
    }

    private static RSAPublicKey rsa(Jwk jwk) throws GeneralSecurityException {
        BigInteger modulus = unsigned(jwk, "n");
        BigInteger exponent = unsigned(jwk, "e");
        if (!exponent.testBit(0) || exponent.compareTo(BigInteger.ONE) <= 0) {
            throw new IllegalArgumentException("bad RSA exponent");
        }
        return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
    }

    private static ECPublicKey ec(Jwk jwk) throws GeneralSecurityException {
        ECParameterSpec params = EcCurves.spec(jwk.member("crv"));
        int size = EcCurves.coordinateBytes(params);
        byte[] x = base64Url(jwk, "x");
        byte[] y = base64Url(jwk, "y");
        if (x.length != size || y.length != size) {
            throw new IllegalArgumentException("EC coordinates of the wrong length");
        }
        // VerificationKey.ec checks that the point lies on the curve.
        ECPoint point = new ECPoint(new BigInteger(1, x), new BigInteger(1, y));
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, params));
    }

    private static BigInteger unsigned(Jwk jwk, String member) {
        byte[] bytes = base64Url(jwk, member);
        if (bytes.length == 0) {
            throw new IllegalArgumentException(member + " is empty");
        }
        return new BigInteger(1, bytes);
    }

    private static byte[] base64Url(Jwk jwk, String member) {
        String value = jwk.member(member);
        if (value == null) {
            throw new IllegalArgumentException(member + " is missing");
        }
        return Base64.getUrlDecoder().decode(value);
    }
}
