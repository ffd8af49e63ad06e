package io.crier.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-secret";

    private final ConfigLoader loader = new ConfigLoader();

    @TempDir
    Path dir;

    @Test
    void loadsEveryBundledDefault() {
        CrierConfig config = loader.defaults();

        assertEquals("127.0.0.1", config.server().host());
        assertEquals(8080, config.server().port());
        assertEquals("/ws", config.server().wsPath());
        assertEquals("auto", config.server().transport());
        assertEquals(8192, config.server().maxHandshakeBytes());
        assertEquals(Duration.ofSeconds(10), config.drain().window());
        assertTrue(config.auth().devMode());
        assertEquals(Duration.ofSeconds(5), config.auth().authTimeout());
        assertEquals(Duration.ofSeconds(25), config.session().heartbeat());
        assertEquals(128, config.session().maxTopics());
        assertEquals(1_048_576, config.session().maxOutboundQueueBytes());
        assertEquals(65_536, config.limits().maxMessageBytes());
        assertEquals(32_768, config.limits().maxDataBytes());
        assertEquals(Duration.ofSeconds(2), config.hub().unsubscribeGrace());
        assertFalse(config.redis().enabled());
        assertEquals("crier:", config.redis().prefix());
        assertEquals(Duration.ofMillis(100), config.redis().reconnectMinDelay());
        assertEquals(Duration.ofSeconds(2), config.redis().reconnectMaxDelay());
        assertEquals(10_000, config.redis().requestQueueSize());
        assertEquals(Duration.ofSeconds(5), config.redis().commandTimeout());
    }

    @Test
    void loadsTheBundledDefaultsOfTheSecurityKeys() {
        CrierConfig config = loader.defaults();

        assertTrue(config.server().plainEnabled());
        assertEquals(List.of(), config.server().allowedOrigins());
        assertEquals(Duration.ofSeconds(10), config.server().handshakeTimeout());
        assertEquals(new TlsConfig(false, "", 8443, "", "", "", false, Duration.ofSeconds(10)), config.tls());
        assertEquals(new AuthConfig("", Duration.ofSeconds(5), "", List.of(), "", Duration.ofMinutes(5), "", "",
                Duration.ofSeconds(5), false, Duration.ofSeconds(60), Duration.ofSeconds(25), false), config.auth());
        assertEquals(new LimitsConfig(65_536, 32_768, 10_000, 100, 1000, 50, 100, 50), config.limits());
        assertEquals(new CompressionConfig(false, 512, 6), config.compression());
        assertEquals(new DrainConfig(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(5)),
                config.drain());
        assertFalse(config.admin().enabled());
        assertEquals(new NamespacesConfig(new NamespaceOptions(false, true, false)), config.namespaces());
    }

    @Test
    void readsListsBooleansAndTlsFromTheEnvironment() {
        CrierConfig config = loader.load(null, Map.of(
                "CRIER_SERVER_ALLOWED_ORIGINS", " https://a.example.com , ,http://localhost:3000",
                "CRIER_SERVER_PLAIN_ENABLED", "FALSE",
                "CRIER_TLS_ENABLED", "true",
                "CRIER_TLS_SELF_SIGNED", "true",
                "CRIER_AUTH_PUBLIC_KEY_FILES", "/keys/a.pem,/keys/b.pem",
                "CRIER_AUTH_ALLOW_ANONYMOUS", "true"));

        assertEquals(List.of("https://a.example.com", "http://localhost:3000"), config.server().allowedOrigins());
        assertFalse(config.server().plainEnabled());
        assertTrue(config.tls().enabled());
        assertEquals(List.of("/keys/a.pem", "/keys/b.pem"), config.auth().publicKeyFiles());
        assertTrue(config.auth().allowAnonymous());
        assertFalse(config.auth().devMode());
    }

    @Test
    void namespaceOverridesFromTheFileInheritUnsetOptions() throws IOException {
        Path file = write("namespaces.default.anonymousSubscribe=true\n"
                + "namespace.user.personal=true\nnamespace.user.anonymousSubscribe=false\n"
                + "namespace.feed.clientPublish=false\n");

        NamespacesConfig namespaces = loader.load(file, Map.of()).namespaces();

        assertEquals(new NamespaceOptions(true, true, false), namespaces.defaults());
        assertEquals(new NamespaceOptions(false, true, true), namespaces.optionsFor("user:alice"));
        assertEquals(new NamespaceOptions(true, false, false), namespaces.optionsFor("feed:prices"));
        assertEquals(namespaces.defaults(), namespaces.optionsFor("chat:lobby"));
        assertEquals(List.of("feed", "user"), List.copyOf(namespaces.byName().keySet()));
    }

    @Test
    void autoSubscribeIsReadPerNamespaceAndNeedsPersonal() throws IOException {
        NamespacesConfig namespaces = loader.load(
                write("namespace.user.personal=true\nnamespace.user.autoSubscribe=true\n"), Map.of()).namespaces();
        assertTrue(namespaces.optionsFor("user:alice").autoSubscribe());
        assertFalse(namespaces.defaults().autoSubscribe());

        Path bad = write("namespace.feed.autoSubscribe=true\n");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(bad, Map.of()));
        assertEquals(List.of("namespace.feed.autoSubscribe: needs namespace.feed.personal=true: it subscribes each"
                + " session to its own personal topic"), e.problems());
    }

    @Test
    void reportsEveryBadNamespaceKeyAtOnce() throws IOException {
        Path file = write("namespace.user.private=true\nnamespace.a*b.personal=true\n"
                + "namespace.feed.personal=yes\nnamespace.user=true\nnamespaces.default.personal=maybe\n");

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(file, Map.of()));

        String use = "unknown key: use namespace.<name>.<option> with an option of [anonymousSubscribe,"
                + " autoSubscribe, clientPublish, historyCommand, historySize, historyTtl, joinLeave, personal, presence,"
                + " proxyPublish, proxyRpc, proxySubscribe]";
        assertEquals(List.of(
                "namespaces.default.personal: not a boolean: maybe (use true or false)",
                "namespace.a*b.personal: a namespace name must be 1 to 64 characters from A-Z a-z 0-9 _ - . @ =",
                "namespace.user: " + use,
                "namespace.user.private: " + use,
                "namespace.feed.personal: not a boolean: yes (use true or false)"), e.problems());
    }

    @Test
    void namespaceKeysAreNotReadFromTheEnvironment() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> loader.load(null, Map.of("CRIER_NAMESPACE_USER_PERSONAL", "true")));

        assertEquals(List.of("CRIER_NAMESPACE_USER_PERSONAL: unknown environment variable (no such configuration key)"),
                e.problems());
    }

    @Test
    void needsAtLeastOneListenerOnDistinctPorts() {
        InvalidConfigException none = assertThrows(InvalidConfigException.class,
                () -> loader.load(null, Map.of("CRIER_SERVER_PLAIN_ENABLED", "false")));
        InvalidConfigException clash = assertThrows(InvalidConfigException.class, () -> loader.load(null, Map.of(
                "CRIER_TLS_ENABLED", "true", "CRIER_TLS_SELF_SIGNED", "true", "CRIER_TLS_PORT", "8080")));

        assertEquals(List.of("server.plainEnabled (CRIER_SERVER_PLAIN_ENABLED): server.plainEnabled and tls.enabled are both false:"
                + " at least one listener must run"), none.problems());
        assertEquals(List.of("tls.port (CRIER_TLS_PORT): must differ from server.port when both listeners run on the same host,"
                + " got 8080"), clash.problems());
    }

    @Test
    void reportsBadValuesOfTheNewSectionsTogether() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(null, Map.of(
                "CRIER_TLS_ENABLED", "on",
                "CRIER_COMPRESSION_LEVEL", "0",
                "CRIER_DRAIN_WINDOW", "1h",
                "CRIER_ADMIN_KEY", "short",
                "CRIER_LIMITS_COMMAND_BURST", "0")));

        assertEquals(List.of(
                "limits.commandBurst (CRIER_LIMITS_COMMAND_BURST): must be 1..1000000, got 0",
                "tls.enabled (CRIER_TLS_ENABLED): not a boolean: on (use true or false)",
                "compression.level (CRIER_COMPRESSION_LEVEL): must be 1..9, got 0",
                "drain.window (CRIER_DRAIN_WINDOW): must be 0..10m, got 1h",
                "admin.key (CRIER_ADMIN_KEY): must be at least 32 bytes, got 5 bytes"), e.problems());
    }

    @Test
    void describeNeverShowsTheKeyPasswordAdminKeyOrPreviousSecret() {
        String adminKey = "admin-key-0123456789abcdef0123456789";
        String previous = "previous-secret-0123456789abcdef0123";
        CrierConfig config = loader.load(null, Map.of(
                "CRIER_AUTH_HMAC_SECRET", SECRET,
                "CRIER_AUTH_HMAC_SECRET_PREVIOUS", previous,
                "CRIER_TLS_ENABLED", "true",
                "CRIER_TLS_CERT_CHAIN_FILE", "/tls/chain.pem",
                "CRIER_TLS_KEY_FILE", "/tls/key.pem",
                "CRIER_TLS_KEY_PASSWORD", "hunter2",
                "CRIER_ADMIN_KEY", adminKey));

        String text = config.describe();

        assertTrue(text.contains("tls: enabled=true host=127.0.0.1 port=8443 certChainFile=/tls/chain.pem"), text);
        assertTrue(text.contains("keyPassword=<redacted>"), text);
        assertTrue(text.contains("admin: key=<redacted>"), text);
        assertTrue(text.contains("drain: window=10s reconnectDelayMax=5s readinessDelay=5s"), text);
        assertFalse(text.contains("hunter2") || text.contains(adminKey) || text.contains(previous), text);
    }

    @Test
    void generatesNodeIdFromHostNameAndRandomSuffixWhenEmpty() {
        CrierConfig first = loader.load(null, Map.of("HOSTNAME", "gw host.example"));
        CrierConfig second = loader.load(null, Map.of("HOSTNAME", "gw host.example"));

        assertTrue(first.node().id().matches("gw-host\\.example-[0-9a-z]{6}"), first.node().id());
        assertTrue(second.node().id().startsWith("gw-host.example-"));
    }

    @Test
    void fileOverridesDefaults() throws IOException {
        Path file = write("server.port=9000\nsession.heartbeat=1m\nnode.id=node-a\n");

        CrierConfig config = loader.load(file, Map.of());

        assertEquals(9000, config.server().port());
        assertEquals(Duration.ofMinutes(1), config.session().heartbeat());
        assertEquals("node-a", config.node().id());
        assertEquals("/ws", config.server().wsPath());
    }

    @Test
    void environmentOverridesFile() throws IOException {
        Path file = write("server.port=9000\nredis.uri=redis://file:6379\n");

        CrierConfig config = loader.load(file, Map.of(
                "CRIER_SERVER_PORT", "9100",
                "CRIER_REDIS_URI", "redis://env:6379",
                "CRIER_AUTH_HMAC_SECRET", SECRET,
                "CRIER_HUB_UNSUBSCRIBE_GRACE", "0",
                "PATH", "/usr/bin"));

        assertEquals(9100, config.server().port());
        assertEquals("redis://env:6379", config.redis().uri());
        assertEquals(SECRET, config.auth().hmacSecret());
        assertFalse(config.auth().devMode());
        assertEquals(Duration.ZERO, config.hub().unsubscribeGrace());
    }

    @Test
    void namesEnvironmentVariablesAfterKeys() {
        assertEquals("CRIER_REDIS_URI", ConfigLoader.envName("redis.uri"));
        assertEquals("CRIER_AUTH_HMAC_SECRET", ConfigLoader.envName("auth.hmacSecret"));
        assertEquals("CRIER_SERVER_PORT", ConfigLoader.envName("server.port"));
        assertEquals("CRIER_SESSION_MAX_OUTBOUND_QUEUE_BYTES",
                ConfigLoader.envName("session.maxOutboundQueueBytes"));
    }

    @Test
    void everyBundledKeyCanBeSetThroughTheEnvironment() {
        List<String> keys = loader.keys();

        assertEquals(107, keys.size()); // 90 + the 14 proxy hook keys + the 3 fleet keys
        assertTrue(keys.contains("limits.maxDataBytes"));
        assertEquals(Duration.ofSeconds(3), loader.load(null,
                Map.of(ConfigLoader.envName("redis.commandTimeout"), "3s")).redis().commandTimeout());
    }

    @Test
    void listsEveryProblemOfOneLoadAtOnce() throws IOException {
        Path file = write("server.port=70000\nsession.heartbeat=5x\nlimits.maxMessageBytes=100\n");

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(file, Map.of(
                "CRIER_SERVER_TRANSPORT", "kqueue",
                "CRIER_SESSION_MAX_TOPICS", "lots",
                "CRIER_HUB_UNSUBSCRIBE_GRACE", "2m",
                "CRIER_REDIS_URI", "http://secret-host",
                "CRIER_AUTH_AUTH_TIMEOUT", "1w")));

        assertEquals(List.of(
                "server.port: must be 0..65535, got 70000",
                "server.transport (CRIER_SERVER_TRANSPORT): must be auto, epoll, io_uring or nio, got kqueue",
                "auth.authTimeout (CRIER_AUTH_AUTH_TIMEOUT): not a duration: 1w (use e.g. 250ms, 5s, 2m, 1h, 30d)",
                "session.heartbeat: not a duration: 5x (use e.g. 250ms, 5s, 2m, 1h, 30d)",
                "session.maxTopics (CRIER_SESSION_MAX_TOPICS): not an integer: lots",
                "limits.maxMessageBytes: must be 1024..16777216, got 100",
                "limits.maxDataBytes: must be 1..99 (below limits.maxMessageBytes), got 32768",
                "hub.unsubscribeGrace (CRIER_HUB_UNSUBSCRIBE_GRACE): must be 0..1m, got 2m",
                "redis.uri (CRIER_REDIS_URI): must be empty or start with redis://, rediss://, redis-sentinel:// or"
                        + " rediss-sentinel://"), e.problems());
        assertTrue(e.getMessage().contains("\n  server.port: must be 0..65535, got 70000"));
        assertFalse(e.getMessage().contains("secret-host"));
    }

    @Test
    void acceptsEveryTransportItNames() {
        for (String transport : List.of("auto", "epoll", "io_uring", "nio")) {
            assertEquals(transport, loader.load(null, Map.of("CRIER_SERVER_TRANSPORT", transport)).server().transport());
        }
    }

    @Test
    void rejectsUnknownKeyInFile() throws IOException {
        Path file = write("server.prot=9000\n");

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(file, Map.of()));

        assertEquals(List.of("server.prot: unknown key (in " + file + ")"), e.problems());
    }

    @Test
    void rejectsUnknownCrierEnvironmentVariable() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> loader.load(null, Map.of("CRIER_SERVER_PROT", "9000")));

        assertEquals(List.of("CRIER_SERVER_PROT: unknown environment variable (no such configuration key)"),
                e.problems());
    }

    @Test
    void rejectsMissingConfigFile() {
        Path missing = dir.resolve("missing.properties");

        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> loader.load(missing, Map.of()));

        assertEquals(List.of("config file " + missing + ": cannot read it (NoSuchFileException)"),
                e.problems());
    }

    @Test
    void rejectsSecretShorterThan32BytesWithoutEchoingIt() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> loader.load(null, Map.of("CRIER_AUTH_HMAC_SECRET", "short-secret-31-bytes-long-xxxx")));

        assertEquals(List.of("auth.hmacSecret (CRIER_AUTH_HMAC_SECRET): must be at least 32 bytes (HS256 needs a 256-bit key),"
                + " got 31 bytes"), e.problems());
        assertFalse(e.getMessage().contains("short-secret"));
    }

    @Test
    void acceptsSecretOfExactly32Bytes() {
        String secret = "a".repeat(32);

        CrierConfig config = loader.load(null, Map.of("CRIER_AUTH_HMAC_SECRET", secret));

        assertEquals(32, config.auth().hmacSecretBytes().length);
    }

    @Test
    void readsDevTokensFromTheEnvironmentOnlyWithASecret() {
        CrierConfig fleet = loader.load(null, Map.of("CRIER_AUTH_HMAC_SECRET", SECRET,
                "CRIER_AUTH_DEV_TOKENS", "true"));
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> loader.load(null, Map.of("CRIER_AUTH_DEV_TOKENS", "true")));

        assertTrue(fleet.auth().devTokens());
        assertFalse(fleet.auth().devMode());
        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).startsWith("auth.devTokens (CRIER_AUTH_DEV_TOKENS): needs auth.hmacSecret"),
                e.problems().get(0));
    }

    @Test
    void parsesEveryDurationUnit() {
        CrierConfig config = loader.load(null, Map.of(
                "CRIER_REDIS_RECONNECT_MIN_DELAY", "250ms",
                "CRIER_SESSION_HEARTBEAT", "2m",
                "CRIER_DRAIN_WINDOW", "0",
                "CRIER_REDIS_COMMAND_TIMEOUT", "7s"));

        assertEquals(Duration.ofMillis(250), config.redis().reconnectMinDelay());
        assertEquals(Duration.ofMinutes(2), config.session().heartbeat());
        assertEquals(Duration.ZERO, config.drain().window());
        assertEquals(Duration.ofSeconds(7), config.redis().commandTimeout());
    }

    @Test
    void rejectsHeartbeatOutsideOneSecondToTenMinutes() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> loader.load(null, Map.of("CRIER_SESSION_HEARTBEAT", "500ms")));

        assertEquals(List.of("session.heartbeat (CRIER_SESSION_HEARTBEAT): must be 1s..10m, got 500ms"), e.problems());
    }

    @Test
    void rejectsReconnectMaxDelayBelowMinDelay() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(null, Map.of(
                "CRIER_REDIS_RECONNECT_MIN_DELAY", "3s", "CRIER_REDIS_RECONNECT_MAX_DELAY", "1s")));

        assertEquals(List.of("redis.reconnectMaxDelay (CRIER_REDIS_RECONNECT_MAX_DELAY): must be 3s..5m, got 1s"), e.problems());
    }

    @Test
    void acceptsEachRedisUriFormTheConfigurationReferenceShows() {
        for (String uri : List.of("redis://127.0.0.1:6379", "rediss://crier:pw@redis.example:6380/0",
                "redis-sentinel://10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379#mymaster",
                "rediss-sentinel://crier:pw@sentinel.example:26379/0#mymaster")) {
            assertEquals(uri, loader.load(null, Map.of("CRIER_REDIS_URI", uri)).redis().uri());
        }
    }

    @Test
    void aSentinelUriWithoutItsMasterNameOrSentinelsAndACaFileWithoutTlsAreRefused() {
        InvalidConfigException noMaster = assertThrows(InvalidConfigException.class, () -> loader.load(null,
                Map.of("CRIER_REDIS_URI", "redis-sentinel://:hunter2@10.0.0.1:26379,10.0.0.2:26379")));
        InvalidConfigException caWithoutTls = assertThrows(InvalidConfigException.class, () -> loader.load(null,
                Map.of("CRIER_REDIS_URI", "redis://:hunter2@10.0.0.1:6379", "CRIER_REDIS_TLS_CA_FILE", "/etc/ca.pem")));

        assertEquals(List.of("redis.uri (CRIER_REDIS_URI): must name the master after #, as in"
                + " redis-sentinel://sentinel1:26379,sentinel2:26379#mymaster"), noMaster.problems());
        assertEquals(List.of("redis.tlsCaFile (CRIER_REDIS_TLS_CA_FILE): applies only to rediss:// and"
                + " rediss-sentinel:// URIs"), caWithoutTls.problems());
        assertFalse(noMaster.getMessage().contains("hunter2"));
        assertFalse(caWithoutTls.getMessage().contains("hunter2"));
    }

    @Test
    void clusterModeTakesSeedNodesAndEveryRedisModeProblemIsListedTogether() {
        CrierConfig cluster = loader.load(null, Map.of("CRIER_REDIS_MODE", "cluster",
                "CRIER_REDIS_URI", "redis://10.0.0.1:7000,10.0.0.2:7000", "CRIER_REDIS_TOPOLOGY_REFRESH", "500ms"));
        assertEquals("cluster", cluster.redis().mode());
        assertEquals(Duration.ofMillis(500), cluster.redis().topologyRefresh());
        assertEquals("auto", loader.load(null, Map.of()).redis().mode());

        InvalidConfigException wrong = assertThrows(InvalidConfigException.class, () -> loader.load(null, Map.of(
                "CRIER_REDIS_MODE", "Cluster", "CRIER_REDIS_TOPOLOGY_REFRESH", "1ms")));
        assertEquals(List.of("redis.mode (CRIER_REDIS_MODE): must be one of auto, standalone, sentinel, cluster",
                "redis.topologyRefresh (CRIER_REDIS_TOPOLOGY_REFRESH): must be 100ms..5m, got 1ms"), wrong.problems());
        InvalidConfigException seedsWithoutMode = assertThrows(InvalidConfigException.class, () -> loader.load(null,
                Map.of("CRIER_REDIS_URI", "redis://10.0.0.1:7000,10.0.0.2:7000")));
        assertEquals(List.of("redis.uri (CRIER_REDIS_URI): names several hosts: that is a Redis Cluster's seed list,"
                + " which needs redis.mode=cluster"), seedsWithoutMode.problems());
        assertEquals(1, loader.load(null, Map.of("CRIER_REDIS_MODE", "cluster", "CRIER_REDIS_URI",
                "redis://10.0.0.1:7000", "CRIER_REDIS_WAIT_REPLICAS", "1")).redis().replicaWait().replicas());
    }

    @Test
    void aReplicaWaitMustEndBeforeTheCommandTimeout() {
        assertEquals(0, loader.load(null, Map.of()).redis().replicaWait().replicas());
        InvalidConfigException tooLong = assertThrows(InvalidConfigException.class, () -> loader.load(null, Map.of(
                "CRIER_REDIS_WAIT_REPLICAS", "1", "CRIER_REDIS_WAIT_TIMEOUT", "5s", "CRIER_REDIS_COMMAND_TIMEOUT", "5s")));

        assertEquals(List.of("redis.waitTimeout (CRIER_REDIS_WAIT_TIMEOUT): must be less than redis.commandTimeout"
                + " (WAIT is one command)"), tooLong.problems());
        assertEquals(1, loader.load(null, Map.of("CRIER_REDIS_WAIT_REPLICAS", "1")).redis().replicaWait().replicas());
    }

    @Test
    void describeNeverShowsTheRedisPasswordOfASentinelUri() {
        CrierConfig config = loader.load(null, Map.of("CRIER_REDIS_URI",
                "rediss-sentinel://crier:hunter2@s1.example:26379,s2.example:26379#mymaster"));

        String text = config.describe();

        assertTrue(text.contains("redis: uri=rediss-sentinel://<redacted>@s1.example:26379,s2.example:26379#mymaster"),
                text);
        assertFalse(text.contains("hunter2"), text);
    }

    @Test
    void describeShowsEverySectionButNeverTheSecretOrRedisPassword() {
        CrierConfig config = loader.load(null, Map.of(
                "CRIER_AUTH_HMAC_SECRET", SECRET,
                "CRIER_REDIS_URI", "redis://user:hunter2@redis.example:6379/0",
                "CRIER_NODE_ID", "node-1"));

        String text = config.describe();

        assertTrue(text.contains("node: id=node-1"), text);
        assertTrue(text.contains("server: host=127.0.0.1 port=8080 wsPath=/ws transport=auto"), text);
        assertTrue(text.contains("auth: hmacSecret=<redacted> hmacSecretPrevious=<none>"), text);
        assertTrue(text.contains("redis: uri=redis://<redacted>@redis.example:6379/0 prefix=crier:"), text);
        assertFalse(text.contains(SECRET), text);
        assertFalse(text.contains("hunter2"), text);
        assertEquals(text, config.toString());
    }

    private Path write(String content) throws IOException {
        Path file = dir.resolve("crier.properties");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}
