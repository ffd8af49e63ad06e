package io.crier.gateway.support;

import static org.awaitility.Awaitility.await;

import io.crier.cluster.HistoryOptions;
import io.crier.cluster.RedisSentinelSet;
import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.GatewayServer;
import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.config.CrierConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-process fleet for integration tests: one {@code redis-server} child process (or a {@link RedisSentinelSet})
 * and N {@link GatewayServer} nodes on free ports, configured by one {@link ConfigLoader} env map (and an optional
 * config file), started and awaited ready. It owns the Redis it is given: {@link #close()} stops the nodes, then
 * Redis. For nodes as separate processes see {@link GatewayProcess}. Thread-safe once started.
 */
public final class TestFleet implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** What the nodes share: a redis-server, or a Sentinel set; stopped after the nodes. */
    private final AutoCloseable redis;
    private final CrierConfig config;
    private final List<GatewayServer> nodes;

    private TestFleet(AutoCloseable redis, CrierConfig config, List<GatewayServer> nodes) {
        this.redis = redis;
        this.config = config;
        this.nodes = List.copyOf(nodes);
    }

    /**
     * The {@code CRIER_*} variables every test node shares: the HMAC secret, the Redis URI and short reconnect
     * delays (50ms to 500ms), in a map the caller may add to or override.
     */
    public static Map<String, String> env(String secret, RedisServerProcess redis) {
        return env(secret, redis.uri());
    }

    /** As {@link #env(String, RedisServerProcess)}, for any {@code redis.uri} (a Sentinel set's, for one). */
    public static Map<String, String> env(String secret, String redisUri) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CRIER_AUTH_HMAC_SECRET", secret);
        env.put("CRIER_REDIS_URI", redisUri);
        env.put("CRIER_REDIS_RECONNECT_MIN_DELAY", "50ms");
        env.put("CRIER_REDIS_RECONNECT_MAX_DELAY", "500ms");
        return env;
    }

    /**
     * {@link #env} plus: every topic keeps {@code history}, and a stopping node closes its sessions at once
     * ({@code drain.window} 0s).
     */
    public static Map<String, String> historyEnv(String secret, RedisServerProcess redis, HistoryOptions history) {
        return historyEnv(secret, redis.uri(), history);
    }

    /** As {@link #historyEnv(String, RedisServerProcess, HistoryOptions)}, for any {@code redis.uri}. */
    public static Map<String, String> historyEnv(String secret, String redisUri, HistoryOptions history) {
        Map<String, String> env = env(secret, redisUri);
        env.put("CRIER_NAMESPACES_DEFAULT_HISTORY_SIZE", Integer.toString(history.size()));
        env.put("CRIER_NAMESPACES_DEFAULT_HISTORY_TTL", history.ttl().toSeconds() + "s");
        env.put("CRIER_DRAIN_WINDOW", "0s");
        return env;
    }

    /** Starts {@code count} nodes on {@code redis} from {@code env} (port 0 added) and waits until all are ready. */
    public static TestFleet start(RedisServerProcess redis, int count, Map<String, String> env) {
        return start(redis, count, null, env);
    }

    /** Starts {@code count} nodes on the master of {@code sentinels} (whose URI {@code env} names). */
    public static TestFleet start(RedisSentinelSet sentinels, int count, Map<String, String> env) {
        return start((AutoCloseable) sentinels, count, null, env);
    }

    /** As {@link #start(RedisServerProcess, int, Map)}, with {@code configFile} (null for none) under the env. */
    public static TestFleet start(RedisServerProcess redis, int count, Path configFile, Map<String, String> env) {
        return start((AutoCloseable) redis, count, configFile, env);
    }

    private static TestFleet start(AutoCloseable redis, int count, Path configFile, Map<String, String> env) {
        Map<String, String> withPort = new LinkedHashMap<>(env);
        withPort.put("CRIER_SERVER_PORT", "0");
        List<GatewayServer> nodes = new ArrayList<>();
        CrierConfig config = null;
        try {
            for (int i = 0; i < count; i++) {
                // One load per node, each with its own node id: session ids (and presence entries) are unique
                // only within a node id, so nodes of one fleet must never share one.
                Map<String, String> nodeEnv = new LinkedHashMap<>(withPort);
                nodeEnv.putIfAbsent("CRIER_NODE_ID", "fleet-node-" + (i + 1));
                CrierConfig nodeConfig = new ConfigLoader().load(configFile, nodeEnv);
                config = config == null ? nodeConfig : config;
                nodes.add(GatewayServer.start(nodeConfig));
            }
            TestFleet fleet = new TestFleet(redis, config, nodes);
            fleet.awaitReady(200);
            return fleet;
        } catch (RuntimeException e) {
            new TestFleet(redis, config, nodes).close();
            throw e;
        }
    }

    /** The redis-server all nodes use (a test may kill and restart it); not for a fleet on a Sentinel set. */
    RedisServerProcess redis() {
        if (redis instanceof RedisServerProcess server) {
            return server;
        }
        throw new IllegalStateException("this fleet runs on " + redis);
    }

    /** The configuration of the first node (the others differ only in their node id). */
    public CrierConfig config() {
        return config;
    }

    /** Node {@code index}, from 0. */
    public GatewayServer node(int index) {
        return nodes.get(index);
    }

    /** Waits until every node's {@code /readyz} answers {@code status}. */
    public void awaitReady(int status) {
        nodes.forEach(node -> awaitReady(node, status));
    }

    /** Waits until {@code node}'s {@code /readyz} answers {@code status}. */
    public static void awaitReady(GatewayServer node, int status) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/readyz")).build();
        await(node.nodeId() + " /readyz " + status).atMost(READY_TIMEOUT).until(
                () -> HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == status);
    }

    /** Stops every node, then Redis; one part failing to stop does not keep the others running. */
    @Override
    public void close() {
        List<AutoCloseable> parts = new ArrayList<>(nodes);
        parts.add(redis);
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                // Best effort: reported, and the remaining parts are still stopped.
                System.err.println("could not stop " + part + ": " + e);
            }
        }
    }
}
