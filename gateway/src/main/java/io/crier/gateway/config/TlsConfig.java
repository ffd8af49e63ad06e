package io.crier.gateway.config;

import java.time.Duration;

/**
 * The TLS (wss/https) listener, configured separately from the plain one in {@link ServerConfig}. The
 * constructor validates and reports every bad field by key; {@link #toString()} never shows the key
 * password. Immutable and thread-safe.
 *
 * @param enabled        {@code tls.enabled}: whether the TLS listener runs (default {@code false})
 * @param host           {@code tls.host}: the address to bind; empty means {@code server.host} (see
 *                       {@link #hostOr(String)})
 * @param port           {@code tls.port}: the port to bind, 0 for any free port (default 8443)
 * @param certChainFile  {@code tls.certChainFile}: the PEM certificate chain, leaf first; required when
 *                       enabled and not {@code selfSigned}
 * @param keyFile        {@code tls.keyFile}: the PEM private key (PKCS#8); required when enabled and not
 *                       {@code selfSigned}
 * @param keyPassword    {@code tls.keyPassword}: the key file's password; empty when it is not encrypted
 * @param selfSigned     {@code tls.selfSigned}: development only: serve a generated self-signed
 *                       certificate instead of the files
 * @param reloadInterval {@code tls.reloadInterval}: how often the files are checked for change, so that a
 *                       rotated certificate is picked up without a restart; 1s..1h
 */
public record TlsConfig(
        boolean enabled,
        String host,
        int port,
        String certChainFile,
        String keyFile,
        String keyPassword,
        boolean selfSigned,
        Duration reloadInterval) {

    /** @throws InvalidConfigException listing every bad field */
    public TlsConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.notNull("tls.host", host);
        problems.range("tls.port", port, 0, 65535);
        problems.notNull("tls.certChainFile", certChainFile);
        problems.notNull("tls.keyFile", keyFile);
        problems.notNull("tls.keyPassword", keyPassword);
        if (enabled && !selfSigned) {
            String why = "must be set when tls.enabled is true (or set tls.selfSigned=true for development)";
            problems.check(certChainFile == null || !certChainFile.isBlank(), "tls.certChainFile", why);
            problems.check(keyFile == null || !keyFile.isBlank(), "tls.keyFile", why);
        }
        problems.range("tls.reloadInterval", reloadInterval, Duration.ofSeconds(1), Duration.ofHours(1));
        problems.throwIfAny();
    }

    /** The address to bind: {@code host}, or {@code serverHost} when {@code host} is empty. */
    public String hostOr(String serverHost) {
        return host.isBlank() ? serverHost : host;
    }

    /** The key password as characters (a fresh copy), or {@code null} when the key is not encrypted. */
    public char[] keyPasswordChars() {
        return keyPassword.isEmpty() ? null : keyPassword.toCharArray();
    }

    @Override
    public String toString() {
        return "TlsConfig[enabled=" + enabled + ", host=" + host + ", port=" + port
                + ", certChainFile=" + certChainFile + ", keyFile=" + keyFile
                + ", keyPassword=" + (keyPassword == null || keyPassword.isEmpty() ? "<none>" : "<redacted>")
                + ", selfSigned=" + selfSigned + ", reloadInterval=" + reloadInterval + "]";
    }
}
