package io.crier.gateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Reads the private key a token tool signs with, the counterpart of a file of {@code auth.publicKeyFiles}
 * ({@link PemKeys}): an unencrypted PKCS#8 PEM file ({@code BEGIN PRIVATE KEY}, what {@code openssl genpkey}
 * writes) holding an RSA key of at least {@value VerificationKey#MIN_RSA_BITS} bits or an EC key on P-256 or
 * P-384, the keys a node accepts. The other PEM forms are refused with the command that converts them.
 * Stateless.
 */
final class PrivateKeys {

    private PrivateKeys() {
    }

    /**
     * The RSA or EC private key in {@code file}.
     *
     * @throws IllegalArgumentException naming the file and why it cannot be used (never its content)
     */
    static PrivateKey read(Path file) {
        try {
            PrivateKey key = pkcs8(der(file));
            if (key instanceof RSAPrivateKey rsa && rsa.getModulus().bitLength() < VerificationKey.MIN_RSA_BITS) {
                throw new IllegalArgumentException("RSA key shorter than " + VerificationKey.MIN_RSA_BITS
                        + " bits (nodes refuse it)");
            }
            if (key instanceof ECPrivateKey ec) {
                // Throws for a curve nodes do not accept (P-521, secp256k1, ...).
                EcCurves.algorithmOf(ec.getParams());
            }
            return key;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read it (" + e.getClass().getSimpleName() + ")", e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The JWS algorithms {@code key} may sign with, the first its default: RS256/384/512, or the ES of its curve. */
    static List<String> algorithms(PrivateKey key) {
        if (key instanceof ECPrivateKey ec) {
            return List.of(EcCurves.algorithmOf(ec.getParams()));
        }
        return List.of("RS256", "RS384", "RS512");
    }

    private static byte[] der(Path file) throws IOException {
        if (Files.size(file) > PemKeys.MAX_FILE_BYTES) {
            throw new IllegalArgumentException("larger than " + PemKeys.MAX_FILE_BYTES + " bytes");
        }
        Matcher block = PemKeys.BLOCK.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        while (block.find()) {
            String label = block.group(1);
            switch (label) {
                case "PRIVATE KEY":
                    return Base64.getMimeDecoder().decode(block.group(2));
                case "EC PARAMETERS":
                    // openssl ecparam -genkey writes the curve's parameters before the key: the key follows.
                    continue;
                case "RSA PRIVATE KEY", "EC PRIVATE KEY":
                    throw new IllegalArgumentException("a " + label + " (PKCS#1 or SEC 1); convert it to PKCS#8 with "
                            + "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
                case "ENCRYPTED PRIVATE KEY":
                    throw new IllegalArgumentException("an encrypted key; decrypt it into a file only you can read with"
                            + " openssl pkcs8 -in " + file + " -out key.pem");
                case "PUBLIC KEY", "CERTIFICATE":
                    throw new IllegalArgumentException("holds a public key: give the private key (the public key goes"
                            + " in the node's auth.publicKeyFiles)");
                default:
                    throw new IllegalArgumentException("unsupported PEM block " + label);
            }
        }
        throw new IllegalArgumentException("no PEM block (-----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(spec);
        } catch (InvalidKeySpecException notRsa) {
            // Not an RSA key; the other accepted type is EC.
            try {
                return KeyFactory.getInstance("EC").generatePrivate(spec);
            } catch (InvalidKeySpecException notEc) {
                throw new IllegalArgumentException("not an RSA or EC private key (nodes accept RSA, P-256 and P-384)");
            }
        }
    }
}
