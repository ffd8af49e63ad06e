package io.crier.gateway.transport;

import io.crier.gateway.auth.TokenVerifier;
import io.crier.gateway.config.CrierConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.Objects;

/**
 * Builds the pipeline of every connection; reading {@link #initChannel} gives the map of the server:
 * <pre>
 * close-linger → [proxy-protocol → proxy-client: server.proxyProtocol] → [tls: TLS listener only]
 *   → telemetry → http-codec → [http-api: api.key set] → handshake-limits → http-aggregator → http-routes
 *   → handshake-guard → admission → [ws-compression → ws-reserved-bits] → control-limits → ws-protocol
 *   → upgrade-complete → ws-aggregator → heartbeat → envelope-codec → command-limits
 *   → auth (→ session once authenticated) → exceptions
 * </pre>
 * On upgrade Netty swaps {@code http-codec} for its WebSocket frame codecs, drops the aggregator, and
 * {@code ws-compression} leaves its frame encoder (the node's shared one) and decoder (inflating with its thread's
 * shared inflater) when permessage-deflate was negotiated; then
 * {@code upgrade-complete} fires {@link ConnectionEvent.UpgradeCompleted}, on which {@code http-api},
 * {@code handshake-limits}, {@code http-routes}, {@code handshake-guard}, {@code admission} and itself leave.
 *
 * <p>Thread-safe: one instance per node; {@link #initChannel} runs on each new channel's event loop.
 */
public final class GatewayChannelInitializer extends ChannelInitializer<Channel> {

    private final CrierConfig config;
    private final SharedHandlers shared;
    private final TokenVerifier verifier;
    private final SessionFactory sessions;
    private final Disconnector disconnector;
    private final ChannelGroup channels;
    private final NodeLimits limits;
    private final WebSocketServerProtocolConfig wsConfig;
    private final LingeringCloseHandler closeLinger;
    private final HeartbeatHandler.Settings heartbeat;
    /** Read by each {@link HttpServerCodec}'s constructor, never changed after this one. */
    private final HttpDecoderConfig httpConfig;

    /**
     * @param channels every connection of the node is added here (and leaves it on close), so that a drain
     *                 reaches them all
     * @param limits   the node's abuse limits (origins, connection counts, handshake, commands, compression)
     */
    public GatewayChannelInitializer(CrierConfig config, SharedHandlers shared, TokenVerifier verifier,
                                     SessionFactory sessions, Disconnector disconnector, ChannelGroup channels,
                                     NodeLimits limits) {
        this.config = Objects.requireNonNull(config, "config");
        this.shared = Objects.requireNonNull(shared, "shared");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
        this.channels = Objects.requireNonNull(channels, "channels");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.wsConfig = webSocketConfig(config);
        this.closeLinger = new LingeringCloseHandler(config.server().closeLinger());
        this.heartbeat = HeartbeatHandler.Settings.every(config.session().heartbeat(), disconnector);
        this.httpConfig = httpDecoderConfig(config);
    }

    @Override
    protected void initChannel(Channel channel) {
        build(channel, null);
    }

