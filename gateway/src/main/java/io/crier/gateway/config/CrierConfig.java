package io.crier.gateway.config;

import io.crier.cluster.redis.RedisConfig;
import java.util.Objects;

/**
 * The whole configuration of one node: one immutable tree, read once at startup by {@link ConfigLoader}
 * from bundled defaults, then a file, then {@code CRIER_*} environment variables. Each component gets
 * its own slice through its constructor. The constructor also checks the rules that span sections (at
 * least one listener; distinct ports). {@link #toString()} is {@link #describe()}, which lists every key as
 * loaded ({@link #keys()}) and never shows a secret (HMAC secrets, the TLS key password, the admin key, the HTTP
 * API key, a Redis password).
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
        LogConfig log,
        EventsConfig events,
        ProxyConfig proxy,
        FleetConfig fleet,
        LoadedKeys keys) {

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
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(keys, "keys");
        ConfigProblems problems = new ConfigProblems();
        problems.check(server.plainEnabled() || tls.enabled(), "server.plainEnabled",
                "server.plainEnabled and tls.enabled are both false: at least one listener must run");
        problems.check(!server.plainEnabled() || !tls.enabled() || tls.port() == 0 || tls.port() != server.port()
                        || !tls.hostOr(server.host()).equals(server.host()), "tls.port",
                "must differ from server.port when both listeners run on the same host, got " + tls.port());
        namespaces.defaults().hooks().checkOn(problems, "namespaces.default.", proxy);
        namespaces.byName().forEach((name, options) ->
                options.hooks().checkOn(problems, "namespace." + name + ".", proxy));
        problems.throwIfAny();
    }

    /**
     * A compact, multi-line summary for the startup log: every key the loader read, one line per section
     * ({@code server: host=127.0.0.1 port=8080 ...}), with no secret ({@link LoadedKeys}).
     */
    public String describe() {
        return keys.describe();
    }

    @Override
    public String toString() {
        return describe();
    }
}
