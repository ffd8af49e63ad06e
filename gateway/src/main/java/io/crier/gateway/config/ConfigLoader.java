package io.crier.gateway.config;

import io.crier.cluster.redis.RedisConfig;
import io.crier.cluster.redis.ReplicaWait;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads the configuration: bundled defaults ({@code crier-defaults.properties} on the classpath), then an
 * optional properties file, then {@code CRIER_*} environment variables, and validates the result. The
 * bundled defaults are the only place defaults live, and their keys are the only keys, apart from the
 * dynamic {@code namespace.<name>.<option>} keys, which only the file may set (see {@link NamespacesConfig}):
 * an unknown key in the file or an unknown {@code CRIER_*} variable is an error. Every problem is collected, and one
 * {@link InvalidConfigException} lists them all, each with the variable that set its key when one did. The only class that reads configuration sources.
 * The keys it read, with the values the node runs with, go into the config too ({@link LoadedKeys}: the startup
 * description). Stateless; thread-safe.
 */
public final class ConfigLoader {

    /** The classpath resource that holds the defaults. */
    public static final String DEFAULTS_RESOURCE = "crier-defaults.properties";

    private static final String ENV_PREFIX = "CRIER_";
    // The dynamic per-namespace keys: namespace.<name>.<option>, accepted in the file only.
    private static final String NAMESPACE_PREFIX = NamespaceKeys.PREFIX;

    /**
     * Loads and validates.
     *
     * @param file the file given with {@code --config}, or {@code null}
     * @param env  the environment, normally {@link System#getenv()}
     * @throws InvalidConfigException listing every bad or unknown key by path
     */
    public CrierConfig load(Path file, Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        Map<String, String> values = bundledDefaults();
        ConfigProblems problems = new ConfigProblems();
        if (file != null) {
            overrideFromFile(file, values, problems);
        }
        Map<String, String> setByEnv = overrideFromEnv(env, values, problems);
        CrierConfig config = build(values, problems, env);
        if (!problems.list().isEmpty()) {
            throw new InvalidConfigException(problems.list().stream().map(p -> namingTheVariable(p, setByEnv))
                    .toList());
        }
        return config;
    }

    /**
     * {@code problem} ({@code key: what is wrong}) with the environment variable that set the key, when one did:
     * {@code server.port (CRIER_SERVER_PORT): must be 0..65535, got 70000}. An operator then knows where to look.
     */
    private static String namingTheVariable(String problem, Map<String, String> setByEnv) {
        int colon = problem.indexOf(": ");
        String variable = colon < 0 ? null : setByEnv.get(problem.substring(0, colon));
        return variable == null ? problem : problem.substring(0, colon) + " (" + variable + ")" + problem.substring(colon);
    }

    /** The bundled defaults alone (with no file and no environment). */
    public CrierConfig defaults() {
        return load(null, Map.of());
    }

    /** Every configuration key, sorted. */
    public List<String> keys() {
        return List.copyOf(new TreeSet<>(bundledDefaults().keySet()));
    }

