package io.crier.gateway.transport;

import java.util.List;

/**
 * The names of the handlers in a connection's pipeline, in pipeline order. The pipeline is the map of the
 * server: {@link GatewayChannelInitializer} builds it from these names and {@code PipelineOrderTest} pins
 * the order. Constants only; thread-safe.
 */
public final class PipelineNames {

    /** Reserved for the TLS handler (a later issue); it will be first, before {@link #HTTP_CODEC}. */
    public static final String TLS = "tls";
    /** HTTP/1.1 request decoder and response encoder; Netty replaces it by WebSocket codecs on upgrade. */
    public static final String HTTP_CODEC = "http-codec";
    /** Aggregates one HTTP request, bounded by {@code server.maxHandshakeBytes}; removed on upgrade. */
    public static final String HTTP_AGGREGATOR = "http-aggregator";
    /** Health, readiness, the demo page and the development token; removed on upgrade. */
    public static final String HTTP_ROUTES = "http-routes";
    /** Refuses upgrades while draining and verifies a Bearer token; removed on upgrade. */
    public static final String HANDSHAKE_GUARD = "handshake-guard";
    /** Netty's WebSocket handshake, control frames and close handshake. */
    public static final String WS_PROTOCOL = "ws-protocol";
    /** Reassembles fragmented messages, bounded by {@code limits.maxMessageBytes}. */
    public static final String WS_AGGREGATOR = "ws-aggregator";
    /** Pings a silent client, closes a dead one, sends {@code heartbeat} pushes when the server is quiet. */
    public static final String HEARTBEAT = "heartbeat";
    /** Text frames to {@code Inbound} envelopes and replies/pushes to text frames. */
    public static final String ENVELOPE_CODEC = "envelope-codec";
    /** Authentication phase; replaces itself with {@link #SESSION}. */
    public static final String AUTH = "auth";
    /** Hands commands of an authenticated session to the domain {@code Session}. */
    public static final String SESSION = "session";
    /** Last: turns anything unhandled into one close through the {@code Disconnector}. */
    public static final String EXCEPTIONS = "exceptions";

    /** The names {@link GatewayChannelInitializer} adds, in order (before the upgrade). */
    public static final List<String> INITIAL_ORDER = List.of(
            HTTP_CODEC, HTTP_AGGREGATOR, HTTP_ROUTES, HANDSHAKE_GUARD, WS_PROTOCOL, WS_AGGREGATOR,
            HEARTBEAT, ENVELOPE_CODEC, AUTH, EXCEPTIONS);

    private PipelineNames() {
    }
}
