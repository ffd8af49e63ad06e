package io.crier.protocol;

import java.util.Objects;

/** The outcome of one server API action. Immutable; thread-safe. */
public sealed interface FleetApiResult {

    /**
     * Done: {@code sessions} live sessions were reached (closed, or subscribed, ...) on the {@code nodes} nodes
     * that answered within the API's fleet timeout.
     */
    record Reached(long sessions, int nodes) implements FleetApiResult {
        public Reached {
            if (sessions < 0 || nodes < 0) {
                throw new IllegalArgumentException("counts must not be negative");
            }
        }
    }

    /** Done, answered by a JSON object of its own (the cluster view of {@code info}), written as is. */
    record Body(RawJson json) implements FleetApiResult {
        public Body {
            Objects.requireNonNull(json, "json");
        }
    }

    /** Not done (or, for {@link PublishApiError#INTERNAL}, not known to be done). */
    record Failed(PublishApiError error, String message) implements FleetApiResult {
        public Failed {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(message, "message");
        }
    }
}
