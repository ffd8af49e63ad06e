package io.crier.gateway.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test certificates made in memory with BouncyCastle: a test CA, leaves it signs (for {@code localhost} and
 * {@code 127.0.0.1}, with a chosen serial), their PEM forms, and an {@link SSLContext} that trusts the CA.
 * Stateless; thread-safe.
 */
public final class TestCertificates {

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {

        /** The certificate as PEM. */
        public byte[] certificatePem() {
            try {
                return SelfSignedCertificates.pem("CERTIFICATE", certificate.getEncoded());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The key as unencrypted PKCS#8 PEM. */
        public byte[] keyPem() {
            return SelfSignedCertificates.pem("PRIVATE KEY", key.getEncoded());
        }
    }

    private TestCertificates() {
    }

    /** A self-signed CA named {@code CN=name}. */
    public static Issued authority(String name) {
        KeyPair keys = ecKeys();
        X500Name subject = new X500Name("CN=" + name);
        return sign(keys, builder(subject, BigInteger.ONE, subject, keys)
                .extension(Extension.basicConstraints, new BasicConstraints(true))
                .extension(Extension.keyUsage, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)).builder,
                keys.getPrivate());
    }

    /** A server certificate for {@code localhost} and {@code 127.0.0.1}, signed by {@code ca}. */
    public static Issued leaf(Issued ca, String commonName, long serial) {
        KeyPair keys = ecKeys();
        X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
        GeneralNames names = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
        return sign(keys, builder(issuer, BigInteger.valueOf(serial), new X500Name("CN=" + commonName), keys)
                .extension(Extension.basicConstraints, new BasicConstraints(false))
                .extension(Extension.subjectAlternativeName, names).builder, ca.key());
    }

    /** The key as encrypted PKCS#8 PEM (AES-256-CBC). */
    public static byte[] encryptedKeyPem(PrivateKey key, char[] password) {
        try {
            var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).setPassword(password).build();
            StringWriter text = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
                writer.writeObject(new JcaPKCS8Generator(key, encryptor).generate());
            }
            return text.toString().getBytes(StandardCharsets.US_ASCII);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key in the traditional OpenSSL form ({@code BEGIN EC PRIVATE KEY}). */
    public static byte[] traditionalKeyPem(PrivateKey key) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(key);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Writes {@code leaf}'s chain (leaf, then {@code ca}) and key the way a rotation does: each file to a
     * temporary sibling, then moved over the old one.
     */
    public static void write(Path chainFile, Path keyFile, Issued leaf, Issued ca) throws IOException {
        byte[] chain = concat(leaf.certificatePem(), ca.certificatePem());
        replace(chainFile, chain);
        replace(keyFile, leaf.keyPem());
    }

    /** Replaces {@code file}'s content at once (write a sibling, then move it over). */
    public static void replace(Path file, byte[] content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temporary, content);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A client context that trusts {@code ca} only. */
    public static SSLContext trusting(X509Certificate ca) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("test-ca", ca);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private record Builder(X509v3CertificateBuilder builder) {
        Builder extension(org.bouncycastle.asn1.ASN1ObjectIdentifier oid, org.bouncycastle.asn1.ASN1Encodable value) {
            try {
                builder.addExtension(oid, oid.equals(Extension.basicConstraints), value);
                return this;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static Builder builder(X500Name issuer, BigInteger serial, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new Builder(new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic()));
    }

    private static Issued sign(KeyPair keys, X509v3CertificateBuilder builder, PrivateKey issuerKey) {
        try {
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
            return new Issued(certificate, keys.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
