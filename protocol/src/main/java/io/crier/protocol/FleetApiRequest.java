package io.crier.protocol;

import java.util.List;
import java.util.Objects;

/**
 * A decoded server API request body ({@code POST /api/v1/<action>}): one action, a batch
 * ({@code POST /api/v1/batch}), or a body that cannot be served at all. Immutable; thread-safe.
 */
public sealed interface FleetApiRequest {

    /** One action; it may be {@link FleetAction.Rejected}. */
    record Single(FleetAction action) implements FleetApiRequest {
        public Single {
            Objects.requireNonNull(action, "action");
        }
    }

    /** The batch form: its actions in request order, each valid or rejected on its own. */
    record Batch(List<FleetAction> actions) implements FleetApiRequest {
        public Batch {
            actions = List.copyOf(actions);
        }
    }

    /** A body that is answered with one error as a whole (bad JSON, a batch too large, an unknown action). */
    record Invalid(PublishApiError error, String message) implements FleetApiRequest {
        public Invalid {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(message, "message");
        }
    }
}
