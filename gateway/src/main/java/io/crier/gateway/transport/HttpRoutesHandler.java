package io.crier.gateway.transport;

import io.crier.gateway.auth.DevTokenIssuer;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The plain HTTP routes of a node: {@code GET /healthz}, {@code GET /readyz}, the demo page ({@code /} and
 * the static files under the classpath folder {@code web/}) and, in development mode or with
 * {@code auth.devTokens} only, {@code GET /dev/token?user=NAME}, when an admin key is set the admin API
 * ({@link AdminRoutes}), and {@code GET /metrics} ({@link MetricsEndpoint}), and the status page {@code /status}
 * (static; it asks for the admin key and calls {@code GET /api/v1/nodes}).
 * Requests for the WebSocket path (exactly as configured, before %-decoding; any query string is ignored, and
 * never read for a token) go on to the handshake guard; anything
 * else gets 404 (405 for a method other than GET). Removes itself on {@link ConnectionEvent.UpgradeCompleted}.
 *
 * <p>Stateless: one instance per node, {@link Sharable}.
 */
@ChannelHandler.Sharable
public final class HttpRoutesHandler extends ChannelInboundHandlerAdapter {

    /** The status page (the cluster view, read from {@code GET /api/v1/nodes} with the admin key). */
    public static final String STATUS_PATH = "/status";

    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final String wsPath;
    private final Readiness readiness;
    private final DevTokenIssuer devTokens;
    private final AdminRoutes admin;
    private final MetricsEndpoint metrics;
    private final WebResources web;

    /**
     * @param wsPath    the WebSocket endpoint, passed on untouched
     * @param readiness answers {@code /readyz}
     * @param devTokens the development token issuer, or {@code null} when the node serves none (a key is
     *                  configured, {@code auth.devTokens} off): then the {@code /dev/token} route does not exist
     * @param admin     the admin API ({@code POST /admin/drain}), or {@code null} when {@code admin.key} is empty:
     *                  then its routes do not exist (404)
     * @param metrics   the Prometheus scrape ({@code GET /metrics}), or {@code null}: then that route does not exist
     */
    public HttpRoutesHandler(String wsPath, Readiness readiness, DevTokenIssuer devTokens, AdminRoutes admin,
                             MetricsEndpoint metrics) {
        this.wsPath = Objects.requireNonNull(wsPath, "wsPath");
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.devTokens = devTokens;
        this.admin = admin;
        this.metrics = metrics;
        this.web = new WebResources(HttpRoutesHandler.class.getClassLoader(), "web");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (request.decoderResult().isFailure()) {
            ReferenceCountUtil.release(request);
            badHead(ctx, request.decoderResult().cause());
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        if (!hasValidPath(uri)) {
            ReferenceCountUtil.release(request);
            HttpResponses.textAndClose(ctx, null, HttpResponseStatus.BAD_REQUEST, "bad request\n");
            return;
        }
        // The WebSocket path is compared as sent (before %-decoding) and its query string is ignored: Netty's
        // handshake compares the raw URI too, so another spelling of the path (/w%73) must not get this far.
        if (isWebSocketPath(uri) && HttpMethod.GET.equals(request.method())) {
            ctx.fireChannelRead(request); // ownership passes on to the handshake guard
            return;
        }
        try {
            route(ctx, request, uri);
        } finally {
            ReferenceCountUtil.release(request);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ConnectionEvent.leaveOnUpgrade(ctx, evt);
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        String path = uri.path();
        if (admin != null && admin.handles(path)) {
            admin.handle(ctx, request);
            return;
        }
        if (metrics != null && metrics.handles(path)) {
            metrics.handle(ctx, request);
            return;
        }
        if (!HttpMethod.GET.equals(request.method())) {
            boolean known = isWebSocketPath(uri) || path.equals("/healthz") || path.equals("/readyz")
                    || path.equals(STATUS_PATH)
                    || web.find(path).isPresent() || (devTokens != null && path.equals("/dev/token"));
            if (known) {
                HttpResponses.methodNotAllowed(ctx, request, "GET");
            } else {
                notFound(ctx, request);
            }
            return;
        }
        switch (path) {
            case "/healthz" -> HttpResponses.text(ctx, request, HttpResponseStatus.OK, "ok\n");
            case "/readyz" -> readyz(ctx, request);
            case "/dev/token" -> devToken(ctx, request, uri);
            case STATUS_PATH -> staticFile(ctx, request, "/status.html");
            default -> staticFile(ctx, request, path);
        }
    }

    private void readyz(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (readiness.ready()) {
            HttpResponses.text(ctx, request, HttpResponseStatus.OK, "ready\n");
        } else {
            String why = readiness.draining() ? "draining\n" : "broker not connected\n";
            HttpResponses.text(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, why);
        }
    }

    private void devToken(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        if (devTokens == null) {
            notFound(ctx, request);
            return;
        }
        List<String> users = uri.parameters().get("user");
        String user = users == null || users.size() != 1 ? null : users.get(0);
        if (user == null || !USER_NAME.matcher(user).matches()) {
            HttpResponses.text(ctx, request, HttpResponseStatus.BAD_REQUEST,
                    "user must be 1 to 64 characters of A-Z a-z 0-9 _ - .\n");
            return;
        }
        // A JWT is made of base64url segments and dots: nothing in it needs JSON escaping.
        byte[] body = ("{\"token\":\"" + devTokens.issue(user) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponses.send(ctx, request, HttpResponseStatus.OK, HttpResponses.JSON, body, true);
    }

    private void staticFile(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        web.find(path).ifPresentOrElse(
                file -> HttpResponses.send(ctx, request, HttpResponseStatus.OK, file.contentType(), file.bytes(), true),
                () -> notFound(ctx, request));
    }

    private boolean isWebSocketPath(QueryStringDecoder uri) {
        return uri.rawPath().equals(wsPath);
    }

    private static boolean hasValidPath(QueryStringDecoder uri) {
        try {
            return uri.path().startsWith("/");
        } catch (IllegalArgumentException e) {
            // A broken %-escape is the client's mistake: answered with 400, not logged.
            return false;
        }
    }

    /**
     * A request head the codec could not read: 414 for a request line over {@code server.maxHandshakeBytes}, 431
     * for headers over it (RFC 6585), 400 for anything else; the connection is closed after it.
     */
    private static void badHead(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            HttpResponses.textAndClose(ctx, null, HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long\n");
        } else if (cause instanceof TooLongHttpHeaderException) {
            HttpResponses.textAndClose(ctx, null, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "request header fields too large\n");
        } else {
            HttpResponses.textAndClose(ctx, null, HttpResponseStatus.BAD_REQUEST, "bad request\n");
        }
    }

    private static void notFound(ChannelHandlerContext ctx, FullHttpRequest request) {
        HttpResponses.text(ctx, request, HttpResponseStatus.NOT_FOUND, "not found\n");
    }
}
