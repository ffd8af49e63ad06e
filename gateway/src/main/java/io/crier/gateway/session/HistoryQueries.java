package io.crier.gateway.session;

import io.crier.gateway.auth.User;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.permission.TopicPolicy;
import io.crier.gateway.permission.Verdict;
import io.crier.protocol.Command;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.Reply;
import java.util.concurrent.CompletionStage;

/**
 * Answers the {@code history} command. Reading history is reading the topic, so the user needs the subscribe
 * permission ({@code forbidden} otherwise); a topic whose namespace keeps no history answers
 * {@code not_available}; one that keeps history but does not allow the command ({@code historyCommand} false)
 * answers {@code forbidden}. Then the page of {@link Hub#history}, or {@code unavailable} when the store cannot
 * be reached. Stateless (one per node would still be one object per session: the session passes what it needs);
 * thread-safe.
 */
final class HistoryQueries {

    private HistoryQueries() {
    }

    /** The reply to {@code command} of {@code user}, through {@code hub}, as {@code topics} allows. */
    static CompletionStage<Reply> answer(Hub hub, TopicPolicy topics, User user, Command.History command) {
        String topic = command.topic();
        Verdict verdict = topics.subscribe(user, topic);
        if (!verdict.allowed()) {
            return done(command, ErrorCode.FORBIDDEN, "history refused: " + verdict.message());
        }
        if (!hub.hasHistory(topic)) {
            return done(command, ErrorCode.NOT_AVAILABLE, "this topic keeps no history");
        }
        if (!hub.historyCommandAllowed(topic)) {
            return done(command, ErrorCode.FORBIDDEN, "the history command is not allowed on this topic");
        }
        return hub.history(command.id(), topic, command.since(), command.limit())
                .handle((page, failure) -> failure == null ? page
                        : Replies.failure(command.id(), failure, "history read", "history unavailable, retry later"));
    }

    private static CompletionStage<Reply> done(Command.History command, ErrorCode code, String message) {
        return Replies.done(Replies.error(command.id(), code, message));
    }
}
