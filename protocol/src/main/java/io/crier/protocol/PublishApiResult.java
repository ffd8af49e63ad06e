package io.crier.protocol;

import java.util.Objects;

/**
 * The outcome of one publication made through the HTTP publish API. Immutable; thread-safe.
 */
public sealed interface PublishApiResult {

    /**
     * Published. On a topic with history, {@code position} is the publication's offset and the topic's epoch;
     * on a topic without history it is {@code null} (the publication has no position).
     */
    record Published(Position position) implements PublishApiResult {
    }

    /**
     * Not published (or, for {@link PublishApiError#INTERNAL}, not known to be published).
     *
     * @param message a short, fixed English explanation
     */
    record Failed(PublishApiError error, String message) implements PublishApiResult {
        public Failed {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(message, "message");
        }
    }
}
