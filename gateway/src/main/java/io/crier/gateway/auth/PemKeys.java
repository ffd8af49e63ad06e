package io.crier.gateway.auth;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files of {@code auth.publicKeyFiles}: an RSA or EC public key ({@code BEGIN PUBLIC KEY},
 * X.509 SubjectPublicKeyInfo) or an X.509 certificate ({@code BEGIN CERTIFICATE}; its key is used, its
 * dates and issuer are not checked: it only carries the key). A file's kid is its name without the
 * extension ({@code keys/issuer-2025.pem} has kid {@code issuer-2025}). Stateless.
 */
final class PemKeys {

    /** A public key or certificate PEM is a few KiB; anything this large is a wrong file. */
    static final int MAX_FILE_BYTES = 64 * 1024;

    /** One PEM block: its label (group 1) and its base64 body (group 2). Shared with {@link PrivateKeys}. */
    static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private PemKeys() {
    }

    /**
     * Reads every file.
     *
     * @throws IllegalArgumentException naming the first file that cannot be read or holds no usable key
     */
    static KeySet load(List<String> files) {
        List<VerificationKey> keys = new ArrayList<>(files.size());
        for (String file : files) {
            keys.add(read(Path.of(file)));
        }
        return new KeySet(keys);
    }

    /**
     * Reads one file.
     *
     * @throws IllegalArgumentException when it cannot be read or holds no usable public key
     */
    static VerificationKey read(Path file) {
        String kid = kidOf(file);
        String origin = "auth.publicKeyFiles " + file;
        try {
            PublicKey key = publicKey(file);
            if (key instanceof RSAPublicKey rsa) {
                return VerificationKey.rsa(kid, origin, rsa, null);
            }
            if (key instanceof ECPublicKey ec) {
                return VerificationKey.ec(kid, origin, ec, null);
            }
            throw new IllegalArgumentException("not an RSA or EC key (" + key.getAlgorithm() + ")");
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
        }
    }

    /** The file name without its last extension. */
    static String kidOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static PublicKey publicKey(Path file) throws IOException, GeneralSecurityException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("larger than " + MAX_FILE_BYTES + " bytes");
        }
        Matcher block = BLOCK.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        if (!block.find()) {
            throw new IllegalArgumentException("no PEM block (-----BEGIN ...-----)");
        }
        String label = block.group(1);
        byte[] der = Base64.getMimeDecoder().decode(block.group(2));
        switch (label) {
            case "PUBLIC KEY":
                return subjectPublicKeyInfo(der);
            case "CERTIFICATE":
                return CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
            case "RSA PUBLIC KEY":
                throw new IllegalArgumentException("a PKCS#1 RSA PUBLIC KEY; convert it to a PUBLIC KEY with "
                        + "openssl rsa -RSAPublicKey_in -pubout");
            default:
                throw new IllegalArgumentException(label.contains("PRIVATE")
                        ? "holds a private key: give the public key only" : "unsupported PEM block " + label);
        }
    }

    private static PublicKey subjectPublicKeyInfo(byte[] der) throws GeneralSecurityException {
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (InvalidKeySpecException notRsa) {
            // Not an RSA SubjectPublicKeyInfo; the other accepted type is EC.
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }
}
