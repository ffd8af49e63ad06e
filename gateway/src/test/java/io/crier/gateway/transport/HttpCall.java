package io.crier.gateway.transport;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP request through an {@link EmbeddedChannel} of the routes handler, and its answer as text (the response is
 * released). For the admin API's tests; stateless.
 */
record HttpCall(HttpResponseStatus status, String contentType, String body) {

    /** Sends {@code method uri} with {@code authorization} (none when {@code null}) and reads the answer. */
    static HttpCall of(EmbeddedChannel target, HttpMethod method, String uri, String authorization) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        if (authorization != null) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
        }
        target.writeInbound(request);
        target.runPendingTasks();
        FullHttpResponse response = target.readOutbound();
        try {
            return new HttpCall(response.status(), response.headers().get(HttpHeaderNames.CONTENT_TYPE),
                    response.content().toString(StandardCharsets.UTF_8));
        } finally {
            response.release();
        }
    }
}
