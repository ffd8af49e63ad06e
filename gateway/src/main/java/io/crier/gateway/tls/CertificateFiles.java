package io.crier.gateway.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * The certificate chain and key files of the TLS listener, watched for change. {@link #changed()} looks at
 * both files' modification time and size, which is cheap, and only when either moved reads them and
 * compares a SHA-256 of their contents with the pair it last handed out: a touched but identical pair is
 * not handed out again. Symbolic links are followed, so the Kubernetes secret volume layout (files that
 * are links into a {@code ..data} folder swapped at once) works.
 *
 * <p>Not thread-safe: one reload thread calls it.
 */
public final class CertificateFiles {

    /** The contents of the two files, read together, and their digest. */
    public record Pair(byte[] chainPem, byte[] keyPem, String digest) {
    }

    private record Stat(long chainModified, long chainSize, long keyModified, long keySize) {
    }

    private final Path chainFile;
    private final Path keyFile;
    private Stat lastStat;
    private String lastDigest;

    public CertificateFiles(Path chainFile, Path keyFile) {
        this.chainFile = Objects.requireNonNull(chainFile, "chainFile");
        this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
    }

    /**
     * Reads both files now and remembers them as handed out.
     *
     * @throws IOException when either cannot be read
     */
    public Pair read() throws IOException {
        lastStat = stat();
        Pair pair = readPair();
        lastDigest = pair.digest();
        return pair;
    }

    /**
     * The pair, when the files changed since the last call and their contents differ from the pair last
     * handed out; empty otherwise.
     *
     * @throws IOException when either file cannot be read (for example in the middle of a rotation); the
     *                     next call looks again
     */
    public Optional<Pair> changed() throws IOException {
        Stat stat = stat();
        if (stat.equals(lastStat)) {
            return Optional.empty();
        }
        Pair pair = readPair();
        lastStat = stat;
        if (pair.digest().equals(lastDigest)) {
            return Optional.empty();
        }
        lastDigest = pair.digest();
        return Optional.of(pair);
    }

    /** A short description for logs: the two paths. */
    public String describe() {
        return chainFile + " and " + keyFile;
    }

    private Stat stat() throws IOException {
        return new Stat(Files.getLastModifiedTime(chainFile).toMillis(), Files.size(chainFile),
                Files.getLastModifiedTime(keyFile).toMillis(), Files.size(keyFile));
    }

    private Pair readPair() throws IOException {
        byte[] chain = Files.readAllBytes(chainFile);
        byte[] key = Files.readAllBytes(keyFile);
        return new Pair(chain, key, digest(chain, key));
    }

    private static String digest(byte[] chain, byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(chain);
            sha.update((byte) 0);
            sha.update(key);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
