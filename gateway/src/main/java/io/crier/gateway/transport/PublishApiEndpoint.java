package io.crier.gateway.transport;

import io.crier.gateway.auth.BearerKey;
import io.crier.gateway.fleet.FleetActions;
import io.crier.gateway.publish.PublishApiMeters;
import io.crier.gateway.publish.PublishService;
import io.crier.protocol.FleetApiCodec;
import io.crier.protocol.PublishApiCodec;
import io.crier.protocol.PublishApiError;
import io.crier.protocol.PublishApiItem;
import io.crier.protocol.PublishApiRequest;
import io.crier.protocol.PublishApiResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP API of a node, {@code POST /api/v1/publish} and, when given the node's {@link FleetActions}, the server
 * API's {@code POST /api/v1/<action>} ({@link FleetApiRoutes}), only when {@code api.key} is set: checks a
 * request's head (method 405, key 401, content type 415, declared size 413, the node's buffer budget 503),
 * then decodes the body ({@link PublishApiCodec}), publishes ({@link PublishService}) and answers with JSON.
 * Every response closes the connection, so that a request never races the handshake deadline of a reused
 * connection. Requests and publications are counted ({@link PublishApiMeters}).
 *
 * <p>Bounds: a body holds at most {@link #maxBodyBytes()} (room for {@code api.maxBatch} publications of
 * {@code limits.maxDataBytes}, capped at {@value #MAX_BODY_CAP} bytes), and all requests being read or served
 * on the node hold at most {@value #MAX_BUFFERED_BYTES} bytes together.
 *
 * <p>Thread-safe; one instance per node, used by every connection's {@link PublishApiHandler}.
 */
public final class PublishApiEndpoint {

    /** The route. */
    public static final String PATH = "/api/v1/publish";
    /** The largest body any configuration allows, in bytes. */
    public static final int MAX_BODY_CAP = 16 << 20;
    /** The bytes all API requests of a node may buffer together; more get 503 with {@code Retry-After}. */
    public static final long MAX_BUFFERED_BYTES = 64L << 20;

    /** Room for one batch entry's topic and syntax besides its data. */
    private static final int ENTRY_OVERHEAD_BYTES = 512;
    private static final String RETRY_AFTER_SECONDS = "1";

    private final BearerKey key;
    private final PublishApiCodec codec;
    private final PublishService service;
    private final PublishApiMeters meters;
    private final int maxBodyBytes;
    private final long maxBufferedBytes;
    private final AtomicLong buffered = new AtomicLong();
    private final FleetApiRoutes fleet;

    /**
     * @param key          the API key ({@code api.key}, not empty)
     * @param maxDataBytes {@code limits.maxDataBytes}: the largest data of one publication
     * @param maxBatch     {@code api.maxBatch}: the most publications of one batch
     */
    public PublishApiEndpoint(BearerKey key, int maxDataBytes, int maxBatch, PublishService service,
                              MeterRegistry meters) {
        this(key, maxDataBytes, maxBatch, service, meters, MAX_BUFFERED_BYTES, null);
    }

    /**
     * As {@link #PublishApiEndpoint(BearerKey, int, int, PublishService, MeterRegistry)}, also serving the server
     * API's routes ({@code POST /api/v1/<action>}) with {@code fleet}, behind the same key and bounds.
     */
    public PublishApiEndpoint(BearerKey key, int maxDataBytes, int maxBatch, PublishService service,
                              MeterRegistry meters, FleetActions fleet) {
        this(key, maxDataBytes, maxBatch, service, meters, MAX_BUFFERED_BYTES,
                new FleetApiRoutes(new FleetApiCodec(maxBatch), fleet));
    }

    /** As the public constructor, with another node-wide buffer budget (tests fill a small one). */
    PublishApiEndpoint(BearerKey key, int maxDataBytes, int maxBatch, PublishService service, MeterRegistry meters,
                       long maxBufferedBytes) {
        this(key, maxDataBytes, maxBatch, service, meters, maxBufferedBytes, null);
    }

    private PublishApiEndpoint(BearerKey key, int maxDataBytes, int maxBatch, PublishService service,
                               MeterRegistry meters, long maxBufferedBytes, FleetApiRoutes fleet) {
        this.fleet = fleet;
        this.key = Objects.requireNonNull(key, "key");
        this.codec = new PublishApiCodec(maxDataBytes, maxBatch);
        this.service = Objects.requireNonNull(service, "service");
        this.meters = new PublishApiMeters(meters);
        this.maxBodyBytes = (int) Math.min(MAX_BODY_CAP, (long) maxBatch * (maxDataBytes + ENTRY_OVERHEAD_BYTES));
        this.maxBufferedBytes = maxBufferedBytes;
    }

    /** The largest request body accepted, in bytes. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** Whether {@code head} is a request for one of this endpoint's routes (whatever its method). */
    boolean handles(HttpRequest head) {
        String path = path(head);
        return PATH.equals(path) || (fleet != null && path != null && fleet.handles(path));
    }

    /** The path of {@code head}'s URI, or {@code null} when it cannot be decoded. */
    static String path(HttpRequest head) {
        try {
            return new QueryStringDecoder(head.uri()).path();
        } catch (IllegalArgumentException e) {
            // A broken %-escape is not this route; http-routes answers it with 400.
            return null;
        }
    }

    /**
     * Whether {@code head}'s body may be read, checked in this order: method (405), key (401), content type
     * (415), declared size (413), room in the node's budget (503). An admitted request holds
     * {@link Admission#reserved()} bytes of the budget (its declared length, or the largest body when it is
     * chunked) until they are {@link #release released}.
     */
    Admission admit(HttpRequest head) {
        PublishApiError refusal = refusal(head);
        if (refusal != null) {
            return Admission.refused(refusal, message(refusal));
        }
        long wanted = HttpUtil.isTransferEncodingChunked(head) ? maxBodyBytes : HttpUtil.getContentLength(head, 0L);
        if (buffered.addAndGet(wanted) > maxBufferedBytes) {
            buffered.addAndGet(-wanted);
            return Admission.refused(PublishApiError.UNAVAILABLE, "the node is too busy; retry later");
        }
        return new Admission(null, null, wanted);
    }

    private PublishApiError refusal(HttpRequest head) {
        if (!HttpMethod.POST.equals(head.method())) {
            return PublishApiError.METHOD_NOT_ALLOWED;
        }
        if (!key.matches(head.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            return PublishApiError.UNAUTHORIZED;
        }
        CharSequence mime = HttpUtil.getMimeType(head);
        CharSequence charset = HttpUtil.getCharsetAsSequence(head);
        if (mime == null || !HttpHeaderValues.APPLICATION_JSON.contentEqualsIgnoreCase(mime)
                || (charset != null && !"utf-8".equalsIgnoreCase(charset.toString()))) {
            return PublishApiError.UNSUPPORTED_MEDIA_TYPE;
        }
        return HttpUtil.getContentLength(head, 0L) > maxBodyBytes ? PublishApiError.TOO_LARGE : null;
    }

    private String message(PublishApiError refusal) {
        return switch (refusal) {
            case METHOD_NOT_ALLOWED -> "use POST";
            case UNAUTHORIZED -> "missing or wrong API key (Authorization: Bearer <api.key>)";
            case UNSUPPORTED_MEDIA_TYPE -> "the body must be Content-Type: application/json (UTF-8)";
            default -> "the body is larger than " + maxBodyBytes + " bytes";
        };
    }

    /** Gives back bytes {@link #reserve} reserved. */
    void release(long reserved) {
        buffered.addAndGet(-reserved);
    }

    /**
     * Serves a request for {@code path} (one that {@link #handles}): decodes {@code body}, publishes or takes the
     * server API's action, and answers; the stage completes once the answer is handed to Netty.
     */
    CompletionStage<Void> serve(ChannelHandlerContext ctx, String path, byte[] body) {
        if (!PATH.equals(path)) {
            return fleet.serve(this, ctx, path, body);
        }
        return serve(ctx, body);
    }

    /** Decodes {@code body}, publishes and answers; the stage completes once the answer is handed to Netty. */
    CompletionStage<Void> serve(ChannelHandlerContext ctx, byte[] body) {
        PublishApiRequest request = codec.decode(body);
        if (request instanceof PublishApiRequest.Invalid invalid) {
            fail(ctx, invalid.error(), invalid.message());
            return CompletableFuture.completedFuture(null);
        }
        if (request instanceof PublishApiRequest.Single single) {
            if (single.item() instanceof PublishApiItem.Rejected rejected) {
                fail(ctx, rejected.error(), rejected.message());
                return CompletableFuture.completedFuture(null);
            }
            return service.publish((PublishApiItem.Publication) single.item())
                    .thenAccept(result -> answerSingle(ctx, result));
        }
        return service.publishAll(((PublishApiRequest.Batch) request).items())
                .thenAccept(results -> answerBatch(ctx, results));
    }

    /** Answers with {@code error} as a whole (and its headers: Allow, WWW-Authenticate, Retry-After). */
    ChannelFuture fail(ChannelHandlerContext ctx, PublishApiError error, String message) {
        meters.requestFailed(error);
        FullHttpResponse response = response(HttpResponseStatus.valueOf(error.httpStatus()),
                codec.encodeError(error, message));
        switch (error) {
            case METHOD_NOT_ALLOWED -> response.headers().set(HttpHeaderNames.ALLOW, "POST");
            case UNAUTHORIZED -> response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            case UNAVAILABLE -> response.headers().set(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
            default -> { }
        }
        return ctx.writeAndFlush(response);
    }

    private void answerSingle(ChannelHandlerContext ctx, PublishApiResult result) {
        if (result instanceof PublishApiResult.Failed failed) {
            meters.publicationFailed(failed.error());
            fail(ctx, failed.error(), failed.message()).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        meters.publicationOk();
        meters.requestOk();
        ctx.writeAndFlush(response(HttpResponseStatus.OK, codec.encode(result)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void answerBatch(ChannelHandlerContext ctx, List<PublishApiResult> results) {
        boolean allUnavailable = !results.isEmpty();
        for (PublishApiResult result : results) {
            if (result instanceof PublishApiResult.Failed failed) {
                meters.publicationFailed(failed.error());
                allUnavailable &= failed.error() == PublishApiError.UNAVAILABLE;
            } else {
                meters.publicationOk();
                allUnavailable = false;
            }
        }
        if (allUnavailable) {
            // Nothing was published: one 503 tells the caller to retry the whole batch.
            fail(ctx, PublishApiError.UNAVAILABLE, ((PublishApiResult.Failed) results.get(0)).message())
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        meters.requestOk();
        ctx.writeAndFlush(response(HttpResponseStatus.OK, codec.encodeBatch(results)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Answers 200 with {@code json}, counts the request as ok and closes the connection. */
    void answerOk(ChannelHandlerContext ctx, byte[] json) {
        meters.requestOk();
        ctx.writeAndFlush(response(HttpResponseStatus.OK, json)).addListener(ChannelFutureListener.CLOSE);
    }

    private static FullHttpResponse response(HttpResponseStatus status, byte[] json) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(json));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpResponses.JSON)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set("X-Content-Type-Options", "nosniff");
        HttpUtil.setContentLength(response, json.length);
        return response;
    }

    /**
     * The decision on a request's head: a refusal with its message, or the bytes reserved for its body.
     * Immutable.
     */
    record Admission(PublishApiError refusal, String message, long reserved) {
        static Admission refused(PublishApiError refusal, String message) {
            return new Admission(refusal, message, -1);
        }
    }
}
