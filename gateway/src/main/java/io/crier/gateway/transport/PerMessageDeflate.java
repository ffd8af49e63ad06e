package io.crier.gateway.transport;

import io.crier.gateway.config.CompressionConfig;
import io.crier.protocol.CloseCode;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;

/**
 * permessage-deflate (RFC 7692) for a node: negotiated when the client offers it, outbound frames under
 * {@code compression.minBytes} sent uncompressed (RSV1 clear), and every inbound frame inflated into at
 * most {@code limits.maxMessageBytes}, so that a small compressed frame cannot become a huge message (a
 * decompression bomb closes the connection with 1009).
 *
 * <p>Compression is per connection: Netty deflates each channel's frames with that channel's own
 * compressor, so a publication sent compressed costs one deflate per subscriber, not one per node. That is
 * the price of the smaller frames, and why small frames skip it.
 *
 * <p>Immutable; thread-safe. The handshaker is shared by the node; {@link #newHandler()} makes the
 * per-connection handler, which removes itself once the upgrade response has gone out.
 */
final class PerMessageDeflate {

    /** The start of the message Netty's zlib decoder gives when output would pass its maximum. */
    private static final String OVER_MAX_ALLOCATION = "Decompression buffer has reached maximum size";

    private final PerMessageDeflateServerExtensionHandshaker handshaker;

    /**
     * @param config          level and minimum size
     * @param maxMessageBytes the most one inflated frame may grow to ({@code limits.maxMessageBytes})
     */
    PerMessageDeflate(CompressionConfig config, int maxMessageBytes) {
        // allowServerNoContext: a client that asks the server to reset its compressor per message saves the
        // node memory, so it is welcome; a client that asks for a smaller server window is honoured only when
        // the zlib in use supports window sizes (the JDK's does not), else the extension is declined.
        this.handshaker = new PerMessageDeflateServerExtensionHandshaker(config.level(),
                ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(),
                PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE, true, false,
                new MinSizeFilter(config.minBytes()), maxMessageBytes);
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

    /** Skips compressing outbound frames under {@code minBytes}; never skips inflating a compressed frame. */
    private record MinSizeFilter(int minBytes) implements WebSocketExtensionFilterProvider {

        @Override
        public WebSocketExtensionFilter encoderFilter() {
            return frame -> frame.content().readableBytes() < minBytes;
        }

        @Override
        public WebSocketExtensionFilter decoderFilter() {
            return WebSocketExtensionFilter.NEVER_SKIP;
        }
    }
}
