package io.crier.gateway.transport;

import io.crier.gateway.auth.InvalidTokenException;
import io.crier.gateway.auth.InvalidTokenException.Reason;
import io.crier.gateway.auth.TokenVerifier;
import io.crier.gateway.auth.User;
import io.crier.gateway.metrics.MeterCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Guards the WebSocket upgrade: refuses it with 503 while the node drains (once its readiness delay is over),
 * with 400 when it repeats a header that must come once ({@code Host}, {@code Origin}, {@code Authorization},
 * {@code Sec-WebSocket-Key}, {@code Sec-WebSocket-Version}: which one counts would otherwise depend on who reads
 * it, so a second {@code Origin} after an allowed one, or a second token, could slip past a check), and verifies
 * an {@code Authorization: Bearer <token>} header when there is one, recording the {@link User} on the
 * {@link Connection} so that the session is welcomed right after the upgrade. A refused token gets 401 with an
 * RFC 6750 challenge ({@code WWW-Authenticate: Bearer error="invalid_token"}, and
 * {@code error_description="token expired"} when it only expired, so that a client knows a fresh token will do)
 * and a rate-bounded {@code refused} line with the reason ({@link ConnectionEvent.UpgradeRefused}). Tokens in the
 * query string are never read. The headers on the {@code proxy.headers} allowlist are kept on the {@link Connection}
 * for the proxy hooks to forward (a repeated one joined with {@code ", "}, or {@code "; "} for {@code Cookie}).
 * Removes itself on {@link ConnectionEvent.UpgradeCompleted}.
 *
 * <p>Stateless: one instance per node, {@link Sharable}.
 */
@ChannelHandler.Sharable
public final class HandshakeGuardHandler extends ChannelInboundHandlerAdapter {

    private static final String BEARER = "bearer ";
    /** Headers an upgrade may carry at most once. */
    private static final List<AsciiString> SINGLE = List.of(HttpHeaderNames.HOST, HttpHeaderNames.ORIGIN,
            HttpHeaderNames.AUTHORIZATION, HttpHeaderNames.SEC_WEBSOCKET_KEY, HttpHeaderNames.SEC_WEBSOCKET_VERSION);

    private final Readiness readiness;
    private final TokenVerifier verifier;
    private final Counter refusedDraining;
    private final Counter refusedToken;
    private final Counter refusedRepeated;
    private final List<String> forwarded;

    public HandshakeGuardHandler(Readiness readiness, TokenVerifier verifier, MeterRegistry meters) {
        this(readiness, verifier, meters, List.of());
    }

    /** @param forwarded the names (lower case) of the headers proxy hook calls forward ({@code proxy.headers}) */
    public HandshakeGuardHandler(Readiness readiness, TokenVerifier verifier, MeterRegistry meters,
                                 List<String> forwarded) {
        this.forwarded = List.copyOf(forwarded);
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.refusedDraining = refusedCounter(meters, "draining");
        this.refusedToken = refusedCounter(meters, "invalid_token");
        this.refusedRepeated = refusedCounter(meters, "repeated_header");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (readiness.refusesUpgrades()) {
            ReferenceCountUtil.release(request);
            refusedDraining.increment();
            HttpResponses.textAndClose(ctx, null, HttpResponseStatus.SERVICE_UNAVAILABLE, "draining\n");
            return;
        }
        AsciiString repeated = repeatedHeader(request.headers());
        if (repeated != null) {
            ReferenceCountUtil.release(request);
            refusedRepeated.increment();
            HttpResponses.textAndClose(ctx, null, HttpResponseStatus.BAD_REQUEST, "repeated " + repeated + " header\n");
            return;
        }
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        Reason refused = authorization == null ? null : authenticate(ctx, authorization);
        if (refused != null) {
            ReferenceCountUtil.release(request);
            refusedToken.increment();
            ConnectionEvent.fire(ctx.channel(),
                    new ConnectionEvent.UpgradeRefused(HttpResponseStatus.UNAUTHORIZED.code(), refused.tag()));
            unauthorized(ctx, refused);
            return;
        }
        if (!forwarded.isEmpty()) {
            Connection.of(ctx.channel()).headersToForward(headersToForward(request.headers()));
        }
        ctx.fireChannelRead(request);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ConnectionEvent.leaveOnUpgrade(ctx, evt);
    }

    /** Verifies the Bearer token and remembers its user; returns why it was refused, or null when it was not. */
    private Reason authenticate(ChannelHandlerContext ctx, String authorization) {
        if (authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Reason.MISSING_TOKEN; // another scheme (Basic...): no Bearer token to verify
        }
        try {
            User user = verifier.verify(authorization.substring(BEARER.length()).trim());
            Connection.of(ctx.channel()).bearerVerified(user);
            return null;
        } catch (InvalidTokenException e) {
            // Counted and logged (rate-bounded) by the caller, by reason only.
            return e.reason();
        }
    }

    /**
     * 401 with the challenge of RFC 6750 3.1: no error code when there was no Bearer token to judge,
     * {@code invalid_token} otherwise, described only when the token expired (the client may fetch a fresh one;
     * every other reason stays the client's to find out, as after the {@code auth} command).
     */
    private static void unauthorized(ChannelHandlerContext ctx, Reason reason) {
        String challenge = switch (reason) {
            case MISSING_TOKEN -> "Bearer";
            case EXPIRED -> "Bearer error=\"invalid_token\", error_description=\"token expired\"";
            default -> "Bearer error=\"invalid_token\"";
        };
        HttpResponses.unauthorizedAndClose(ctx, challenge,
                reason == Reason.EXPIRED ? "token expired\n" : "invalid token\n");
    }

    private Map<String, String> headersToForward(HttpHeaders headers) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String name : forwarded) {
            List<String> values = headers.getAll(name);
            if (!values.isEmpty()) {
                found.put(name, String.join(HttpHeaderNames.COOKIE.contentEqualsIgnoreCase(name) ? "; " : ", ", values));
            }
        }
        return found;
    }

    private static AsciiString repeatedHeader(HttpHeaders headers) {
        // One walk over the headers (no list of values per name), then the first repeated name in SINGLE's order.
        int seen = 0;
        int repeated = 0;
        Iterator<Map.Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
        while (entries.hasNext()) {
            int bit = singleBit(entries.next().getKey());
            repeated |= seen & bit;
            seen |= bit;
        }
        return repeated == 0 ? null : SINGLE.get(Integer.numberOfTrailingZeros(repeated));
    }

    /** The bit of {@code name}'s place in {@link #SINGLE} (names compared as HTTP does, ignoring case), or 0. */
    private static int singleBit(CharSequence name) {
        for (int i = 0; i < SINGLE.size(); i++) {
            if (SINGLE.get(i).contentEqualsIgnoreCase(name)) {
                return 1 << i;
            }
        }
        return 0;
    }

    private static Counter refusedCounter(MeterRegistry meters, String reason) {
        return MeterCatalog.HANDSHAKES_REFUSED.counter(meters, "reason", reason);
    }
}
