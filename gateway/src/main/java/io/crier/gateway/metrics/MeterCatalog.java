package io.crier.gateway.metrics;

import io.crier.protocol.CloseCode;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.FleetApiCodec;
import io.crier.protocol.PublishApiError;
import io.micrometer.core.instrument.Meter;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every {@code crier.*} meter of a node, in one place: name, description, unit, tag keys with their allowed
 * values, histogram range. Code registers its meters through these definitions ({@link MeterDefinition#counter}
 * and friends), so a name, a description or a tag value is written once, here. No tag carries a topic, a
 * user, a session or an address: every tag value comes from a small fixed set (a close reason, an error code,
 * a command type...), which keeps each meter's cardinality bounded whatever clients do. JVM and process
 * meters come from Micrometer's binders ({@link JvmMeters}).
 *
 * <p>Constants only; thread-safe.
 */
public final class MeterCatalog {

    // ---- connections and handshakes
    public static final MeterDefinition CONNECTIONS = gauge("crier.connections",
            "Open connections (TCP, before and after the WebSocket upgrade)", null);
    public static final MeterDefinition SESSIONS = gauge("crier.sessions", "Open authenticated sessions", null);
    public static final MeterDefinition HANDSHAKES_COMPLETED = counter("crier.handshakes.completed",
            "WebSocket upgrades completed (refusals are crier.handshakes.refused, by reason)", null);
    public static final MeterDefinition HANDSHAKES_REFUSED = counter("crier.handshakes.refused",
            "WebSocket upgrades refused before completing, by reason", null, tag("reason",
                    "untrusted_proxy", "proxy_protocol", "draining", "repeated_header", "invalid_token", "timeout",
                    "too_large", "origin", "node_full", "ip_limit", "user_limit"));
    public static final MeterDefinition CONNECTIONS_COMPRESSED = counter("crier.connections.compressed",
            "Upgrades that negotiated permessage-deflate", null);
    /** The {@link #DISCONNECTS} reason of every close with a backend's application code (never its own reason). */
    public static final String APP_CLOSE_REASON = "app";
    public static final MeterDefinition DISCONNECTS = counter("crier.disconnects",
            "Connections the server closed, by reason (slow_consumer: a client that did not read fast enough; "
                    + "app: an application close code the backend chose)",
            null, tag("reason", Stream.concat(Arrays.stream(CloseCode.values()).map(CloseCode::reason),
                    Stream.of(APP_CLOSE_REASON))));
    public static final MeterDefinition LIMITS_CONNECTIONS = gauge("crier.limits.connections",
            "Connections counted against limits.maxConnections", null);
    public static final MeterDefinition LIMITS_IPS = gauge("crier.limits.ips",
            "Client IP addresses with connections", null);
    public static final MeterDefinition LIMITS_USERS = gauge("crier.limits.users", "Users with connections", null);

    // ---- TLS
    public static final MeterDefinition TLS_HANDSHAKES_FAILED = counter("crier.tls.handshakes.failed",
            "TLS handshakes that failed (old protocol, no shared cipher, not TLS at all, timeout)", null);
    public static final MeterDefinition TLS_RELOADS = counter("crier.tls.reloads",
            "Checks of the TLS certificate files that found a change, by outcome", null,
            tag("outcome", "reloaded", "failed"));
    public static final MeterDefinition TLS_CERTIFICATE_EXPIRY = gauge("crier.tls.certificate.expiry",
            "When the served certificate expires, in seconds since the epoch", null);

    // ---- commands, pushes, bytes
    public static final MeterDefinition COMMANDS_IN = counter("crier.commands.in",
            "Commands received (well-formed envelopes), by type", null, tag("type",
                    "auth", "refresh", "subscribe", "unsubscribe", "publish", "history", "presence", "ping", "rpc"));
    public static final MeterDefinition COMMAND_ERRORS = counter("crier.commands.errors",
            "Error replies sent, by error code (too_many_topics, rate_limited, ...)", null,
            tag("code", Arrays.stream(ErrorCode.values()).map(ErrorCode::wire)));
    public static final MeterDefinition COMMANDS_RATE_LIMITED = counter("crier.commands.rate_limited",
            "Commands refused with rate_limited, not executed", null);
    public static final MeterDefinition FRAMES_MALFORMED = counter("crier.frames.malformed",
            "Inbound frames that were not valid commands, by error code", null,
            tag("code", Arrays.stream(ErrorCode.values()).map(ErrorCode::wire)));
    public static final MeterDefinition PUSHES_OUT = counter("crier.pushes.out",
            "Pushes written to sessions, by type; fanout: message, join and leave pushes of the fan-out, one per "
                    + "session written to", null, tag("type",
                    "welcome", "message", "join", "leave", "subscribed", "unsubscribed", "disconnect", "expiring",
                    "heartbeat", "fanout"));
    public static final MeterDefinition BYTES_IN = counter("crier.received",
            "Bytes read from client connections (after TLS: decrypted bytes on the TLS listener)", "bytes");
    public static final MeterDefinition BYTES_OUT = counter("crier.sent",
            "Bytes written to client connections (after TLS: decrypted bytes on the TLS listener)", "bytes");
    public static final MeterDefinition DELIVERY_LATENCY = new MeterDefinition("crier.delivery.latency",
            Meter.Type.TIMER, "From the fan-out of a publication on this node (on the broker thread, right after "
            + "the broker callback decoded and encoded it) until the socket write of the last local session it "
            + "went to completed", null, Map.of(),
            new MeterDefinition.Histogram(Duration.ofNanos(50_000), Duration.ofSeconds(10)));
    public static final MeterDefinition FANOUT_HANDOFF = new MeterDefinition("crier.fanout.handoff",
            Meter.Type.TIMER, "From the fan-out of a publication on this node (on the broker thread) until an event "
            + "loop starts writing it: the wait in the loop's queue and for the loop; recorded once per drain of a "
            + "loop's queue, for the oldest publication it drained", null, Map.of(),
            new MeterDefinition.Histogram(Duration.ofNanos(10_000), Duration.ofSeconds(10)));
    public static final MeterDefinition FANOUT_DRAINS = counter("crier.fanout.drains",
            "Tasks the fan-out ran on event loops, each writing every publication queued for its loop", null);
    public static final MeterDefinition FANOUT_DRAINED = counter("crier.fanout.drained",
            "Publications written by those tasks, one per publication per event loop it had sessions on; "
                    + "divided by crier.fanout.drains: publications per task", null);
    public static final MeterDefinition FANOUT_FLUSHES = counter("crier.fanout.flushes",
            "Sessions flushed by the fan-out; divided by crier.pushes.out{type=fanout}: flushes per delivery", null);
    public static final MeterDefinition FANOUT_DEFLATES = counter("crier.fanout.deflates",
            "Publications the fan-out compressed for its permessage-deflate sessions: one per publication on a node, "
                    + "whatever the number of such sessions", null);
    public static final MeterDefinition OUTBOUND_QUEUED_MAX = gauge("crier.outbound.queued.max.bytes",
            "The largest outbound queue of one session seen right after a publication was queued", "bytes");
    public static final MeterDefinition OUTBOUND_QUEUED = gauge("crier.outbound.queued.bytes",
            "Bytes waiting in the outbound queues of every connection, read at scrape time", "bytes");

    // ---- broker and hub
    public static final MeterDefinition BROKER_STATE = gauge("crier.broker.state",
            "1 for the broker's current link state, 0 for the others (connected: the node can serve)", null,
            tag("state", "new", "connected", "disconnected", "closed"));
    public static final MeterDefinition REDIS_RECONNECTS = counter("crier.redis.reconnects",
            "Times the broker's Redis link came back after being lost", null);
    public static final MeterDefinition BROKER_SUBSCRIPTIONS_MOVED = counter("crier.broker.subscriptions.moved",
            "Topic subscriptions a sharded broker moved to their slot's new owner (a slot migrated, a failover)", null);
    public static final MeterDefinition BROKER_PAYLOADS_MALFORMED = counter("crier.broker.payloads.malformed",
            "Broker payloads that were not valid publications, dropped", null);
    public static final MeterDefinition HUB_PUBLICATIONS = counter("crier.hub.publications",
            "Publications encoded once and handed to local subscribers", null);
    public static final MeterDefinition HUB_DELIVERIES = counter("crier.hub.deliveries",
            "Local subscribers publications were handed to", null);
    public static final MeterDefinition HUB_DECODE = new MeterDefinition("crier.hub.decode", Meter.Type.TIMER,
            "From the receipt of a publication from the broker (its callback, on the broker thread) until its "
            + "fan-out starts: the payload decoded, the push encoded, the subscribers found", null, Map.of(),
            new MeterDefinition.Histogram(Duration.ofNanos(1_000), Duration.ofSeconds(1)));
    public static final MeterDefinition HUB_PUBLICATIONS_STALE = counter("crier.hub.publications.stale",
            "Publications of topics with history dropped as already delivered", null);
    public static final MeterDefinition HUB_REPAIR_PUBLICATIONS = counter("crier.hub.repair.publications",
            "Missed publications read back from history by gap repairs", null);
    public static final MeterDefinition HUB_EVICTIONS = counter("crier.hub.evictions",
            "Sessions closed with insufficient_state: a gap the node could not repair", null);
    public static final MeterDefinition HUB_TOPICS = gauge("crier.hub.topics", "Topics with local subscribers", null);
    public static final MeterDefinition HUB_RECOVERIES = counter("crier.hub.recoveries",
            "Subscribes with since, by whether every missed publication was replayed", null,
            tag("result", "recovered", "not_recovered"));
    public static final MeterDefinition HUB_REPAIRS = counter("crier.hub.repairs",
            "Gap repairs of topics with history, by outcome (failed: the topic's sessions got 4006)", null,
            tag("result", "filled", "failed"));
    public static final MeterDefinition HUB_BROKER_FAILURES = counter("crier.hub.broker.failures",
            "Broker subscribe and unsubscribe calls that failed", null, tag("op", "subscribe", "unsubscribe"));

    // ---- presence
    public static final MeterDefinition PRESENCE_EVENTS_PUBLISHED = counter("crier.presence.events.published",
            "Join and leave events published", null);
    public static final MeterDefinition PRESENCE_EVENTS_FAILED = counter("crier.presence.events.failed",
            "Join and leave events that could not be published", null);
    public static final MeterDefinition PRESENCE_SESSIONS = gauge("crier.presence.sessions",
            "Sessions this node keeps in the presence store", null);
    public static final MeterDefinition PRESENCE_STORE_FAILURES = counter("crier.presence.store.failures",
            "Presence store calls that failed", null);

    // ---- auth
    public static final MeterDefinition AUTH_FAILURES = counter("crier.auth.failures", "Tokens refused, by reason",
            null, tag("reason", "missing_token", "malformed", "algorithm", "unknown_key", "bad_signature",
                    "expired", "not_yet_valid", "issued_in_future", "missing_exp", "missing_sub", "invalid_sub",
                    "issuer", "audience", "invalid_subscribe", "invalid_publish", "invalid_topics", "invalid_jti",
                    "revoked", "blocked", "other"));
    public static final MeterDefinition JWKS_FETCHES = counter("crier.auth.jwks.fetches", "JWKS fetches, by result",
            null, tag("result", "ok", "failed"));
    public static final MeterDefinition JWKS_UNKNOWN_KID_REFRESHES = counter("crier.auth.jwks.unknown.kid.refreshes",
            "JWKS fetches started because a token named an unknown kid (rate-limited)", null);
    public static final MeterDefinition JWKS_KEYS = gauge("crier.auth.jwks.keys", "Keys from the last good JWKS fetch",
            null);

    // ---- HTTP publish API, admin API, drain
    public static final MeterDefinition API_REQUESTS = counter("crier.api.requests",
            "HTTP publish API requests, by result", null, tag("result", apiResults()));
    public static final MeterDefinition API_PUBLICATIONS = counter("crier.api.publications",
            "Publications of served HTTP publish API requests, by result", null, tag("result", apiResults()));
    public static final MeterDefinition ADMIN_REQUESTS = counter("crier.admin.requests",
            "Admin API calls, by action and outcome", null,
            tags(tag("action", "drain", "nodes", "events"),
                    tag("outcome", "accepted", "ok", "unauthorized", "unavailable", "bad_request")));
    public static final MeterDefinition FLEET_ACTIONS = counter("crier.fleet.actions",
            "Server API actions taken by this node (each batch entry counts), by action and result", null,
            tags(tag("action", fleetActions()), tag("result", apiResults())));
    public static final MeterDefinition FLEET_SESSIONS_REACHED = counter("crier.fleet.sessions.reached",
            "This node's sessions reached by server API actions of any node (closed, subscribed, ...), by action",
            null, tag("action", fleetActions()));
    public static final MeterDefinition FLEET_REVOCATION_RELOADS = counter("crier.fleet.revocation.reloads",
            "Full reloads of the revocations from the store, by result", null, tag("result", "ok", "failed"));
    public static final MeterDefinition FLEET_REVOCATIONS = gauge("crier.fleet.revocations",
            "Revocations in force in this node's memory (revoked tokens, invalidated users, blocks)", null);
    public static final MeterDefinition DRAINS = counter("crier.drains", "Drains started, by trigger", null,
            tag("trigger", "shutdown", "admin"));

    // ---- cluster view
    public static final MeterDefinition NODE_REFRESHES = counter("crier.nodes.refreshes",
            "Renewals of this node's lease in the cluster view, by result", null, tag("result", "ok", "failed"));

    // ---- online/offline events
    public static final MeterDefinition ONLINE_SESSIONS = gauge("crier.online.sessions",
            "Authenticated sessions whose user status leases this node renews", null);
    public static final MeterDefinition ONLINE_EVENTS_APPENDED = counter("crier.online.events.appended",
            "Online and offline entries this node's sweeps appended to the events stream", null);
    public static final MeterDefinition ONLINE_STORE_FAILURES = counter("crier.online.store.failures",
            "User status log calls (lease, renewal, end, sweep) that failed", null);

    // ---- memory and logs
    public static final MeterDefinition NETTY_DIRECT = gauge("crier.netty.direct.used.bytes",
            "Direct memory Netty has reserved (PlatformDependent.usedDirectMemory(); -1 when Netty does not "
                    + "count it, then see jvm_buffer_memory_used_bytes{id=\"direct\"})", "bytes");
    public static final MeterDefinition NETTY_ALLOCATOR_DIRECT = gauge("crier.netty.allocator.direct.bytes",
            "Direct memory held by Netty's buffer allocator, by allocator (default: the one the node writes with)",
            "bytes", tag("allocator", "default", "pooled"));
    public static final MeterDefinition LOG_LIFECYCLE_SUPPRESSED = counter("crier.log.lifecycle.suppressed",
            "Connection lifecycle log lines left out because they came faster than the log's rate bound", null);

    // ---- proxy hooks
    public static final MeterDefinition PROXY_CALLS = new MeterDefinition("crier.proxy.calls", Meter.Type.TIMER,
            "Proxy hook calls to the backend, by hook and outcome (result, error, disconnect: the backend answered; "
            + "busy: refused at once by the node's or the session's in-flight bound; timeout, unavailable, "
            + "bad_status, too_large, invalid: the backend failed)", null,
            tags(tag("hook", "connect", "refresh", "subscribe", "publish", "rpc"), tag("outcome", "result", "error",
                    "disconnect", "busy", "timeout", "unavailable", "bad_status", "too_large", "invalid")),
            new MeterDefinition.Histogram(Duration.ofMillis(1), Duration.ofMinutes(1)));
    public static final MeterDefinition PROXY_IN_FLIGHT = gauge("crier.proxy.in.flight",
            "Proxy hook calls in flight on this node (bounded by proxy.maxInFlight)", null);

    private static final List<MeterDefinition> ALL = List.of(
            CONNECTIONS, SESSIONS, HANDSHAKES_COMPLETED, HANDSHAKES_REFUSED, CONNECTIONS_COMPRESSED, DISCONNECTS,
            LIMITS_CONNECTIONS, LIMITS_IPS, LIMITS_USERS, TLS_HANDSHAKES_FAILED, TLS_RELOADS, TLS_CERTIFICATE_EXPIRY,
            COMMANDS_IN, COMMAND_ERRORS, COMMANDS_RATE_LIMITED, FRAMES_MALFORMED, PUSHES_OUT, BYTES_IN, BYTES_OUT,
            DELIVERY_LATENCY, FANOUT_HANDOFF, FANOUT_DRAINS, FANOUT_DRAINED, FANOUT_FLUSHES, FANOUT_DEFLATES, OUTBOUND_QUEUED_MAX, OUTBOUND_QUEUED, BROKER_STATE, REDIS_RECONNECTS,
            BROKER_SUBSCRIPTIONS_MOVED,
            BROKER_PAYLOADS_MALFORMED, HUB_PUBLICATIONS, HUB_DELIVERIES, HUB_DECODE, HUB_PUBLICATIONS_STALE,
            HUB_REPAIR_PUBLICATIONS, HUB_EVICTIONS, HUB_TOPICS, HUB_RECOVERIES, HUB_REPAIRS, HUB_BROKER_FAILURES,
            PRESENCE_EVENTS_PUBLISHED, PRESENCE_EVENTS_FAILED, PRESENCE_SESSIONS, PRESENCE_STORE_FAILURES,
            AUTH_FAILURES, JWKS_FETCHES, JWKS_UNKNOWN_KID_REFRESHES, JWKS_KEYS, API_REQUESTS, API_PUBLICATIONS,
            ADMIN_REQUESTS, DRAINS, NODE_REFRESHES, ONLINE_SESSIONS, ONLINE_EVENTS_APPENDED,
            ONLINE_STORE_FAILURES, NETTY_DIRECT, NETTY_ALLOCATOR_DIRECT, LOG_LIFECYCLE_SUPPRESSED, PROXY_CALLS,
            PROXY_IN_FLIGHT, FLEET_ACTIONS, FLEET_SESSIONS_REACHED, FLEET_REVOCATION_RELOADS, FLEET_REVOCATIONS);

    private MeterCatalog() {
    }

    /** Every definition, in catalog order. */
    public static List<MeterDefinition> all() {
        return ALL;
    }

    /** The definition named {@code name}, if the catalog has one. */
    public static Optional<MeterDefinition> find(String name) {
        return ALL.stream().filter(definition -> definition.name().equals(name)).findFirst();
    }

    private static MeterDefinition counter(String name, String description, String unit) {
        return new MeterDefinition(name, Meter.Type.COUNTER, description, unit, Map.of(), null);
    }

    private static MeterDefinition counter(String name, String description, String unit,
                                           Map<String, Set<String>> tags) {
        return new MeterDefinition(name, Meter.Type.COUNTER, description, unit, tags, null);
    }

    private static MeterDefinition gauge(String name, String description, String unit) {
        return new MeterDefinition(name, Meter.Type.GAUGE, description, unit, Map.of(), null);
    }

    private static MeterDefinition gauge(String name, String description, String unit,
                                         Map<String, Set<String>> tags) {
        return new MeterDefinition(name, Meter.Type.GAUGE, description, unit, tags, null);
    }

    private static Map<String, Set<String>> tag(String key, String... values) {
        return tag(key, Stream.of(values));
    }

    private static Map<String, Set<String>> tag(String key, Stream<String> values) {
        return Map.of(key, values.collect(Collectors.toUnmodifiableSet()));
    }

    @SafeVarargs
    private static Map<String, Set<String>> tags(Map<String, Set<String>>... parts) {
        Map<String, Set<String>> all = new LinkedHashMap<>();
        for (Map<String, Set<String>> part : parts) {
            all.putAll(part);
        }
        return all;
    }

    private static Stream<String> fleetActions() {
        return FleetApiCodec.ACTIONS.stream();
    }

    private static Stream<String> apiResults() {
        return Stream.concat(Stream.of("ok"), Arrays.stream(PublishApiError.values()).map(PublishApiError::wire));
    }
}
