package io.crier.gateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Authentication: the keys that verify client tokens (HMAC secrets, PEM public keys, a JWKS URL), the
 * claims checked, and the expiry policy of connected sessions. The constructor validates and reports every
 * bad field by key; {@link #toString()} never shows a secret. Immutable and thread-safe.
 *
 * @param hmacSecret          {@code auth.hmacSecret}: the HMAC secret (HS256/384/512), at least
 *                            {@value #MIN_SECRET_BYTES} bytes in UTF-8; empty means none
 * @param authTimeout         {@code auth.authTimeout}: how long a new socket may take to authenticate (up to 5m)
 * @param hmacSecretPrevious  {@code auth.hmacSecretPrevious}: a second HMAC secret also accepted, for
 *                            rotation; empty means none; at least {@value #MIN_SECRET_BYTES} bytes when set
 * @param publicKeyFiles      {@code auth.publicKeyFiles}: PEM files with RSA or EC public keys or X.509
 *                            certificates; the key id ({@code kid}) of each is its file name without
 *                            extension (see {@link #keyIdOf(String)}), so the names must differ
 * @param jwksUrl             {@code auth.jwksUrl}: an http(s) URL of a JWKS, cached and refreshed in the
 *                            background, keys picked by {@code kid}; empty means none
 * @param jwksRefreshInterval {@code auth.jwksRefreshInterval}: how often the JWKS is fetched again; 10s..1d
 * @param issuer              {@code auth.issuer}: the required {@code iss} claim; empty means not checked
 * @param audience            {@code auth.audience}: a required {@code aud} value; empty means not checked
 * @param clockLeeway         {@code auth.clockLeeway}: the tolerance on {@code exp} and {@code nbf}; 0..1m
 * @param allowAnonymous      {@code auth.allowAnonymous}: whether an {@code auth} command without a token
 *                            opens an anonymous session
 * @param expiryWarning       {@code auth.expiryWarning}: how long before the token's {@code exp} the server
 *                            pushes {@code expiring}; 1s..1h
 * @param expiryGrace         {@code auth.expiryGrace}: a session not refreshed by {@code exp} plus this is
 *                            closed with 4004 {@code token_expired}; 0..10m
 * @param devTokens           {@code auth.devTokens}: development only: serve {@code GET /dev/token} signed with
 *                            {@code hmacSecret}, so that every node with that secret accepts its tokens (a local
 *                            fleet); needs {@code hmacSecret}
 */
public record AuthConfig(
        String hmacSecret,
        Duration authTimeout,
        String hmacSecretPrevious,
        List<String> publicKeyFiles,
        String jwksUrl,
        Duration jwksRefreshInterval,
        String issuer,
        String audience,
        Duration clockLeeway,
        boolean allowAnonymous,
        Duration expiryWarning,
        Duration expiryGrace,
        boolean devTokens) {

    /** The shortest accepted secret, in bytes. */
    public static final int MIN_SECRET_BYTES = 32;

    /** @throws InvalidConfigException listing every bad field */
    public AuthConfig {
        ConfigProblems problems = new ConfigProblems();
        checkSecret(problems, "auth.hmacSecret", hmacSecret);
        problems.range("auth.authTimeout", authTimeout, Duration.ofMillis(1), Duration.ofMinutes(5));
        checkSecret(problems, "auth.hmacSecretPrevious", hmacSecretPrevious);
        // A previous secret only makes sense next to a current one: rotation moves the old one there.
        problems.check(hmacSecretPrevious == null || hmacSecretPrevious.isEmpty() || hmacSecret == null
                || !hmacSecret.isEmpty(), "auth.hmacSecretPrevious", "needs auth.hmacSecret to be set too");
        problems.notNull("auth.publicKeyFiles", publicKeyFiles);
        if (publicKeyFiles != null) {
            publicKeyFiles = List.copyOf(publicKeyFiles);
            checkKeyFiles(problems, publicKeyFiles);
        }
        problems.check(jwksUrl != null && (jwksUrl.isEmpty() || isHttpUrl(jwksUrl)), "auth.jwksUrl",
                "must be empty or an http:// or https:// URL");
        problems.range("auth.jwksRefreshInterval", jwksRefreshInterval, Duration.ofSeconds(10), Duration.ofDays(1));
        problems.notNull("auth.issuer", issuer);
        problems.notNull("auth.audience", audience);
        problems.range("auth.clockLeeway", clockLeeway, Duration.ZERO, Duration.ofMinutes(1));
        problems.range("auth.expiryWarning", expiryWarning, Duration.ofSeconds(1), Duration.ofHours(1));
        problems.range("auth.expiryGrace", expiryGrace, Duration.ZERO, Duration.ofMinutes(10));
        // Without a secret each node would sign with a random one of its own: the very failure (a token from one
        // node refused by the next) that this setting exists to prevent, so it is refused rather than ignored.
        problems.check(!devTokens || hmacSecret == null || !hmacSecret.isEmpty(), "auth.devTokens",
                "needs auth.hmacSecret: the development tokens are signed with it (with no key configured at all the"
                        + " node is in development mode and serves /dev/token with a random secret of its own)");
        problems.throwIfAny();
    }

    /**
     * Whether no key of any kind is configured (no HMAC secret, no previous secret, no public key file, no
     * JWKS URL), so the node runs in development mode (a random secret and the {@code /dev/token} endpoint).
     */
    public boolean devMode() {
        return hmacSecret.isEmpty() && hmacSecretPrevious.isEmpty() && publicKeyFiles.isEmpty()
                && jwksUrl.isEmpty();
    }

    /**
     * Whether the node serves {@code GET /dev/token}: in development mode (signed with the node's random secret)
     * or with {@code auth.devTokens} (signed with {@code auth.hmacSecret}).
     */
    public boolean servesDevTokens() {
        return devMode() || devTokens;
    }

    /** The secret as the UTF-8 bytes that sign and verify tokens (a fresh copy; empty when none). */
    public byte[] hmacSecretBytes() {
        return hmacSecret.getBytes(StandardCharsets.UTF_8);
    }

    /** The previous secret as UTF-8 bytes (a fresh copy; empty when none). */
    public byte[] hmacSecretPreviousBytes() {
        return hmacSecretPrevious.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The key id of a public key file: its file name without the extension ({@code keys/a-2025.pem} gives
     * {@code a-2025}).
     */
    public static String keyIdOf(String file) {
        Path name = Path.of(file).getFileName();
        String text = name == null ? file : name.toString();
        int dot = text.lastIndexOf('.');
        return dot > 0 ? text.substring(0, dot) : text;
    }

    private static void checkSecret(ConfigProblems problems, String key, String secret) {
        if (secret == null) {
            problems.add(key, "must be set (empty means none)");
        } else if (!secret.isEmpty()) {
            int bytes = secret.getBytes(StandardCharsets.UTF_8).length;
            // Never echo the secret itself, only its length.
            problems.check(bytes >= MIN_SECRET_BYTES, key, "must be at least " + MIN_SECRET_BYTES
                    + " bytes (HS256 needs a 256-bit key), got " + bytes + " bytes");
        }
    }

    private static void checkKeyFiles(ConfigProblems problems, List<String> files) {
        Set<String> keyIds = new HashSet<>();
        for (String file : files) {
            if (file.isBlank() || file.indexOf('\0') >= 0) {
                problems.add("auth.publicKeyFiles", "must list file paths, got an empty or bad entry");
            } else if (!keyIds.add(keyIdOf(file))) {
                problems.add("auth.publicKeyFiles", "two files give the same key id " + keyIdOf(file)
                        + " (the file name without extension)");
            }
        }
    }

    private static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            // Reported by the caller as a bad URL, without echoing it (it may carry credentials).
            return false;
        }
    }

    @Override
    public String toString() {
        return "AuthConfig[hmacSecret=" + redacted(hmacSecret) + ", authTimeout=" + authTimeout
                + ", hmacSecretPrevious=" + redacted(hmacSecretPrevious) + ", publicKeyFiles=" + publicKeyFiles
                + ", jwksUrl=" + jwksUrl + ", jwksRefreshInterval=" + jwksRefreshInterval
                + ", issuer=" + issuer + ", audience=" + audience + ", clockLeeway=" + clockLeeway
                + ", allowAnonymous=" + allowAnonymous + ", expiryWarning=" + expiryWarning
                + ", expiryGrace=" + expiryGrace + ", devTokens=" + devTokens + (devMode() ? ", dev mode" : "") + "]";
    }

    private static String redacted(String secret) {
        return secret.isEmpty() ? "<none>" : "<redacted>";
    }
}
