package io.crier.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for redis-servers that speak TLS in tests, made with the openssl command line as an operator would:
 * a test CA and one server certificate it signs, for {@code 127.0.0.1} and {@code localhost} (clients verify the
 * name), in a temp dir that {@link #close()} deletes. Immutable once made; thread-safe.
 */
public final class RedisTls implements AutoCloseable {

    private final Path dir;

    private RedisTls(Path dir) {
        this.dir = dir;
    }

    /** Makes the CA and the server certificate (EC P-256, valid for a day). */
    public static RedisTls create() {
        try {
            Path dir = Files.createTempDirectory("crier-redis-tls-");
            Files.writeString(dir.resolve("san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
            openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=crier-test-ca");
            openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=redis");
            openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", "server.crt", "-days", "1", "-extfile", "san.cnf");
            return new RedisTls(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CA certificate (PEM) that clients trust: what {@code redis.tlsCaFile} names. */
    public Path caFile() {
        return dir.resolve("ca.crt");
    }

    /** The configuration lines of a server with TLS only, on {@code port}, for a config file or the command line. */
    public List<String> serverConfig(int port) {
        return List.of("port 0", "tls-port " + port, "tls-cert-file " + dir.resolve("server.crt"),
                "tls-key-file " + dir.resolve("server.key"), "tls-ca-cert-file " + caFile(),
                "tls-auth-clients no", "tls-replication yes");
    }

    /** What {@code redis-cli} needs to reach such a server. */
    public List<String> cliArguments() {
        return List.of("--tls", "--cacert", caFile().toString());
    }

    @Override
    public void close() {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Path output = dir.resolve("openssl.out");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("openssl timed out: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("openssl failed: " + command + "\n"
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
    }
}
