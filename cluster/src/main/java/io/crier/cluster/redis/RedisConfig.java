package io.crier.cluster.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of a node's Redis link ({@link RedisLink}): where Redis is, in which mode (the URI's scheme
 * chooses it, see {@link #uriProblem}), and how the link treats it. The constructor rejects values no link
 * could run with.
 *
 * <p>Immutable and thread-safe.
 *
 * @param uri               {@code redis.uri}: {@code redis://host:6379} or {@code rediss://host:6379} (TLS) for one
 *                          standalone Redis, {@code redis-sentinel://host1:26379,host2:26379#master} or
 *                          {@code rediss-sentinel://...} (TLS) for the master a set of sentinels watches, and with
 *                          {@code mode} {@code cluster} {@code redis://host1:6379,host2:6379} for the seed nodes of a
 *                          Redis Cluster; empty means no Redis, so the node runs alone on the in-memory broker
 * @param mode              {@code redis.mode}: {@code auto} (the URI's scheme chooses standalone or Sentinel),
 *                          {@code standalone}, {@code sentinel} or {@code cluster}
 * @param prefix            {@code redis.prefix}: the Redis channel of topic {@code T} is {@code prefix + T}
 * @param reconnectMinDelay {@code redis.reconnectMinDelay}: the first reconnect delay, above zero
 * @param reconnectMaxDelay {@code redis.reconnectMaxDelay}: the cap of the exponential reconnect backoff,
 *                          at least {@code reconnectMinDelay}
 * @param requestQueueSize  {@code redis.requestQueueSize}: commands Lettuce may hold per connection; more
 *                          are refused, so a slow Redis cannot grow the heap
 * @param commandTimeout    {@code redis.commandTimeout}: how long one Redis command may take, above zero
 * @param tlsCaFile         {@code redis.tlsCaFile}: PEM certificates to trust for TLS to Redis (and its
 *                          sentinels); empty means the JVM's default trust store. Only with a TLS URI
 * @param replicaWait       {@code redis.waitReplicas} and {@code redis.waitTimeout}: whether publications with
 *                          history wait for replicas ({@code WAIT}) before they are acknowledged; when they do,
 *                          the timeout is less than {@code commandTimeout}
 * @param topologyRefresh   {@code redis.topologyRefresh}: in cluster mode, how often the node reads the cluster's
 *                          slot map again (besides at once when Redis drops a subscription or a primary's
 *                          connection is lost), above zero
 */
public record RedisConfig(
        String uri,
        String mode,
        String prefix,
        Duration reconnectMinDelay,
        Duration reconnectMaxDelay,
        int requestQueueSize,
        Duration commandTimeout,
        String tlsCaFile,
        ReplicaWait replicaWait,
        Duration topologyRefresh) {

    /** How often a node reads a cluster's slot map again, unless {@code redis.topologyRefresh} says otherwise. */
    public static final Duration DEFAULT_TOPOLOGY_REFRESH = Duration.ofSeconds(2);

    /** Why {@code redis.tlsCaFile} cannot be set with a URI without TLS (completing "redis.tlsCaFile ..."). */
    public static final String TLS_CA_WITHOUT_TLS = "applies only to rediss:// and rediss-sentinel:// URIs";
    /** Why {@code redis.waitTimeout} must stay under the command timeout (completing "redis.waitTimeout ..."). */
    public static final String WAIT_NOT_BELOW_COMMAND_TIMEOUT =
            "must be less than redis.commandTimeout (WAIT is one command)";

    /** Validates every field; the message names the first bad one by its config path. */
    public RedisConfig {
        Objects.requireNonNull(uri, "redis.uri");
        Objects.requireNonNull(mode, "redis.mode");
        Objects.requireNonNull(prefix, "redis.prefix");
        Objects.requireNonNull(tlsCaFile, "redis.tlsCaFile");
        Objects.requireNonNull(replicaWait, "redis.waitReplicas");
        modeProblem(mode).ifPresent(problem -> {
            throw new IllegalArgumentException("redis.mode " + problem);
        });
        uriProblem(uri, mode).ifPresent(problem -> {
            throw new IllegalArgumentException("redis.uri " + problem);
        });
        requirePositive(topologyRefresh, "redis.topologyRefresh");
        requirePositive(reconnectMinDelay, "redis.reconnectMinDelay");
        requirePositive(reconnectMaxDelay, "redis.reconnectMaxDelay");
        requirePositive(commandTimeout, "redis.commandTimeout");
        if (reconnectMaxDelay.compareTo(reconnectMinDelay) < 0) {
            throw new IllegalArgumentException("redis.reconnectMaxDelay must be at least redis.reconnectMinDelay");
        }
        if (requestQueueSize < 1) {
            throw new IllegalArgumentException("redis.requestQueueSize must be at least 1");
        }
        if (!tlsCaFile.isEmpty() && !usesTls(uri, mode)) {
            throw new IllegalArgumentException("redis.tlsCaFile " + TLS_CA_WITHOUT_TLS);
        }
        if (replicaWait.enabled() && replicaWait.timeout().compareTo(commandTimeout) >= 0) {
            throw new IllegalArgumentException("redis.waitTimeout " + WAIT_NOT_BELOW_COMMAND_TIMEOUT);
        }
    }

    /**
     * Settings in the mode the URI's scheme chooses, reading a cluster's slot map again every
     * {@link #DEFAULT_TOPOLOGY_REFRESH}.
     */
    public RedisConfig(String uri, String prefix, Duration reconnectMinDelay, Duration reconnectMaxDelay,
                       int requestQueueSize, Duration commandTimeout, String tlsCaFile, ReplicaWait replicaWait) {
        this(uri, "auto", prefix, reconnectMinDelay, reconnectMaxDelay, requestQueueSize, commandTimeout, tlsCaFile,
                replicaWait, DEFAULT_TOPOLOGY_REFRESH);
    }

    /**
     * Settings without a CA file of their own (TLS, if the URI asks for it, trusts the JVM's trust store) and
     * without waiting for replicas.
     */
    public RedisConfig(String uri, String prefix, Duration reconnectMinDelay, Duration reconnectMaxDelay,
                       int requestQueueSize, Duration commandTimeout) {
        this(uri, prefix, reconnectMinDelay, reconnectMaxDelay, requestQueueSize, commandTimeout, "",
                ReplicaWait.OFF);
    }

    /** What is wrong with {@code mode} as {@code redis.mode}, completing "redis.mode ...", or empty. */
    public static Optional<String> modeProblem(String mode) {
        return RedisEndpoint.MODES.contains(mode) ? Optional.empty()
                : Optional.of("must be one of " + String.join(", ", RedisEndpoint.MODES));
    }

    /**
     * What is wrong with {@code uri} as {@code redis.uri} in {@code redis.mode} {@code mode}, completing a sentence
     * that starts with the key ({@code "must be empty or start with redis://, ..."}), or empty when nothing is (or
     * when the mode itself is wrong, which {@link #modeProblem} tells). Never repeats the URI, which may hold a
     * password.
     */
    public static Optional<String> uriProblem(String uri, String mode) {
        if (uri.isEmpty() || modeProblem(mode).isPresent()) {
            return Optional.empty();
        }
        try {
            RedisEndpoint.parse(uri, mode);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Whether {@code uri} is a valid Redis URI for {@code mode} that asks for TLS. */
    public static boolean usesTls(String uri, String mode) {
        try {
            return !uri.isEmpty() && RedisEndpoint.parse(uri, mode).tls();
        } catch (IllegalArgumentException e) {
            // Not a valid URI: its own problem is reported (uriProblem), not this one.
            return false;
        }
    }

    /** Whether a Redis URI is configured. */
    public boolean enabled() {
        return !uri.isEmpty();
    }

    /** The URI for logs: its user-info part (which may hold a password) replaced by {@code <redacted>}. */
    public String redactedUri() {
        return RedisEndpoint.redact(uri);
    }

    private static void requirePositive(Duration value, String path) {
        Objects.requireNonNull(value, path);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(path + " must be above zero");
        }
    }
}