    /**
     * Builds the pipeline of {@code channel}: the plain listener's, or with {@code tls} (a new handler for this
     * connection) the TLS listener's.
     */
    void build(Channel channel, ChannelHandler tls) {
        int maxHandshake = config.server().maxHandshakeBytes();
        int maxMessage = config.limits().maxMessageBytes();
        channels.add(channel);
        ChannelPipeline p = channel.pipeline();
        p.addLast(PipelineNames.CLOSE_LINGER, closeLinger);
        if (limits.proxyProtocolEnabled()) {
            // The header comes before anything else, TLS included.
            p.addLast(PipelineNames.PROXY_PROTOCOL, limits.newProxyDetector());
            p.addLast(PipelineNames.PROXY_CLIENT, limits.proxyClient());
        }
        if (tls != null) {
            p.addLast(PipelineNames.TLS, tls);
        }
        p.addLast(PipelineNames.TELEMETRY, shared.telemetry());
        p.addLast(PipelineNames.HTTP_CODEC, new HttpServerCodec(httpConfig));
        if (shared.api() != null) {
            // Before the handshake's aggregator: API bodies have their own, larger bound.
            p.addLast(PipelineNames.HTTP_API, new PublishApiHandler(shared.api()));
        }
        p.addLast(PipelineNames.HANDSHAKE_LIMITS, limits.newHandshakeLimits());
        p.addLast(PipelineNames.HTTP_AGGREGATOR, new HttpObjectAggregator(maxHandshake));
        p.addLast(PipelineNames.HTTP_ROUTES, shared.routes());
        p.addLast(PipelineNames.HANDSHAKE_GUARD, shared.guard());
        p.addLast(PipelineNames.ADMISSION, limits.admission());
        if (limits.compressionEnabled()) {
            p.addLast(PipelineNames.WS_COMPRESSION, limits.newCompression());
            p.addLast(PipelineNames.WS_RESERVED_BITS, limits.reservedBits());
        }
        Connection.of(channel).useCommandBucket(limits.newCommandBucket());
        p.addLast(PipelineNames.CONTROL_LIMITS, limits.controlLimits());
        p.addLast(PipelineNames.WS_PROTOCOL, new WebSocketServerProtocolHandler(wsConfig));
        p.addLast(PipelineNames.UPGRADE_COMPLETE, UpgradeCompleteHandler.INSTANCE);
        p.addLast(PipelineNames.WS_AGGREGATOR, new WebSocketFrameAggregator(maxMessage));
        p.addLast(PipelineNames.HEARTBEAT, new HeartbeatHandler(heartbeat));
        p.addLast(PipelineNames.ENVELOPE_CODEC, shared.envelopes());
        p.addLast(PipelineNames.COMMAND_LIMITS, limits.commandLimits());
        p.addLast(PipelineNames.AUTH,
                new AuthHandler(verifier, sessions, disconnector, config.auth().authTimeout()));
        p.addLast(PipelineNames.EXCEPTIONS, shared.exceptions());
    }

    /**
     * The request line and the headers each bounded by {@code server.maxHandshakeBytes}, bodies read in chunks of
     * 8 KiB: what {@code new HttpServerCodec(max, max, 8192)} sets, made once per node instead of once per
     * connection (the codec copies the values it needs).
     */
    static HttpDecoderConfig httpDecoderConfig(CrierConfig config) {
        int maxHandshake = config.server().maxHandshakeBytes();
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(maxHandshake)
                .setMaxHeaderSize(maxHandshake)
                .setMaxChunkSize(8192);
    }

    /**
     * Netty's WebSocket settings. {@code checkStartsWith}: the path followed by a query string ({@code /ws?v=2}) is
     * upgraded too; {@code http-routes} has already refused every other path that merely starts with it.
     * {@code closeOnProtocolViolation}: the decoder answers a broken frame with
     * the standard close code itself (1009, 1007, 1002). {@code sendCloseFrame(null)}: a plain channel close
     * adds no close frame of its own, so the {@link Disconnector}'s (or the decoder's) is the only one.
     * Pongs are kept for the heartbeat. No {@code Utf8FrameValidator} of its own: {@code envelope-codec} checks each
     * reassembled text message and closes with the same 1007 (one handler context less per connection).
     */
    static WebSocketServerProtocolConfig webSocketConfig(CrierConfig config) {
        return WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(config.server().wsPath())
                .subprotocols(null)
                .checkStartsWith(true)
                .handshakeTimeoutMillis(config.server().handshakeTimeout().toMillis())
                .forceCloseTimeoutMillis(Disconnector.CLOSE_TIMEOUT.toMillis())
                .handleCloseFrames(true)
                .sendCloseFrame(null)
                .dropPongFrames(false)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(config.limits().maxMessageBytes())
                        .allowExtensions(config.compression().enabled())
                        .closeOnProtocolViolation(true)
                        .withUTF8Validator(false)
                        .build())
                .build();
    }
}
