package io.crier.gateway.transport;

import io.crier.gateway.session.Session;
import io.crier.protocol.Command;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.Malformed;
import io.crier.protocol.Reply;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the commands of an authenticated connection to its domain {@link Session} and writes each reply
 * when its stage completes, always from the channel's event loop (a stage completing on a broker or store
 * thread hands the write over), then tells the session with {@link Session#replyWritten}: a subscribe with
 * history goes live only then, so that its replayed publications follow the reply on the wire. A
 * malformed frame gets its error reply; the session goes on. When the connection closes, the session is
 * closed exactly once, and the {@link SessionFactory} told (the open count, the lifecycle listener).
 *
 * <p>Per connection; confined to the channel's event loop (reply writes may come from other threads).
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);

    private final Session session;
    private final SessionFactory sessions;
    private boolean closed;

    public SessionHandler(Session session, SessionFactory sessions) {
        this.session = Objects.requireNonNull(session, "session");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            // The connection went away while the session was being opened: channelInactive will not come.
            closeSession();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Command command) {
            session.handle(command).whenComplete((reply, error) -> {
                if (error != null) {
                    log.warn("{} command {} failed", ctx.channel().id().asShortText(), command.type(), error);
                    reply(ctx, new Reply.Error(command.id(), ErrorCode.INTERNAL, "internal error"));
                } else {
                    reply(ctx, reply);
                }
            });
        } else if (msg instanceof Malformed malformed) {
            ctx.writeAndFlush(malformed.toReply());
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** Writes {@code reply} on the event loop, then tells the session, so that what it writes next follows. */
    private void reply(ChannelHandlerContext ctx, Reply reply) {
        if (!ctx.executor().inEventLoop()) {
            try {
                ctx.executor().execute(() -> reply(ctx, reply));
            } catch (RejectedExecutionException e) {
                // The event loop is shutting down with its channels: there is no one left to answer.
                log.debug("{} event loop gone before a reply", ctx.channel().id().asShortText());
            }
            return;
        }
        ctx.writeAndFlush(reply);
        session.replyWritten(reply);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeSession();
        ctx.fireChannelInactive();
    }

    private void closeSession() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } finally {
            sessions.closed(session);
        }
    }
}
