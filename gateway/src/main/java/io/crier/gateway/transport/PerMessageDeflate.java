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
 * server_no_context_takeover} (RFC 7692, 7.1.1.1 lets a server add it to any offer it accepts), so that every
 * message the node sends is compressed on its own. That is what lets a publication be compressed once per node and
 * the same bytes go to every compressed subscriber ({@link NettyFanout}, {@link MessageDeflater}), and what lets a
 * compressed connection keep no compressor: replies and pushes are compressed by the node's shared {@link
 * MessageDeflateEncoder}. Messages under {@code compression.minBytes} go out uncompressed (RSV1 clear).
 *
 * <p>Inbound, the client keeps the context takeover it chose: a connection inflates with its own inflater (made
 * when its first compressed frame comes), into at most {@code limits.maxMessageBytes}, so that a small compressed
 * frame cannot become a huge message (a decompression bomb closes the connection with 1009). An offer the node
 * cannot honour (a smaller {@code server_max_window_bits}: the JDK's zlib has one window size) is declined, and
 * that client is served uncompressed.
 *
 * <p>Immutable; thread-safe. The handshaker and the encoder are shared by the node; {@link #newHandler()} makes
 * the per-connection handler, which removes itself once the upgrade response has gone out.
 */
final class PerMessageDeflate {

    /** The start of the message Netty's zlib decoder gives when output would pass its maximum. */
    private static final String OVER_MAX_ALLOCATION = "Decompression buffer has reached maximum size";
    private static final String SERVER_NO_CONTEXT = "server_no_context_takeover";

    private final MessageDeflater deflater;
    private final WebSocketServerExtensionHandshaker handshaker;

    /**
     * @param config          level and minimum size
     * @param maxMessageBytes the most one inflated frame may grow to ({@code limits.maxMessageBytes})
     */
    PerMessageDeflate(CompressionConfig config, int maxMessageBytes) {
        this.deflater = new MessageDeflater(config);
        // Netty's handshaker reads the offer and makes the inflater; allowServerNoContext lets it take the
        // server_no_context_takeover added to each offer below. A client that asks for a smaller server window is
        // honoured only when the zlib in use supports window sizes (the JDK's does not), else the offer is declined.
        PerMessageDeflateServerExtensionHandshaker netty = new PerMessageDeflateServerExtensionHandshaker(
                config.level(), ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(),
                PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE, true, false,
                WebSocketExtensionFilterProvider.DEFAULT, maxMessageBytes);
        this.handshaker = new NoContextHandshaker(netty, new MessageDeflateEncoder(deflater));
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
     * Accepts a permessage-deflate offer as Netty's handshaker does, with {@code server_no_context_takeover} added to
     * it (so that the answer carries it), and gives the accepted extension the node's shared encoder in place of a
     * compressor per connection; the inflater stays Netty's.
     */
    private record NoContextHandshaker(PerMessageDeflateServerExtensionHandshaker netty,
                                       MessageDeflateEncoder encoder) implements WebSocketServerExtensionHandshaker {

        @Override
        public WebSocketServerExtension handshakeExtension(WebSocketExtensionData offer) {
            Map<String, String> parameters = new HashMap<>(offer.parameters());
            parameters.put(SERVER_NO_CONTEXT, null);
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
                    return accepted.newExtensionDecoder();
                }

                @Override
                public WebSocketExtensionData newReponseData() {
                    return accepted.newReponseData();
                }
            };
        }
    }
}
