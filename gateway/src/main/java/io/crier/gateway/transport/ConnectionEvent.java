package io.crier.gateway.transport;

import io.crier.gateway.auth.User;
import io.crier.gateway.metrics.MeterCatalog;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;

/**
 * The typed user events of a connection (Netty's idiom for phase changes), fired from the pipeline's head with
 * {@link #fire} so that every handler hears them, those before {@code ws-protocol} included; a handler reacts in
 * {@code userEventTriggered} and passes the event on. Immutable; thread-safe.
 */
sealed interface ConnectionEvent {

    /**
     * The WebSocket handshake completed ({@link Connection#completeUpgrade}): the handshake-phase handlers remove
     * themselves ({@link #leaveOnUpgrade}), the auth phase begins.
     *
     * @param bearerUser the user of the upgrade request's valid Bearer token, or {@code null} when it had none
     * @param compressed whether permessage-deflate was negotiated
     */
    record UpgradeCompleted(User bearerUser, boolean compressed) implements ConnectionEvent {
    }

    /**
     * A session opened on the connection ({@link Connection#openSession}).
     *
     * @param user the user's id, {@code anonymous} for an anonymous session
     */
    record SessionOpened(String session, String user) implements ConnectionEvent {
    }

    /**
     * The upgrade request was refused with HTTP {@code status} for its Bearer token, for {@code tokenError} (a
     * {@link MeterCatalog#AUTH_FAILURES} reason, never token content).
     */
    record UpgradeRefused(int status, String tokenError) implements ConnectionEvent {
    }

    /** {@code session} had a {@code refresh} token refused, for {@code tokenError}; it keeps its token. */
    record RefreshRefused(String session, String tokenError) implements ConnectionEvent {
    }

    /** Fires {@code event} from the head of {@code channel}'s pipeline; on the channel's event loop. */
    static void fire(Channel channel, ConnectionEvent event) {
        channel.pipeline().fireUserEventTriggered(event);
    }

    /**
     * For a handler of the handshake phase, in its {@code userEventTriggered}: removes it from the pipeline when
     * {@code event} is the {@link UpgradeCompleted upgrade}, then passes {@code event} on (removed first, so that
     * what the handlers after it write on the upgrade no longer passes through it).
     */
    static void leaveOnUpgrade(ChannelHandlerContext ctx, Object event) {
        if (event instanceof UpgradeCompleted && !ctx.isRemoved()) {
            ctx.pipeline().remove(ctx.name());
        }
        ctx.fireUserEventTriggered(event);
    }
}
