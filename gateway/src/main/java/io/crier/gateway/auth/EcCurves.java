package io.crier.gateway.auth;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.EllipticCurve;
import java.util.Map;

/**
 * The two elliptic curves Crier accepts for token signatures, P-256 (ES256) and P-384 (ES384), from the
 * JDK's own curve parameters, and the checks that tie a key to one of them. Stateless.
 */
final class EcCurves {

    private static final Map<String, String> ALGORITHMS = Map.of("P-256", "ES256", "P-384", "ES384");
    // Immutable JDK parameter objects, computed once.
    private static final Map<String, ECParameterSpec> SPECS = Map.of(
            "P-256", standard("secp256r1"), "P-384", standard("secp384r1"));

    private EcCurves() {
    }

    /**
     * The parameters of a JWK curve name ({@code P-256} or {@code P-384}).
     *
     * @throws IllegalArgumentException for any other name
     */
    static ECParameterSpec spec(String crv) {
        ECParameterSpec spec = crv == null ? null : SPECS.get(crv);
        if (spec == null) {
            throw new IllegalArgumentException("unsupported curve " + crv + " (P-256 and P-384 only)");
        }
        return spec;
    }

    private static ECParameterSpec standard(String standardName) {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(standardName));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks the standard curve " + standardName, e);
        }
    }

    /**
     * The JWS algorithm for a key on these parameters: ES256 for P-256, ES384 for P-384.
     *
     * @throws IllegalArgumentException for any other curve (secp256k1 has a 256-bit field too, so the whole
     *                                  curve is compared, not its size)
     */
    static String algorithmOf(ECParameterSpec params) {
        for (Map.Entry<String, ECParameterSpec> curve : SPECS.entrySet()) {
            if (sameCurve(curve.getValue(), params)) {
                return ALGORITHMS.get(curve.getKey());
            }
        }
        throw new IllegalArgumentException("unsupported curve (P-256 and P-384 only)");
    }

    /** The byte length of one coordinate on the curve. */
    static int coordinateBytes(ECParameterSpec params) {
        return (params.getCurve().getField().getFieldSize() + 7) / 8;
    }

    /**
     * Whether {@code point} lies on the curve: y^2 = x^3 + ax + b (mod p), with both coordinates below p.
     * The JDK does not check this when it builds a key from coordinates.
     */
    static boolean onCurve(ECPoint point, ECParameterSpec params) {
        EllipticCurve curve = params.getCurve();
        BigInteger p = ((ECFieldFp) curve.getField()).getP();
        BigInteger x = point.getAffineX();
        BigInteger y = point.getAffineY();
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
        return left.equals(right);
    }

    private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
        return a.getCurve().equals(b.getCurve()) && a.getOrder().equals(b.getOrder())
                && a.getGenerator().equals(b.getGenerator()) && a.getCofactor() == b.getCofactor();
    }
}
