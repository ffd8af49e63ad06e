package io.crier.gateway.session;

import io.crier.gateway.auth.User;
import io.crier.protocol.Command;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers a session's {@code presence} command: presence tracking implements it, {@link Session} delegates
 * to it. Implementations are thread-safe; the stage never completes exceptionally.
 */
@FunctionalInterface
public interface PresenceResponder {

    /** Answers every command with {@code not_available}: the default while presence is not wired. */
    PresenceResponder NONE = (user, command) -> CompletableFuture.completedFuture(
            new Reply.Error(command.id(), ErrorCode.NOT_AVAILABLE, "presence is not available"));

    /** The reply to {@code command} from a session of {@code user}. */
    CompletionStage<Reply> answer(User user, Command.Presence command);
}
