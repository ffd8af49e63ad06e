package io.crier.gateway.session;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.protocol.CommandId;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error replies a session's commands share: short, fixed messages that never echo what the client sent.
 * Stateless; thread-safe.
 */
final class Replies {

    private static final Logger log = LoggerFactory.getLogger(Replies.class);

    private Replies() {
    }

    /** The error reply {@code code} to command {@code id}. */
    static Reply error(CommandId id, ErrorCode code, String message) {
        return new Reply.Error(id, code, message);
    }

    /** {@code reply}, as a completed stage. */
    static CompletionStage<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    /** The reply to a subscribe that {@link SessionTopics#refusal} refused. */
    static Reply subscribeRefused(CommandId id, ServerSubscribe refusal) {
        return switch (refusal) {
            case CLOSED -> error(id, ErrorCode.UNAVAILABLE, "session is closed");
            case ALREADY_SUBSCRIBED -> error(id, ErrorCode.ALREADY_SUBSCRIBED, "already subscribed to this topic");
            default -> error(id, ErrorCode.TOO_MANY_TOPICS, "too many topics for one session");
        };
    }

    /**
     * The reply to command {@code id} whose {@code operation} failed: {@code unavailable} (with
     * {@code unavailableMessage}) when the broker or store could not be reached, {@code internal} otherwise.
     */
    static Reply failure(CommandId id, Throwable failure, String operation, String unavailableMessage) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof BrokerUnavailableException) {
            return error(id, ErrorCode.UNAVAILABLE, unavailableMessage);
        }
        // Converted to an internal-error reply; debug only, since a sick broker could fail every call.
        log.debug("{} failed", operation, cause);
        return error(id, ErrorCode.INTERNAL, "internal error");
    }
}
