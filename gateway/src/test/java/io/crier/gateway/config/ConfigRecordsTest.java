package io.crier.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigRecordsTest {

    private static final String SECRET = "s".repeat(40);

    @Test
    void serverConfigListsEveryBadFieldByKey() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> new ServerConfig(" ", -1, "ws", "auto", 10, true, List.of(), Duration.ofMinutes(6),
                        Duration.ofSeconds(31), true, List.of("10.0.0.0/33", "lb.example", "1.2.3")));

        assertEquals(List.of(
                "server.host: must not be empty",
                "server.port: must be 0..65535, got -1",
                "server.wsPath: must be a path starting with /, got ws",
                "server.maxHandshakeBytes: must be 1024..1048576, got 10",
                "server.handshakeTimeout: must be 1s..5m, got 6m",
                "server.closeLinger: must be 0..30s, got 31s",
                "server.trustedProxies: must list IP addresses or CIDR ranges (10.0.0.0/8), got 10.0.0.0/33",
                "server.trustedProxies: must list IP addresses or CIDR ranges (10.0.0.0/8), got lb.example",
                "server.trustedProxies: must list IP addresses or CIDR ranges (10.0.0.0/8), got 1.2.3"), e.problems());
    }

    @Test
    void authConfigNeverPrintsTheSecret() {
        AuthConfig auth = auth(SECRET);

        assertFalse(auth.toString().contains("sss"));
        assertFalse(auth.devMode());
    }

    @Test
    void emptySecretMeansDevelopmentMode() {
        assertTrue(auth("").devMode());
    }

    @Test
    void nodeIdMustBeShortAndPlain() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> new NodeConfig("a b"));

        assertEquals(List.of("node.id: must be 1..64 characters of A-Za-z0-9_.-"), e.problems());
    }

    @Test
    void maxDataBytesMustStayBelowMaxMessageBytes() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> new LimitsConfig(4096, 4096, 10, 10, 10, 10, 10, 10));

        assertEquals(List.of("limits.maxDataBytes: must be 1..4095 (below limits.maxMessageBytes), got 4096"),
                e.problems());
    }

    @Test
    void sessionAndHubRangesAreChecked() {
        assertThrows(InvalidConfigException.class, () -> new SessionConfig(Duration.ofSeconds(1), 0, 10));
        assertThrows(InvalidConfigException.class, () -> new HubConfig(Duration.ofMillis(-1)));
        assertEquals(Duration.ZERO, new HubConfig(Duration.ZERO).unsubscribeGrace());
    }

    @Test
    void formatsAndParsesDurationsInTheirLargestExactUnit() {
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("2h", Durations.format(Duration.ofMinutes(120)));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1500ms").orElseThrow());
        assertEquals(Duration.ofHours(3), Durations.parse("3h").orElseThrow());
        assertEquals(Duration.ZERO, Durations.parse("0").orElseThrow());
        assertTrue(Durations.parse("-5s").isEmpty());
        assertTrue(Durations.parse("5 s").isEmpty());
        assertTrue(Durations.parse("").isEmpty());
    }

    @Test
    void serverConfigAcceptsFullOriginsAndTheWildcardOnly() {
        ServerConfig server = server(List.of("https://app.example.com", "http://localhost:3000", "*"));
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> server(List.of("app.example.com", "https://app.example.com/path", "ftp://x.example")));

        assertTrue(server.anyOriginAllowed());
        assertFalse(server(List.of()).anyOriginAllowed());
        assertEquals(3, e.problems().size(), e.problems()::toString);
        assertTrue(e.problems().get(0).startsWith("server.allowedOrigins: must list * or origins"));
        assertTrue(e.problems().get(1).endsWith("got https://app.example.com/path"));
    }

    @Test
    void tlsNeedsCertificateAndKeyFilesUnlessSelfSigned() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> tls(true, "", "", false));

        assertEquals(List.of(
                "tls.certChainFile: must be set when tls.enabled is true (or set tls.selfSigned=true for development)",
                "tls.keyFile: must be set when tls.enabled is true (or set tls.selfSigned=true for development)"),
                e.problems());
        assertTrue(tls(true, "", "", true).selfSigned());
        assertEquals("10.0.0.1", tls(false, "", "", false).hostOr("10.0.0.1"));
        assertThrows(InvalidConfigException.class, () -> new TlsConfig(false, "", 8443, "", "", "", false,
                Duration.ofMillis(500)));
    }

    @Test
    void tlsNeverPrintsTheKeyPassword() {
        TlsConfig tls = new TlsConfig(true, "0.0.0.0", 8443, "chain.pem", "key.pem", "hunter2", false,
                Duration.ofSeconds(10));

        assertFalse(tls.toString().contains("hunter2"), tls::toString);
        assertEquals("hunter2", new String(tls.keyPasswordChars()));
        assertEquals("0.0.0.0", tls.hostOr("127.0.0.1"));
        assertEquals(null, tls(false, "", "", false).keyPasswordChars());
    }

    @Test
    void anyKeySourceEndsDevelopmentMode() {
        assertFalse(auth("", "", List.of("keys/issuer-2025.pem"), "").devMode());
        assertFalse(auth("", "", List.of(), "https://idp.example.com/.well-known/jwks.json").devMode());
        assertFalse(auth(SECRET, SECRET + "-old", List.of(), "").devMode());
    }

    @Test
    void authConfigListsEveryBadKeySourceWithoutEchoingSecrets() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> auth("", "previous-secret-too-short", List.of("a/k1.pem", "b/k1.crt", " "), "ldap://x"));

        assertEquals(List.of(
                "auth.hmacSecretPrevious: must be at least 32 bytes (HS256 needs a 256-bit key), got 25 bytes",
                "auth.hmacSecretPrevious: needs auth.hmacSecret to be set too",
                "auth.publicKeyFiles: two files give the same key id k1 (the file name without extension)",
                "auth.publicKeyFiles: must list file paths, got an empty or bad entry",
                "auth.jwksUrl: must be empty or an http:// or https:// URL"), e.problems());
        assertFalse(e.getMessage().contains("previous-secret"));
    }

    @Test
    void authConfigChecksItsDurations() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> new AuthConfig("",
                Duration.ofSeconds(5), "", List.of(), "", Duration.ofSeconds(5), "", "", Duration.ofMinutes(2),
                false, Duration.ZERO, Duration.ofMinutes(11), false));

        assertEquals(List.of(
                "auth.jwksRefreshInterval: must be 10s..1d, got 5s",
                "auth.clockLeeway: must be 0..1m, got 2m",
                "auth.expiryWarning: must be 1s..1h, got 0",
                "auth.expiryGrace: must be 0..10m, got 11m"), e.problems());
    }

    @Test
    void authConfigNeverPrintsEitherSecret() {
        String previous = "p".repeat(40);
        String text = auth(SECRET, previous, List.of(), "").toString();

        assertFalse(text.contains("sss") || text.contains("ppp"), text);
        assertEquals(40, auth(SECRET, previous, List.of(), "").hmacSecretPreviousBytes().length);
    }

    @Test
    void devTokensNeedTheSecretTheySignWith() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> auth("", "", List.of("keys/issuer.pem"), "", true));

        assertEquals(List.of("auth.devTokens: needs auth.hmacSecret: the development tokens are signed with it (with"
                + " no key configured at all the node is in development mode and serves /dev/token with a random"
                + " secret of its own)"), e.problems());
        assertThrows(InvalidConfigException.class, () -> auth("", "", List.of(), "", true));
    }

    @Test
    void devTokensWithASecretServeDevTokensOutsideDevelopmentMode() {
        AuthConfig fleet = auth(SECRET, "", List.of(), "", true);

        assertFalse(fleet.devMode());
        assertTrue(fleet.servesDevTokens());
        assertTrue(auth("", "", List.of(), "", false).servesDevTokens(), "development mode serves them too");
        assertFalse(auth(SECRET, "", List.of(), "", false).servesDevTokens());
        assertTrue(fleet.toString().contains("devTokens=true"), fleet.toString());
    }

    @Test
    void keyIdIsTheFileNameWithoutExtension() {
        assertEquals("issuer-2025", AuthConfig.keyIdOf("/etc/crier/keys/issuer-2025.pem"));
        assertEquals("k1.v2", AuthConfig.keyIdOf("k1.v2.crt"));
        assertEquals("plain", AuthConfig.keyIdOf("keys/plain"));
    }

    @Test
    void connectionAndRateLimitsMustBePositive() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> new LimitsConfig(4096, 1024, 0, 0, 0, 0, 0, 0));

        assertEquals(List.of(
                "limits.maxConnections: must be 1..10000000, got 0",
                "limits.maxConnectionsPerUser: must be 1..10000000, got 0",
                "limits.maxConnectionsPerIp: must be 1..10000000, got 0",
                "limits.commandsPerSecond: must be 1..100000, got 0",
                "limits.commandBurst: must be 1..1000000, got 0",
                "limits.floodDisconnectAfter: must be 1..1000000, got 0"), e.problems());
    }

    @Test
    void compressionDrainAndAdminRangesAreChecked() {
        assertEquals(List.of("compression.minBytes: must be 0..16777216, got -1",
                        "compression.level: must be 1..9, got 10"),
                assertThrows(InvalidConfigException.class, () -> new CompressionConfig(true, -1, 10)).problems());
        assertEquals(List.of("drain.window: must be 0..10m, got 11m", "drain.reconnectDelayMax: must be 0..5m, got 6m",
                        "drain.readinessDelay: must be 0..5m, got 6m"),
                assertThrows(InvalidConfigException.class, () -> new DrainConfig(Duration.ofMinutes(11),
                        Duration.ofMinutes(6), Duration.ofMinutes(6))).problems());
        assertEquals(List.of("admin.key: must be at least 32 bytes, got 5 bytes"),
                assertThrows(InvalidConfigException.class, () -> new AdminConfig("short")).problems());
    }

    @Test
    void adminKeyTurnsTheApiOnAndIsNeverPrinted() {
        AdminConfig admin = new AdminConfig("k".repeat(32));

        assertTrue(admin.enabled());
        assertFalse(admin.toString().contains("kkk"), admin::toString);
        assertFalse(new AdminConfig("").enabled());
    }

    @Test
    void topicsGetTheOptionsOfTheirNamespaceOrTheDefaults() {
        NamespaceOptions defaults = new NamespaceOptions(false, true, false);
        NamespaceOptions user = new NamespaceOptions(false, false, true);
        NamespacesConfig namespaces = new NamespacesConfig(defaults, Map.of("user", user));

        assertEquals(user, namespaces.optionsFor("user:alice"));
        assertEquals(user, namespaces.optionsFor("user:"));
        assertEquals(defaults, namespaces.optionsFor("users:alice"));
        assertEquals(defaults, namespaces.optionsFor("user"));
        assertEquals(defaults, namespaces.optionsFor("news"));
        assertEquals(defaults, new NamespacesConfig(defaults).optionsFor("user:alice"));
        assertEquals(Map.of("user", user), namespaces.byName());
    }

    @Test
    void namespaceNamesAreShortTopicCharactersWithoutColon() {
        NamespaceOptions options = new NamespaceOptions(true, true, true);

        assertTrue(NamespacesConfig.isName("a.b-c_d@e=f"));
        assertFalse(NamespacesConfig.isName("a:b"));
        assertFalse(NamespacesConfig.isName(""));
        assertFalse(NamespacesConfig.isName("n".repeat(65)));
        assertEquals(List.of("namespace.a b: a namespace name must be 1 to 64 characters from A-Z a-z 0-9 _ - . @ ="),
                assertThrows(InvalidConfigException.class,
                        () -> new NamespacesConfig(options, Map.of("a b", options))).problems());
    }

    private static AuthConfig auth(String secret) {
        return auth(secret, "", List.of(), "");
    }

    private static AuthConfig auth(String secret, String previous, List<String> keyFiles, String jwksUrl) {
        return auth(secret, previous, keyFiles, jwksUrl, false);
    }

    private static AuthConfig auth(String secret, String previous, List<String> keyFiles, String jwksUrl,
                                   boolean devTokens) {
        return new AuthConfig(secret, Duration.ofSeconds(5), previous, keyFiles, jwksUrl, Duration.ofMinutes(5),
                "", "", Duration.ofSeconds(5), false, Duration.ofSeconds(60), Duration.ofSeconds(25), devTokens);
    }

    private static ServerConfig server(List<String> origins) {
        return new ServerConfig("127.0.0.1", 0, "/ws", "auto", 8192, true, origins, Duration.ofSeconds(10),
                Duration.ofSeconds(2), false, List.of());
    }

    private static TlsConfig tls(boolean enabled, String chain, String key, boolean selfSigned) {
        return new TlsConfig(enabled, "", 8443, chain, key, "", selfSigned, Duration.ofSeconds(10));
    }
}
