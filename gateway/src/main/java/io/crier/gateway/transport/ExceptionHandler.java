package io.crier.gateway.transport;

import io.crier.protocol.CloseCode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.io.IOException;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler: turns every exception that reached the end of the pipeline into one close.
 * <ul>
 *   <li>A broken frame ({@link CorruptedWebSocketFrameException}): Netty's decoder, configured with
 *       {@code closeOnProtocolViolation}, has already sent the close frame with the standard code (1009 for
 *       an oversized frame, 1002 otherwise), or {@code envelope-codec} its 1007 for a message that is not UTF-8,
 *       so the close is only recorded.</li>
 *   <li>A reassembled message over the limit ({@link TooLongFrameException} from the frame aggregator):
 *       {@link CloseCode#MESSAGE_TOO_BIG}.</li>
 *   <li>A compressed frame that would inflate past the limit (a decompression bomb):
 *       {@link CloseCode#MESSAGE_TOO_BIG}; one that is not valid deflate data: {@link CloseCode#PROTOCOL_ERROR}.</li>
 *   <li>An {@link IOException} (the peer reset the connection) or a TLS failure ({@link SSLException}, which
 *       the TLS handler passes on wrapped): closed, logged at debug.</li>
 *   <li>Anything else is a server bug: logged once at WARN, {@link CloseCode#INTERNAL_ERROR}.</li>
 * </ul>
 *
 * <p>Stateless: one instance per node, {@link Sharable}.
 */
@ChannelHandler.Sharable
public final class ExceptionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ExceptionHandler.class);

    private final Disconnector disconnector;

    public ExceptionHandler(Disconnector disconnector) {
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Channel channel = ctx.channel();
        if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            disconnector.closedByDecoder(channel, reasonOf(corrupted.closeStatus()));
        } else if (cause instanceof TooLongFrameException) {
            disconnector.disconnect(channel, CloseCode.MESSAGE_TOO_BIG);
        } else if (cause instanceof DecompressionException inflating) {
            disconnector.disconnect(channel, PerMessageDeflate.closeCodeOf(inflating));
        } else if (cause instanceof IOException || cause.getCause() instanceof SSLException) {
            // A reset, or a failed TLS handshake (an old protocol, plain text on the TLS port), which the TLS
            // layer counts: the peer's doing, not a server fault.
            log.debug("{} connection failed: {}", channel.id().asShortText(), cause.toString());
            channel.close();
        } else if (disconnector.disconnect(channel, CloseCode.INTERNAL_ERROR)) {
            log.warn("{} unexpected error, disconnecting", channel.id().asShortText(), cause);
        } else {
            log.debug("{} error while closing: {}", channel.id().asShortText(), cause.toString());
        }
    }

    private static String reasonOf(WebSocketCloseStatus status) {
        if (status == null) {
            return CloseCode.PROTOCOL_ERROR.reason();
        }
        if (status.code() == CloseCode.MESSAGE_TOO_BIG.code()) {
            return CloseCode.MESSAGE_TOO_BIG.reason();
        }
        if (status.code() == CloseCode.INVALID_UTF8.code()) {
            return CloseCode.INVALID_UTF8.reason();
        }
        return CloseCode.PROTOCOL_ERROR.reason();
    }
}
