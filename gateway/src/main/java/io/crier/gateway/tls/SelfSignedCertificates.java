package io.crier.gateway.tls;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Generates the development certificate of {@code tls.selfSigned=true}: a self-signed ECDSA P-256
 * certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, valid for {@link #VALIDITY}, built
 * with BouncyCastle (Java 17 has no public API for it) and signed by the JDK's own providers. Browsers warn
 * about it, as they should: it is for trying {@code wss://} locally, never for production.
 *
 * <p>Stateless; thread-safe.
 */
public final class SelfSignedCertificates {

    /** How long a generated certificate is valid. */
    public static final Duration VALIDITY = Duration.ofDays(30);

    private SelfSignedCertificates() {
    }

    /**
     * A new key and self-signed certificate for {@code localhost}, as PEM (the same form as the files, so
     * that it goes through the same loading path).
     */
    public static CertificateFiles.Pair localhost(Clock clock) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            X509Certificate certificate = selfSigned(keys, clock.instant());
            byte[] chain = pem("CERTIFICATE", certificate.getEncoded());
            byte[] key = pem("PRIVATE KEY", keys.getPrivate().getEncoded());
            return new CertificateFiles.Pair(chain, key, "self-signed:" + certificate.getSerialNumber().toString(16));
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot generate the self-signed certificate", e);
        }
    }

    /** {@code -----BEGIN type-----}, the DER bytes in base64 with 64-character lines, the end line. */
    public static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static X509Certificate selfSigned(KeyPair keys, Instant now)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        X500Name name = new X500Name("CN=localhost, O=Crier development");
        BigInteger serial = new BigInteger(64, new SecureRandom()).setBit(63);
        // Valid from a minute ago, so that a client whose clock is slightly behind accepts it too.
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial,
                Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(VALIDITY)), name, keys.getPublic());
        List<GeneralName> names = List.of(new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.iPAddress, "::1"));
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(names.toArray(GeneralName[]::new)));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }
}
