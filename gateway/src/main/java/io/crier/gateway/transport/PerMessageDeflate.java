package io.crier.gateway.transport;

import io.crier.gateway.config.CompressionConfig;
import io.crier.protocol.CloseCode;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.util.HashMap;
import java.util.Map;

/**
 * permessage-deflate (RFC 7692) for a node: negotiated when the client offers it, always answered with {@code
 * server_no_context_takeover} and {@code client_no_context_takeover} (RFC 7692, 7.1.1.1 and 7.1.1.2 let a server add
 * either to any offer it accepts), so that every message either side sends is compressed on its own. That is what
 * lets a publication be compressed once per node and the same bytes go to every compressed subscriber ({@link
 * NettyFanout}, {@link MessageDeflater}), and what lets a compressed connection keep neither a compressor nor an
 * inflater: replies and pushes are compressed by the node's shared {@link MessageDeflateEncoder}, and what the client
 * sends is inflated by the thread's shared inflater ({@link MessageInflateDecoder}). Messages under {@code
 * compression.minBytes} go out uncompressed (RSV1 clear).
 *
 * <p>Inbound, a message inflates into at most {@code limits.maxMessageBytes}, so that a small compressed frame
 * cannot become a huge message (a decompression bomb closes the connection with 1009). An offer the node cannot
 * honour (a smaller {@code server_max_window_bits}: the JDK's zlib has one window size) is declined, and that client
 * is served uncompressed.
 *
 * <p>Immutable; thread-safe. The handshaker and the encoder are shared by the node; {@link #newHandler()} makes
 * the per-connection handler, which removes itself once the upgrade response has gone out.
 */
final class PerMessageDeflate {

    /** The start of the message Netty's zlib decoder gives when output would pass its maximum. */
    static final String OVER_MAX_ALLOCATION = "Decompression buffer has reached maximum size";
    private static final String SERVER_NO_CONTEXT = "server_no_context_takeover";
    private static final String CLIENT_NO_CONTEXT = "client_no_context_takeover";

    private final MessageDeflater deflater;
    private final WebSocketServerExtensionHandshaker handshaker;

    /**
     * @param config          level and minimum size
     * @param maxMessageBytes the most one inflated frame may grow to ({@code limits.maxMessageBytes})
     */
    PerMessageDeflate(CompressionConfig config, int maxMessageBytes) {
        this.deflater = new MessageDeflater(config);
        // Netty's handshaker reads the offer and words the answer; allowServerNoContext and preferredClientNoContext
        // let it take the two no_context_takeover parameters added to each offer below. A client that asks for a
        // smaller server window is honoured only when the zlib in use supports window sizes (the JDK's does not),
        // else the offer is declined.
        PerMessageDeflateServerExtensionHandshaker netty = new PerMessageDeflateServerExtensionHandshaker(
                config.level(), ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(),
                PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE, true, true,
                WebSocketExtensionFilterProvider.DEFAULT, maxMessageBytes);
        this.handshaker = new NoContextHandshaker(netty, new MessageDeflateEncoder(deflater),
                new MessageInflateDecoder.Shared(maxMessageBytes));
    }

    /** The node's compressor of whole messages, which {@link NettyFanout} uses once per publication. */
    MessageDeflater deflater() {
        return deflater;
    }

    /** A new extension handler for one connection (Netty's handler is not sharable). */
    ChannelHandler newHandler() {
        return new WebSocketServerExtensionHandler(handshaker);
    }

    /**
     * The close code for a frame that could not be inflated: 1009 when it would inflate past the limit (a
     * decompression bomb), 1002 when it is not a valid deflate stream.
     */
    static CloseCode closeCodeOf(DecompressionException failure) {
        String message = failure.getMessage();
        return message != null && message.startsWith(OVER_MAX_ALLOCATION)
                ? CloseCode.MESSAGE_TOO_BIG : CloseCode.PROTOCOL_ERROR;
    }

    /**
     * Accepts a permessage-deflate offer as Netty's handshaker does, with both no_context_takeover parameters added to
     * it (so that the answer carries them), and gives the accepted extension the node's shared encoder and a decoder
     * that inflates with the thread's shared inflater, in place of Netty's compressor and inflater per connection.
     */
    private record NoContextHandshaker(PerMessageDeflateServerExtensionHandshaker netty, MessageDeflateEncoder encoder,
                                       MessageInflateDecoder.Shared inflaters)
            implements WebSocketServerExtensionHandshaker {

        @Override
        public WebSocketServerExtension handshakeExtension(WebSocketExtensionData offer) {
            Map<String, String> parameters = new HashMap<>(offer.parameters());
            parameters.put(SERVER_NO_CONTEXT, null);
            parameters.put(CLIENT_NO_CONTEXT, null);
            WebSocketServerExtension accepted =
                    netty.handshakeExtension(new WebSocketExtensionData(offer.name(), parameters));
            return accepted == null ? null : new WebSocketServerExtension() {
                @Override
                public int rsv() {
                    return accepted.rsv();
                }

                @Override
                public WebSocketExtensionEncoder newExtensionEncoder() {
                    return encoder;
                }

                @Override
                public WebSocketExtensionDecoder newExtensionDecoder() {
                    return new MessageInflateDecoder(inflaters);
                }

                @Override
                public WebSocketExtensionData newReponseData() {
                    return accepted.newReponseData();
                }
            };
        }
    }
}
