package io.crier.gateway.config;

import io.crier.cluster.redis.RedisConfig;
import java.util.Objects;

/**
 * The whole configuration of one node: one immutable tree, read once at startup by {@link ConfigLoader}
 * from bundled defaults, then a file, then {@code CRIER_*} environment variables. Each component gets
 * its own slice through its constructor. The constructor also checks the rules that span sections (at
 * least one listener; distinct ports). {@link #toString()} is {@link #describe()}, which never shows a
 * secret (HMAC secrets, the TLS key password, the admin key, the HTTP API key, a Redis password).
 *
 * <p>Immutable and thread-safe.
 */
public record CrierConfig(
        NodeConfig node,
        ServerConfig server,
        AuthConfig auth,
        SessionConfig session,
        LimitsConfig limits,
        HubConfig hub,
        RedisConfig redis,
        TlsConfig tls,
        CompressionConfig compression,
        DrainConfig drain,
        AdminConfig admin,
        NamespacesConfig namespaces,
        PresenceConfig presence,
        ApiConfig api,
        RecoveryConfig recovery,
        ClusterConfig cluster,
        LogConfig log) {

    /** @throws InvalidConfigException when a rule spanning sections is broken */
    public CrierConfig {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(drain, "drain");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(namespaces, "namespaces");
        Objects.requireNonNull(presence, "presence");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(recovery, "recovery");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(log, "log");
        ConfigProblems problems = new ConfigProblems();
        problems.check(server.plainEnabled() || tls.enabled(), "server.plainEnabled",
                "server.plainEnabled and tls.enabled are both false: at least one listener must run");
        problems.check(!server.plainEnabled() || !tls.enabled() || tls.port() == 0 || tls.port() != server.port()
                        || !tls.hostOr(server.host()).equals(server.host()), "tls.port",
                "must differ from server.port when both listeners run on the same host, got " + tls.port());
        problems.throwIfAny();
    }

    /** A compact, multi-line summary for the startup log, one line per section, with no secret. */
    public String describe() {
        return "node: id=" + node.id() + " advertiseAddress="
                + (node.advertiseAddress().isEmpty() ? "<server.host:port>" : node.advertiseAddress())
                + "\nserver: host=" + server.host() + " port=" + server.port() + " wsPath=" + server.wsPath()
                + " transport=" + server.transport() + " maxHandshakeBytes=" + server.maxHandshakeBytes()
                + " plainEnabled=" + server.plainEnabled() + " allowedOrigins=" + server.allowedOrigins()
                + " handshakeTimeout=" + Durations.format(server.handshakeTimeout())
                + "\ntls: " + describeTls()
                + "\nauth: " + describeAuth()
                + "\nsession: heartbeat=" + Durations.format(session.heartbeat())
                + " maxTopics=" + session.maxTopics()
                + " maxOutboundQueueBytes=" + session.maxOutboundQueueBytes()
                + "\nlimits: " + describeLimits()
                + "\ncompression: enabled=" + compression.enabled() + " minBytes=" + compression.minBytes()
                + " level=" + compression.level()
                + "\ndrain: window=" + Durations.format(drain.window())
                + " reconnectDelayMax=" + Durations.format(drain.reconnectDelayMax())
                + " readinessDelay=" + Durations.format(drain.readinessDelay())
                + "\nadmin: key=" + (admin.enabled() ? "<redacted>" : "<none: admin API off>")
                + "\napi: key=" + (api.enabled() ? "<redacted>" : "<none: HTTP API off>")
                + " maxBatch=" + api.maxBatch()
                + "\nnamespaces: default=" + namespaces.defaults() + " overrides=" + namespaces.byName()
                + "\npresence: ttl=" + Durations.format(presence.ttl())
                + " refreshInterval=" + Durations.format(presence.refreshInterval())
                + " leaveGrace=" + Durations.format(presence.leaveGrace()) + " maxList=" + presence.maxList()
                + "\nrecovery: maxPublications=" + recovery.maxPublications()
                + "\ncluster: nodeLease=" + Durations.format(cluster.nodeLease())
                + " nodeRefreshInterval=" + Durations.format(cluster.nodeRefreshInterval())
                + "\nlog: format=" + log.format()
                + "\nhub: unsubscribeGrace=" + Durations.format(hub.unsubscribeGrace())
                + "\nredis: " + describeRedis();
    }

    private String describeTls() {
        return "enabled=" + tls.enabled() + " host=" + tls.hostOr(server.host()) + " port=" + tls.port()
                + " certChainFile=" + tls.certChainFile() + " keyFile=" + tls.keyFile()
                + " keyPassword=" + (tls.keyPassword().isEmpty() ? "<none>" : "<redacted>")
                + " selfSigned=" + tls.selfSigned() + " reloadInterval=" + Durations.format(tls.reloadInterval());
    }

    private String describeAuth() {
        return (auth.devMode() ? "<no keys: dev mode>" : "hmacSecret=" + redacted(auth.hmacSecret())
                + " hmacSecretPrevious=" + redacted(auth.hmacSecretPrevious())
                + " publicKeyFiles=" + auth.publicKeyFiles() + " jwksUrl=" + auth.jwksUrl())
                + " jwksRefreshInterval=" + Durations.format(auth.jwksRefreshInterval())
                + " issuer=" + auth.issuer() + " audience=" + auth.audience()
                + " clockLeeway=" + Durations.format(auth.clockLeeway())
                + " allowAnonymous=" + auth.allowAnonymous()
                + " expiryWarning=" + Durations.format(auth.expiryWarning())
                + " expiryGrace=" + Durations.format(auth.expiryGrace())
                + " authTimeout=" + Durations.format(auth.authTimeout()) + " devTokens=" + auth.devTokens();
    }

    private String describeLimits() {
        return "maxMessageBytes=" + limits.maxMessageBytes() + " maxDataBytes=" + limits.maxDataBytes()
                + " maxConnections=" + limits.maxConnections()
                + " maxConnectionsPerUser=" + limits.maxConnectionsPerUser()
                + " maxConnectionsPerIp=" + limits.maxConnectionsPerIp()
                + " commandsPerSecond=" + limits.commandsPerSecond() + " commandBurst=" + limits.commandBurst()
                + " floodDisconnectAfter=" + limits.floodDisconnectAfter();
    }

    private String describeRedis() {
        return "uri=" + (redis.enabled() ? redis.redactedUri() : "<none: in-memory broker>")
                + " prefix=" + redis.prefix()
                + " reconnectMinDelay=" + Durations.format(redis.reconnectMinDelay())
                + " reconnectMaxDelay=" + Durations.format(redis.reconnectMaxDelay())
                + " requestQueueSize=" + redis.requestQueueSize()
                + " commandTimeout=" + Durations.format(redis.commandTimeout())
                + " tlsCaFile=" + (redis.tlsCaFile().isEmpty() ? "<JVM trust store>" : redis.tlsCaFile())
                + " waitReplicas=" + redis.replicaWait().replicas()
                + " waitTimeout=" + Durations.format(redis.replicaWait().timeout());
    }

    private static String redacted(String secret) {
        return secret.isEmpty() ? "<none>" : "<redacted>";
    }

    @Override
    public String toString() {
        return describe();
    }
}
