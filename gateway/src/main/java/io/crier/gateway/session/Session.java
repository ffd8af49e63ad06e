package io.crier.gateway.session;

import io.crier.gateway.auth.User;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.hub.Subscriber;
import io.crier.protocol.Command;
import io.crier.protocol.Reply;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The server state of one authenticated WebSocket connection, and the handling of its commands:
 * permission checks against the user's claims, the per-session topic limit, and the calls into the
 * {@link Hub}. Has no Netty types; the transport feeds it commands and writes its replies.
 *
 * <p>Confined to the session's event loop for {@link #handle} and {@link #close}; the returned stages may
 * complete on broker threads. (Skeleton: the implementation lands with the session work.)
 *
 * @param <S> the transport's subscriber type
 */
public final class Session<S extends Subscriber> {

    public Session(String id, User user, S subscriber, Hub<S> hub, int maxTopics) {
    }

    /**
     * Handles one command and returns its reply: {@code ok}, or an error reply ({@code forbidden},
     * {@code already_subscribed}, {@code not_subscribed}, {@code too_many_topics}, {@code unavailable},
     * {@code already_authenticated} for a second {@code auth}). Never completes exceptionally.
     */
    public CompletionStage<Reply> handle(Command command) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Leaves every topic; called once when the connection closes. */
    public void close() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The session id. */
    public String id() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The authenticated user. */
    public User user() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The topics this session is subscribed to now. */
    public Set<String> topics() {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
