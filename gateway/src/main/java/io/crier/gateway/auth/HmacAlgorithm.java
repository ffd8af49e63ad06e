package io.crier.gateway.auth;

import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.SignatureGenerationException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256, HS384 or HS512 with one secret, verifying as java-jwt's own HMAC algorithm does (the MAC of
 * {@code header.payload}, compared in constant time with the decoded signature) but with a {@link Mac} kept per
 * thread and key, where java-jwt looks the MAC up in the security providers and keys it afresh for every token:
 * at a connect storm that lookup was a third of a token's verification. {@link #verifies} checks the bytes that
 * {@link CompactJws} already holds, without java-jwt's decoding. Signing is java-jwt's.
 *
 * <p>Thread-safe: each thread uses a {@link Mac} of its own.
 */
final class HmacAlgorithm extends Algorithm {

    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

    private final Algorithm signer;
    private final ThreadLocal<Mac> macs;

    /**
     * @param name     HS256, HS384 or HS512
     * @param javaName the JCA name of its MAC: HmacSHA256, HmacSHA384 or HmacSHA512
     * @param secret   the secret (not copied: the caller passes a private copy)
     */
    private HmacAlgorithm(String name, String javaName, Algorithm signer, byte[] secret) {
        super(name, javaName);
        this.signer = Objects.requireNonNull(signer, "signer");
        SecretKeySpec key = new SecretKeySpec(secret, javaName);
        this.macs = ThreadLocal.withInitial(() -> newMac(key));
        newMac(key); // fails now, at startup, rather than at the first token
    }

    /** HS256 with {@code secret}, which the caller no longer changes. */
    static HmacAlgorithm hs256(byte[] secret) {
        return new HmacAlgorithm("HS256", "HmacSHA256", Algorithm.HMAC256(secret), secret);
    }

    /** HS384 with {@code secret}, which the caller no longer changes. */
    static HmacAlgorithm hs384(byte[] secret) {
        return new HmacAlgorithm("HS384", "HmacSHA384", Algorithm.HMAC384(secret), secret);
    }

    /** HS512 with {@code secret}, which the caller no longer changes. */
    static HmacAlgorithm hs512(byte[] secret) {
        return new HmacAlgorithm("HS512", "HmacSHA512", Algorithm.HMAC512(secret), secret);
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(key.getAlgorithm());
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + key.getAlgorithm(), e);
        }
    }

    @Override
    public void verify(DecodedJWT jwt) throws SignatureVerificationException {
        byte[] signature;
        try {
            signature = BASE64URL.decode(jwt.getSignature());
        } catch (IllegalArgumentException e) {
            throw new SignatureVerificationException(this, e);
        }
        byte[] signingInput = (jwt.getHeader() + '.' + jwt.getPayload()).getBytes(StandardCharsets.US_ASCII);
        if (!verifies(signingInput, signingInput.length, signature)) {
            throw new SignatureVerificationException(this);
        }
    }

    /**
     * Whether {@code signature} is the MAC of the first {@code length} bytes of {@code token} ({@code header.payload}
     * as ASCII), compared in constant time: the same check as {@link #verify(DecodedJWT)} on bytes a strict reader
     * already has.
     */
    boolean verifies(byte[] token, int length, byte[] signature) {
        Mac mac = macs.get();
        mac.update(token, 0, length);
        return MessageDigest.isEqual(mac.doFinal(), signature);
    }

    @Override
    public byte[] sign(byte[] headerBytes, byte[] payloadBytes) throws SignatureGenerationException {
        return signer.sign(headerBytes, payloadBytes);
    }

    @Override
    public byte[] sign(byte[] contentBytes) throws SignatureGenerationException {
        return signer.sign(contentBytes);
    }
}
