package io.crier.protocol;

import java.time.Instant;
import java.util.Objects;

/**
 * One action of the server API ({@code POST /api/v1/<action>}), as {@link FleetApiCodec} decodes it from a
 * backend's request, and as nodes pass it to each other on the control channel. Every action is idempotent.
 * Immutable; thread-safe.
 */
public sealed interface FleetAction {

    /** The action's name: the last path segment of its route and the {@code action} field of a batch entry. */
    String name();

    /**
     * Closes every session of {@code user} on every node with {@code close}: Crier's 4010 {@code disconnected} or 4510
     * {@code disconnected_final}, or an application code the backend chose ({@link Close#app}).
     */
    record Disconnect(String user, Close close) implements FleetAction {
        public Disconnect {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(close, "close");
        }

        /** A disconnect with Crier's own code: 4010 (reconnect) or 4510 (do not). */
        public Disconnect(String user, boolean reconnect) {
            this(user, (reconnect ? CloseCode.DISCONNECTED_RECONNECT : CloseCode.DISCONNECTED).close());
        }

        @Override
        public String name() {
            return "disconnect";
        }

        /** Whether the client is told to reconnect. */
        public boolean reconnect() {
            return close.reconnect();
        }
    }

    /** Takes every live session of {@code user} off {@code topic}. */
    record Unsubscribe(String user, String topic) implements FleetAction {
        public Unsubscribe {
            Objects.requireNonNull(user, "user");
            Topics.requireValid(topic);
        }

        @Override
        public String name() {
            return "unsubscribe";
        }
    }

    /** Subscribes every live session of {@code user} to {@code topic} (sessions opened later are not). */
    record Subscribe(String user, String topic) implements FleetAction {
        public Subscribe {
            Objects.requireNonNull(user, "user");
            Topics.requireValid(topic);
        }

        @Override
        public String name() {
            return "subscribe";
        }
    }

    /** Refuses the token with {@code jti} {@code tokenId} until {@code expiresAt} (its {@code exp}). */
    record Revoke(String tokenId, Instant expiresAt) implements FleetAction {
        public Revoke {
            Objects.requireNonNull(tokenId, "tokenId");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        @Override
        public String name() {
            return "revoke";
        }
    }

    /**
     * Refuses every token of {@code user} issued before {@code issuedBefore} ({@code null}: the time the node that
     * took the request reads on its clock).
     */
    record Invalidate(String user, Instant issuedBefore) implements FleetAction {
        public Invalidate {
            Objects.requireNonNull(user, "user");
        }

        @Override
        public String name() {
            return "invalidate";
        }
    }

    /** Closes every session of {@code user} and refuses new ones until {@code until}. */
    record Block(String user, Instant until) implements FleetAction {
        public Block {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(until, "until");
        }

        @Override
        public String name() {
            return "block";
        }
    }

    /** Ends a block of {@code user}. */
    record Unblock(String user) implements FleetAction {
        public Unblock {
            Objects.requireNonNull(user, "user");
        }

        @Override
        public String name() {
            return "unblock";
        }
    }

    /**
     * Who is on {@code topic}, across the fleet: its sessions (at most {@code presence.maxList}), or only the
     * counts.
     */
    record Presence(String topic, boolean countOnly) implements FleetAction {
        public Presence {
            Topics.requireValid(topic);
        }

        @Override
        public String name() {
            return "presence";
        }
    }

    /**
     * Up to {@code limit} stored publications of {@code topic} after {@code since} (from the oldest when
     * {@code null}), as the {@code history} command reads them (PROTOCOL.md §5.2).
     */
    record History(String topic, Position since, int limit) implements FleetAction {
        public History {
            Topics.requireValid(topic);
            if (limit < 1 || limit > Command.History.MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be 1.." + Command.History.MAX_LIMIT);
            }
        }

        @Override
        public String name() {
            return "history";
        }
    }

    /** The cluster view: the nodes that are up. */
    record Info() implements FleetAction {
        @Override
        public String name() {
            return "info";
        }
    }

    /**
     * An action that cannot be taken, with the reason; in a batch it fails alone.
     *
     * @param message a short, fixed English explanation (never echoes the request)
     */
    record Rejected(PublishApiError error, String message) implements FleetAction {
        public Rejected {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String name() {
            return "rejected";
        }
    }
}