    /**
     * The environment variable that overrides {@code key}: dots become {@code _}, each upper-case letter
     * gets a {@code _} before it, all in upper case, after {@code CRIER_} ({@code auth.hmacSecret} is read
     * from {@code CRIER_AUTH_HMAC_SECRET}).
     */
    public static String envName(String key) {
        StringBuilder name = new StringBuilder(ENV_PREFIX);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.') {
                name.append('_');
            } else if (Character.isUpperCase(c)) {
                name.append('_').append(c);
            } else {
                name.append(Character.toUpperCase(c));
            }
        }
        return name.toString();
    }

    /** The bundled defaults in their file's order, which is the order of the startup description. */
    private static Map<String, String> bundledDefaults() {
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the classpath");
            }
            return readProperties(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled " + DEFAULTS_RESOURCE, e);
        }
    }

    private static void overrideFromFile(Path file, Map<String, String> values, ConfigProblems problems) {
        Map<String, String> fromFile;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            fromFile = new TreeMap<>(readProperties(reader));
        } catch (IOException e) {
            // A config file that was asked for but cannot be read is a startup error, reported with the rest.
            problems.add("config file " + file, "cannot read it (" + e.getClass().getSimpleName() + ")");
            return;
        }
        fromFile.forEach((key, value) -> {
            if (values.containsKey(key) || key.startsWith(NAMESPACE_PREFIX)) {
                values.put(key, value);
            } else {
                problems.add(key, "unknown key (in " + file + ")");
            }
        });
    }

    /** Applies the {@code CRIER_*} variables; returns which variable set each key it set. */
    private static Map<String, String> overrideFromEnv(Map<String, String> env, Map<String, String> values,
                                                       ConfigProblems problems) {
        Map<String, String> keyOfEnvName = new TreeMap<>();
        values.keySet().forEach(key -> keyOfEnvName.put(envName(key), key));
        Map<String, String> setBy = new TreeMap<>();
        new TreeMap<>(env).forEach((name, value) -> {
            if (!name.startsWith(ENV_PREFIX)) {
                return;
            }
            String key = keyOfEnvName.get(name);
            if (key == null) {
                problems.add(name, "unknown environment variable (no such configuration key)");
            } else {
                values.put(key, value.strip());
                setBy.put(key, name);
            }
        });
        return setBy;
    }

    /** The entries of a properties file, stripped, in the file's order. */
    private static Map<String, String> readProperties(Reader reader) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        // Properties.load puts each entry as it reads it: this copy keeps the order, which a Properties (a hash
        // table) does not.
        new Properties() {
            @Override
            public synchronized Object put(Object key, Object value) {
                values.put(key.toString().strip(), value.toString().strip());
                return super.put(key, value);
            }
        }.load(reader);
        return values;
    }

    private static CrierConfig build(Map<String, String> values, ConfigProblems problems, Map<String, String> env) {
        ConfigValues v = new ConfigValues(values, problems);
        NodeConfig node = v.section(() -> new NodeConfig(nodeId(v.string("node.id"), env),
                v.string("node.advertiseAddress")));
        ServerConfig server = v.section(() -> new ServerConfig(v.string("server.host"),
                v.integer("server.port"), v.string("server.wsPath"), v.string("server.transport"),
                v.integer("server.maxHandshakeBytes"), v.bool("server.plainEnabled"),
                v.list("server.allowedOrigins"), v.duration("server.handshakeTimeout"),
                v.duration("server.closeLinger"), v.bool("server.proxyProtocol"), v.list("server.trustedProxies")));
        AuthConfig auth = v.section(() -> auth(v));
        SessionConfig session = v.section(() -> new SessionConfig(v.duration("session.heartbeat"),
                v.integer("session.maxTopics"), v.integer("session.maxOutboundQueueBytes")));
        LimitsConfig limits = v.section(() -> limits(v));
        HubConfig hub = v.section(() -> new HubConfig(v.duration("hub.unsubscribeGrace")));
        RedisConfig redis = v.section(() -> redis(v));
        TlsConfig tls = v.section(() -> tls(v));
        CompressionConfig compression = v.section(() -> new CompressionConfig(v.bool("compression.enabled"),
                v.integer("compression.minBytes"), v.integer("compression.level")));
        DrainConfig drain = v.section(() -> new DrainConfig(v.duration("drain.window"),
                v.duration("drain.reconnectDelayMax"), v.duration("drain.readinessDelay")));
        AdminConfig admin = v.section(() -> new AdminConfig(v.string("admin.key")));
        NamespacesConfig namespaces = v.section(() -> NamespaceKeys.namespaces(v));
        PresenceConfig presence = v.section(() -> new PresenceConfig(v.duration("presence.ttl"),
                v.duration("presence.refreshInterval"), v.duration("presence.leaveGrace"),
                v.integer("presence.maxList")));
        ApiConfig api = v.section(() -> new ApiConfig(v.string("api.key"), v.integer("api.maxBatch")));
        RecoveryConfig recovery = v.section(() -> new RecoveryConfig(v.integer("recovery.maxPublications")));
        ClusterConfig cluster = v.section(() -> new ClusterConfig(v.duration("cluster.nodeLease"),
                v.duration("cluster.nodeRefreshInterval")));
        LogConfig log = v.section(() -> new LogConfig(v.string("log.format")));
        EventsConfig events = v.section(() -> new EventsConfig(v.bool("events.enabled"), v.string("events.stream"),
                v.integer("events.maxLen"), v.duration("events.grace"), v.duration("events.leaseTtl"),
                v.duration("events.refreshInterval"), v.duration("events.sweepInterval")));
        ProxyConfig proxy = v.section(() -> proxy(v));
        FleetConfig fleet = v.section(() -> new FleetConfig(v.duration("fleet.answerTimeout"),
                v.duration("fleet.revocationReload"), v.duration("fleet.maxTokenLifetime")));
        if (Arrays.asList(node, server, auth, session, limits, hub, redis, tls, compression, drain, admin,
                namespaces, presence, api, recovery, cluster, log, events, proxy, fleet).contains(null)) {
            return null;
        }
        LoadedKeys keys = LoadedKeys.of(values, Map.of("node.id", node.id(), "tls.host", tls.hostOr(server.host()),
                "redis.uri", redis.enabled() ? redis.redactedUri() : ""));
        return v.section(() -> new CrierConfig(node, server, auth, session, limits, hub, redis, tls,
                compression, drain, admin, namespaces, presence, api, recovery, cluster, log, events, proxy, fleet,
                keys));
    }

    private static AuthConfig auth(ConfigValues v) {
        return new AuthConfig(v.string("auth.hmacSecret"), v.duration("auth.authTimeout"),
                v.string("auth.hmacSecretPrevious"), v.list("auth.publicKeyFiles"), v.string("auth.jwksUrl"),
                v.duration("auth.jwksRefreshInterval"), v.string("auth.issuer"), v.string("auth.audience"),
                v.duration("auth.clockLeeway"), v.bool("auth.allowAnonymous"), v.duration("auth.expiryWarning"),
                v.duration("auth.expiryGrace"), v.bool("auth.devTokens"));
    }

    private static ProxyConfig proxy(ConfigValues v) {
        return new ProxyConfig(v.string("proxy.connect.url"), v.string("proxy.refresh.url"),
                v.string("proxy.subscribe.url"), v.string("proxy.publish.url"), v.string("proxy.rpc.url"),
                v.duration("proxy.timeout"), v.integer("proxy.maxInFlight"), v.integer("proxy.maxInFlightPerSession"),
                v.integer("proxy.maxResponseBytes"), v.list("proxy.headers"), v.duration("proxy.connectRetryDelayMax"));
    }

    private static LimitsConfig limits(ConfigValues v) {
        return new LimitsConfig(v.integer("limits.maxMessageBytes"), v.integer("limits.maxDataBytes"),
                v.integer("limits.maxConnections"), v.integer("limits.maxConnectionsPerUser"),
                v.integer("limits.maxConnectionsPerIp"), v.integer("limits.commandsPerSecond"),
                v.integer("limits.commandBurst"), v.integer("limits.floodDisconnectAfter"));
    }

    private static TlsConfig tls(ConfigValues v) {
        return new TlsConfig(v.bool("tls.enabled"), v.string("tls.host"), v.integer("tls.port"),
                v.string("tls.certChainFile"), v.string("tls.keyFile"), v.string("tls.keyPassword"),
                v.bool("tls.selfSigned"), v.duration("tls.reloadInterval"));
    }

    // RedisConfig lives in the cluster module and throws at its first bad field, so every rule is
    // checked here first, to report them all together.
    private static RedisConfig redis(ConfigValues v) {
        String uri = v.string("redis.uri");
        String mode = v.string("redis.mode");
        Duration topologyRefresh = v.duration("redis.topologyRefresh");
        String prefix = v.string("redis.prefix");
        Duration minDelay = v.duration("redis.reconnectMinDelay");
        Duration maxDelay = v.duration("redis.reconnectMaxDelay");
        int queueSize = v.integer("redis.requestQueueSize");
        Duration commandTimeout = v.duration("redis.commandTimeout");
        String tlsCaFile = v.string("redis.tlsCaFile");
        int waitReplicas = v.integer("redis.waitReplicas");
        Duration waitTimeout = v.duration("redis.waitTimeout");
        ConfigProblems problems = new ConfigProblems();
        // The URI's forms are the cluster module's (one place); its messages never echo the URI, which may carry a
        // password.
        RedisConfig.modeProblem(mode).ifPresent(problem -> problems.add("redis.mode", problem));
        RedisConfig.uriProblem(uri, mode).ifPresent(problem -> problems.add("redis.uri", problem));
        problems.check(tlsCaFile.isEmpty() || RedisConfig.usesTls(uri, mode)
                        || RedisConfig.uriProblem(uri, mode).isPresent(),
                "redis.tlsCaFile", RedisConfig.TLS_CA_WITHOUT_TLS);
        problems.range("redis.topologyRefresh", topologyRefresh, Duration.ofMillis(100), Duration.ofMinutes(5));
        problems.check(prefix.length() <= 64 && prefix.chars().noneMatch(c -> c <= ' '),
                "redis.prefix", "must be at most 64 characters, without spaces or control characters");
        problems.range("redis.reconnectMinDelay", minDelay, Duration.ofMillis(1), Duration.ofMinutes(1));
        problems.range("redis.reconnectMaxDelay", maxDelay, minDelay, Duration.ofMinutes(5));
        problems.range("redis.requestQueueSize", queueSize, 1, 1_000_000);
        problems.range("redis.commandTimeout", commandTimeout, Duration.ofMillis(1), Duration.ofMinutes(5));
        problems.range("redis.waitReplicas", waitReplicas, 0, 100);
        problems.range("redis.waitTimeout", waitTimeout, Duration.ofMillis(1), Duration.ofMinutes(1));
        problems.check(waitReplicas == 0 || waitTimeout == null || commandTimeout == null
                || waitTimeout.compareTo(commandTimeout) < 0,
                "redis.waitTimeout", RedisConfig.WAIT_NOT_BELOW_COMMAND_TIMEOUT);
        problems.throwIfAny();
        try {
            return new RedisConfig(uri, mode, prefix, minDelay, maxDelay, queueSize, commandTimeout, tlsCaFile,
                    new ReplicaWait(waitReplicas, waitTimeout), topologyRefresh);
        } catch (IllegalArgumentException e) {
            // The record's own rules, should they ever be stricter than the ones above; its message names the key.
            throw new InvalidConfigException(List.of(e.getMessage()));
        }
    }

    private static String nodeId(String configured, Map<String, String> env) {
        if (!configured.isEmpty()) {
            return configured;
        }
        String host = env.getOrDefault("HOSTNAME", "");
        if (host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                // The host name only makes the id readable; a random suffix keeps it unique without it.
                host = "node";
            }
        }
        String clean = host.replaceAll("[^A-Za-z0-9_.-]", "-");
        StringBuilder id = new StringBuilder(clean.substring(0, Math.min(clean.length(), 40))).append('-');
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 6; i++) {
            id.append(Character.forDigit(random.nextInt(36), 36));
        }
        return id.toString();
    }
}
