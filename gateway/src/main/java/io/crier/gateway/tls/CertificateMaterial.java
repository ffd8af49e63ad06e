package io.crier.gateway.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A checked certificate chain (leaf first) and the private key that belongs to its leaf, parsed from PEM.
 * The key may be PKCS#8 (plain or encrypted with {@code tls.keyPassword}) or the traditional OpenSSL RSA/EC
 * form. {@link #parse} proves that the key matches the leaf by signing with it, so that a half-rotated pair
 * (new certificate, old key) is refused here rather than failing every handshake later.
 *
 * <p>Immutable; thread-safe.
 *
 * @param chain the certificates, leaf first
 * @param key   the leaf's private key
 */
public record CertificateMaterial(List<X509Certificate> chain, PrivateKey key) {

    /**
     * Decrypts encrypted keys: OpenSSL's PBES2 names ciphers (AES/CBC/PKCS7Padding) the JDK's providers do not
     * know. An instance, never registered with {@code Security}: no global state changes.
     */
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    public CertificateMaterial {
        chain = List.copyOf(chain);
        Objects.requireNonNull(key, "key");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the certificate chain is empty");
        }
    }

    /** The leaf certificate, the one presented for this node. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /**
     * Parses and checks a PEM certificate chain and key.
     *
     * @param password the key's password, or {@code null} when it is not encrypted
     * @throws InvalidCertificateException when the pair cannot be served
     */
    public static CertificateMaterial parse(byte[] chainPem, byte[] keyPem, char[] password)
            throws InvalidCertificateException {
        List<X509Certificate> chain = certificates(chainPem);
        PrivateKey key = privateKey(keyPem, password);
        requireMatch(chain.get(0), key);
        return new CertificateMaterial(chain, key);
    }

    private static List<X509Certificate> certificates(byte[] pem) throws InvalidCertificateException {
        try {
            List<X509Certificate> chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem)).stream()
                    .map(X509Certificate.class::cast).toList();
            if (chain.isEmpty()) {
                throw new InvalidCertificateException("the certificate chain file holds no certificate");
            }
            return chain;
        } catch (GeneralSecurityException e) {
            throw new InvalidCertificateException("the certificate chain is not valid PEM: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(byte[] pem, char[] password) throws InvalidCertificateException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader text = new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(text)) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (item instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                    return converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(
                            new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BOUNCY_CASTLE)
                                    .build(requirePassword(password))));
                }
                if (item instanceof PEMKeyPair pair) {
                    // The private part alone: an EC key written without its public point has no public part.
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (item instanceof PEMEncryptedKeyPair encrypted) {
                    PEMKeyPair pair = encrypted.decryptKeyPair(
                            new JcePEMDecryptorProviderBuilder().setProvider(BOUNCY_CASTLE).build(requirePassword(password)));
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                // Anything else (EC parameters, a certificate) is skipped: the key is what we look for.
            }
            throw new InvalidCertificateException("the key file holds no private key");
        } catch (IOException | OperatorCreationException | PKCSException e) {
            // BouncyCastle wraps a wrong password in these too; the message carries no secret.
            throw new InvalidCertificateException("the key cannot be read (a wrong tls.keyPassword?): "
                    + e.getMessage(), e);
        }
    }

    private static char[] requirePassword(char[] password) throws InvalidCertificateException {
        if (password == null) {
            throw new InvalidCertificateException("the key is encrypted but tls.keyPassword is empty");
        }
        return password;
    }

    private static void requireMatch(X509Certificate leaf, PrivateKey key) throws InvalidCertificateException {
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        try {
            String algorithm = signatureAlgorithm(key);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            if (!verifier.verify(signer.sign())) {
                throw new InvalidCertificateException("the key does not belong to the certificate");
            }
        } catch (GeneralSecurityException e) {
            throw new InvalidCertificateException("the key does not belong to the certificate: " + e.getMessage(), e);
        }
    }

    private static String signatureAlgorithm(PrivateKey key) throws InvalidCertificateException {
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new InvalidCertificateException("unsupported key type " + key.getAlgorithm()
                    + " (use RSA or EC)");
        };
    }
}
