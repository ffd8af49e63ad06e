package io.crier.gateway.transport;

import io.crier.protocol.PublishApiError;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code http-api}: takes the requests for the HTTP publish API off a connection, right after the HTTP codec
 * and before the handshake's small aggregator, and reads their bodies itself up to the API's larger bound;
 * every other request goes on untouched. A refused head is answered at once and its body is discarded (the
 * connection closes once the client has sent it, or at once after an {@code Expect: 100-continue}); an
 * accepted one gets {@code 100 Continue} when asked, then its body is handed to the
 * {@link PublishApiEndpoint}. Removes itself on the WebSocket upgrade ({@link ConnectionEvent.UpgradeCompleted}).
 *
 * <p>Per connection; confined to the channel's event loop.
 */
public final class PublishApiHandler extends ChannelInboundHandlerAdapter {

    private enum Mode { IDLE, PASS, READ, DISCARD, SERVING }

    private final PublishApiEndpoint endpoint;
    private Mode mode = Mode.IDLE;
    private CompositeByteBuf body;
    private long reserved = -1;
    private String path;
    private ChannelFuture refused;

    PublishApiHandler(PublishApiEndpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (mode) {
            case IDLE -> idle(ctx, msg);
            case PASS -> {
                if (msg instanceof LastHttpContent) {
                    mode = Mode.IDLE;
                }
                ctx.fireChannelRead(msg);
            }
            case READ -> read(ctx, msg);
            default -> discard(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ConnectionEvent.leaveOnUpgrade(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        dropBody();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        dropBody();
    }

    private void idle(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpRequest head) || head.decoderResult().isFailure() || !endpoint.handles(head)) {
            if (msg instanceof HttpRequest && !(msg instanceof LastHttpContent)) {
                mode = Mode.PASS;
            }
            ctx.fireChannelRead(msg);
            return;
        }
        PublishApiEndpoint.Admission admission = endpoint.admit(head);
        if (admission.refusal() != null) {
            refuse(ctx, msg instanceof LastHttpContent || HttpUtil.is100ContinueExpected(head),
                    admission.refusal(), admission.message());
            ReferenceCountUtil.release(msg);
            return;
        }
        reserved = admission.reserved();
        path = PublishApiEndpoint.path(head);
        body = ctx.alloc().compositeBuffer();
        mode = Mode.READ;
        if (HttpUtil.is100ContinueExpected(head)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        if (msg instanceof HttpContent) {
            read(ctx, msg); // a whole request in one message
        }
    }

    private void read(ChannelHandlerContext ctx, Object msg) {
        HttpContent content = (HttpContent) msg;
        try {
            if (content.decoderResult().isFailure()) {
                dropBody();
                refuse(ctx, content instanceof LastHttpContent, PublishApiError.BAD_JSON,
                        "the request body could not be read");
                return;
            }
            if (body.readableBytes() + (long) content.content().readableBytes() > reserved) {
                dropBody();
                refuse(ctx, content instanceof LastHttpContent, PublishApiError.TOO_LARGE,
                        "the body is larger than " + endpoint.maxBodyBytes() + " bytes");
                return;
            }
            body.addComponent(true, content.content().retain());
            if (content instanceof LastHttpContent) {
                serve(ctx);
            }
        } finally {
            ReferenceCountUtil.release(content);
        }
    }

    private void serve(ChannelHandlerContext ctx) {
        byte[] bytes = ByteBufUtil.getBytes(body);
        body.release();
        body = null;
        long held = reserved;
        reserved = -1;
        mode = Mode.SERVING;
        CompletionStage<Void> served;
        try {
            served = endpoint.serve(ctx, path, bytes);
        } catch (RuntimeException e) {
            // Whatever went wrong, the reservation is given back and the caller gets a 500 below.
            served = CompletableFuture.failedFuture(e);
        }
        served.whenComplete((ignored, failure) -> {
            endpoint.release(held);
            if (failure != null) {
                endpoint.fail(ctx, PublishApiError.INTERNAL, "the request could not be served")
                        .addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    /**
     * Answers {@code error} and discards the rest of the request: the connection closes once the response is
     * out and the body is over ({@code bodyOver}: nothing more will come, or the client waits for a
     * {@code 100 Continue} it will not get), or else once the body's last part has been discarded.
     */
    private void refuse(ChannelHandlerContext ctx, boolean bodyOver, PublishApiError error, String message) {
        mode = Mode.DISCARD;
        refused = endpoint.fail(ctx, error, message);
        if (bodyOver) {
            refused.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void discard(Object msg) {
        if (mode == Mode.DISCARD && msg instanceof LastHttpContent && refused != null) {
            refused.addListener(ChannelFutureListener.CLOSE);
        }
        ReferenceCountUtil.release(msg);
    }

    private void dropBody() {
        if (body != null) {
            body.release();
            body = null;
        }
        if (reserved >= 0) {
            endpoint.release(reserved);
            reserved = -1;
        }
    }
}
