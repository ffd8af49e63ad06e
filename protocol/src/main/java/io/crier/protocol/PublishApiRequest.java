package io.crier.protocol;

import java.util.List;
import java.util.Objects;

/**
 * A decoded HTTP publish API request body: one publication ({@code {"topic":..,"data":..}}), a batch
 * ({@code {"publications":[..]}}), or a body that cannot be served at all. Immutable; thread-safe.
 */
public sealed interface PublishApiRequest {

    /** The single form; its one publication may be {@link PublishApiItem.Rejected}. */
    record Single(PublishApiItem item) implements PublishApiRequest {
        public Single {
            Objects.requireNonNull(item, "item");
        }
    }

    /** The batch form: its publications in request order, each valid or rejected on its own. */
    record Batch(List<PublishApiItem> items) implements PublishApiRequest {
        public Batch {
            items = List.copyOf(items);
        }
    }

    /** A body that is answered with one error as a whole (bad JSON, a batch too large, ...). */
    record Invalid(PublishApiError error, String message) implements PublishApiRequest {
        public Invalid {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(message, "message");
        }
    }
}
