package io.crier.protocol;

import java.util.Objects;

/**
 * One publication of an HTTP publish API request, as decoded by {@link PublishApiCodec}: either valid, or
 * rejected with the reason (in a batch, a rejected publication fails alone). Immutable; thread-safe.
 */
public sealed interface PublishApiItem {

    /**
     * A valid publication.
     *
     * @param topic a valid topic name
     * @param data  the JSON value to publish, exactly as the request carried it
     */
    record Publication(String topic, RawJson data) implements PublishApiItem {
        public Publication {
            Topics.requireValid(topic);
            Objects.requireNonNull(data, "data");
        }
    }

    /**
     * A publication that cannot be made.
     *
     * @param error   why
     * @param message a short, fixed English explanation (never echoes the request)
     */
    record Rejected(PublishApiError error, String message) implements PublishApiItem {
        public Rejected {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(message, "message");
        }
    }
}
