package io.crier.gateway.transport;

import java.util.List;

/**
 * The names of the handlers in a connection's pipeline, in pipeline order. The pipeline is the map of the
 * server: {@link GatewayChannelInitializer} builds it from these names and {@code PipelineOrderTest} pins
 * the order. The handlers of the handshake phase remove themselves when {@link #UPGRADE_COMPLETE} fires
 * {@link ConnectionEvent.UpgradeCompleted}. Constants only; thread-safe.
 */
public final class PipelineNames {

    /**
     * Closes every connection gracefully ({@link LingeringCloseHandler}): flushes, shuts the output down, then
     * discards input for at most {@code server.closeLinger} before the socket is closed; first, for the
     * connection's whole life.
     */
    public static final String CLOSE_LINGER = "close-linger";
    /**
     * Looks for a PROXY protocol header (v1 or v2) and, from a trusted load balancer, gives its place to Netty's
     * header decoder ({@link ProxyProtocolDetector}); only when {@code server.proxyProtocol} is on, so not in
     * {@link #INITIAL_ORDER}; right after {@link #CLOSE_LINGER}; gone once the first bytes are read.
     */
    public static final String PROXY_PROTOCOL = "proxy-protocol";
    /**
     * Keeps the client address a trusted balancer's header gives and closes a connection whose header is broken
     * ({@link ProxyProtocolHandler}); after {@link #PROXY_PROTOCOL}, removed with it.
     */
    public static final String PROXY_CLIENT = "proxy-client";
    /**
     * The TLS handler: right after {@link #CLOSE_LINGER} (and the PROXY protocol handlers when they are on) on connections to the TLS listener; absent on the plain
     * listener, so not in {@link #INITIAL_ORDER}.
     */
    public static final String TLS = "tls";
    /**
     * Counts the bytes read and written and writes the connection's lifecycle log lines ({@link TelemetryHandler});
     * stays for the connection's whole life.
     */
    public static final String TELEMETRY = "telemetry";
    /** HTTP/1.1 request decoder and response encoder; Netty replaces it by WebSocket codecs on upgrade. */
    public static final String HTTP_CODEC = "http-codec";
    /**
     * The HTTP publish API ({@code POST /api/v1/publish}): reads those requests' bodies up to the API's own bound
     * and answers them; passes every other request on; removes itself on upgrade. Only when {@code api.key} is
     * set, so not in {@link #INITIAL_ORDER} (the default pipeline); when present it comes right after
     * {@link #HTTP_CODEC}.
     */
    public static final String HTTP_API = "http-api";
    /**
     * Closes a connection whose upgrade is not done within {@code server.handshakeTimeout}; counts oversized
     * request heads and the upgrades that negotiated permessage-deflate; removes itself on upgrade.
     */
    public static final String HANDSHAKE_LIMITS = "handshake-limits";
    /** Aggregates one HTTP request, bounded by {@code server.maxHandshakeBytes}; Netty removes it on upgrade. */
    public static final String HTTP_AGGREGATOR = "http-aggregator";
    /** Health, readiness, the demo page and the development token; removes itself on upgrade. */
    public static final String HTTP_ROUTES = "http-routes";
    /** Refuses upgrades while draining and verifies a Bearer token; removes itself on upgrade. */
    public static final String HANDSHAKE_GUARD = "handshake-guard";
    /**
     * Refuses a disallowed Origin (403), a full node (503), an IP or user at its connection limit (429);
     * removes itself on upgrade.
     */
    public static final String ADMISSION = "admission";
    /**
     * permessage-deflate negotiation (only when {@code compression.enabled}); Netty's handler removes itself
     * on upgrade, leaving the frame encoder (the node's shared {@code MessageDeflateEncoder}) and decoder
     * ({@code MessageInflateDecoder}, which inflates with its thread's shared inflater).
     */
    public static final String WS_COMPRESSION = "ws-compression";
    /** Closes with 1002 a frame with RSV bits no negotiated extension explains (with {@link #WS_COMPRESSION}). */
    public static final String WS_RESERVED_BITS = "ws-reserved-bits";
    /**
     * Charges pings and pongs to the session's command bucket before {@link #WS_PROTOCOL} answers them (the same
     * bucket as {@link #COMMAND_LIMITS}).
     */
    public static final String CONTROL_LIMITS = "control-limits";
    /** Netty's WebSocket handshake, control frames and close handshake. */
    public static final String WS_PROTOCOL = "ws-protocol";
    /**
     * Hears Netty's handshake completion right after {@link #WS_PROTOCOL} and fires
     * {@link ConnectionEvent.UpgradeCompleted} from the head, for every handler ({@link UpgradeCompleteHandler});
     * then removes itself.
     */
    public static final String UPGRADE_COMPLETE = "upgrade-complete";
    /** Reassembles fragmented messages, bounded by {@code limits.maxMessageBytes}. */
    public static final String WS_AGGREGATOR = "ws-aggregator";
    /** Pings a silent client, closes a dead one, sends {@code heartbeat} pushes when the server is quiet. */
    public static final String HEARTBEAT = "heartbeat";
    /** Text frames to {@code Inbound} envelopes and replies/pushes to text frames. */
    public static final String ENVELOPE_CODEC = "envelope-codec";
    /** The per-session command token bucket ({@code rate_limited}, 4502); counts error replies by code. */
    public static final String COMMAND_LIMITS = "command-limits";
    /** Authentication phase; replaces itself with {@link #SESSION}. */
    public static final String AUTH = "auth";
    /** Hands commands of an authenticated session to the domain {@code Session}. */
    public static final String SESSION = "session";
    /** Last: turns anything unhandled into one close through the {@code Disconnector}. */
    public static final String EXCEPTIONS = "exceptions";

    /** The names {@link GatewayChannelInitializer} adds, in order (before the upgrade), with compression enabled. */
    public static final List<String> INITIAL_ORDER = List.of(
            CLOSE_LINGER, TELEMETRY, HTTP_CODEC, HANDSHAKE_LIMITS, HTTP_AGGREGATOR, HTTP_ROUTES, HANDSHAKE_GUARD, ADMISSION,
            WS_COMPRESSION, WS_RESERVED_BITS, CONTROL_LIMITS, WS_PROTOCOL, UPGRADE_COMPLETE, WS_AGGREGATOR, HEARTBEAT,
            ENVELOPE_CODEC, COMMAND_LIMITS, AUTH, EXCEPTIONS);

    private PipelineNames() {
    }
}
