package io.crier.gateway.config;

import io.crier.cluster.RedisBrokerConfig;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The whole configuration of one node: one immutable tree, read once at startup by {@link ConfigLoader}
 * from bundled defaults, then a file, then {@code CRIER_*} environment variables. Each component gets
 * its own slice through its constructor. {@link #toString()} is {@link #describe()}, which never shows
 * the HMAC secret or a Redis password.
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
        RedisBrokerConfig redis) {

    // The user-info part of redis://user:password@host, which may hold a password.
    private static final Pattern REDIS_USER_INFO = Pattern.compile("^(rediss?://)[^@/]*@");

    public CrierConfig {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(redis, "redis");
    }

    /** A compact, multi-line summary for the startup log, one line per section, with no secret. */
    public String describe() {
        return "node: id=" + node.id()
                + "\nserver: host=" + server.host() + " port=" + server.port() + " wsPath=" + server.wsPath()
                + " transport=" + server.transport() + " maxHandshakeBytes=" + server.maxHandshakeBytes()
                + " drainTimeout=" + Durations.format(server.drainTimeout())
                + "\nauth: hmacSecret=" + (auth.devMode() ? "<none: dev mode>" : "<redacted>")
                + " authTimeout=" + Durations.format(auth.authTimeout())
                + "\nsession: heartbeat=" + Durations.format(session.heartbeat())
                + " maxTopics=" + session.maxTopics()
                + " maxOutboundQueueBytes=" + session.maxOutboundQueueBytes()
                + "\nlimits: maxMessageBytes=" + limits.maxMessageBytes()
                + " maxDataBytes=" + limits.maxDataBytes()
                + "\nhub: unsubscribeGrace=" + Durations.format(hub.unsubscribeGrace())
                + "\nredis: uri=" + (redis.enabled() ? redactedRedisUri() : "<none: in-memory broker>")
                + " prefix=" + redis.prefix()
                + " reconnectMinDelay=" + Durations.format(redis.reconnectMinDelay())
                + " reconnectMaxDelay=" + Durations.format(redis.reconnectMaxDelay())
                + " requestQueueSize=" + redis.requestQueueSize()
                + " commandTimeout=" + Durations.format(redis.commandTimeout());
    }

    private String redactedRedisUri() {
        return REDIS_USER_INFO.matcher(redis.uri()).replaceFirst("$1<redacted>@");
    }

    @Override
    public String toString() {
        return describe();
    }
}
