package io.crier.gateway.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Writes complete HTTP responses with correct keep-alive handling, for the handlers of the HTTP phase.
 * Stateless; thread-safe.
 */
final class HttpResponses {

    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json";

    private HttpResponses() {
    }

    /** A short plain-text response; the connection stays open when the request allows it. */
    static void text(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status, String body) {
        send(ctx, request, status, TEXT, body.getBytes(StandardCharsets.UTF_8), true);
    }

    /** A short plain-text response, after which the connection is closed. */
    static void textAndClose(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                             String body) {
        send(ctx, request, status, TEXT, body.getBytes(StandardCharsets.UTF_8), false);
    }

    /** 401 with a {@code WWW-Authenticate} challenge, after which the connection is closed. */
    static void unauthorizedAndClose(ChannelHandlerContext ctx, String challenge, String body) {
        FullHttpResponse response = response(HttpResponseStatus.UNAUTHORIZED, TEXT,
                body.getBytes(StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
        write(ctx, null, response, false);
    }

    /** 405 with an {@code Allow} header. */
    static void methodNotAllowed(ChannelHandlerContext ctx, HttpRequest request, String allow) {
        FullHttpResponse response = response(HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT,
                "method not allowed\n".getBytes(StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.ALLOW, allow);
        write(ctx, request, response, true);
    }

    /**
     * Writes {@code body} with {@code contentType} and {@code Cache-Control: no-cache}; closes afterwards
     * unless both the request and {@code keepAlive} allow the connection to stay open.
     */
    static void send(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                     String contentType, byte[] body, boolean keepAlive) {
        write(ctx, request, response(status, contentType, body), keepAlive);
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set("X-Content-Type-Options", "nosniff");
        HttpUtil.setContentLength(response, body.length);
        return response;
    }

    private static void write(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response,
                              boolean keepAlive) {
        boolean stayOpen = keepAlive && request != null && HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, stayOpen);
        if (stayOpen) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
