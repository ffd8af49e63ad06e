package io.crier.protocol;

import java.util.Objects;

/**
 * One entry of the {@code UserStatusLog} (cluster module): {@code user} went {@code online} or {@code offline}.
 *
 * @param id        the entry's id in the log (a Redis Stream id {@code <ms>-<n>}), increasing
 * @param user      the user
 * @param type      what happened
 * @param seq       the transition's sequence number: increases with every transition of the same user (so a
 *                  consumer that meets a {@code (user, seq)} again drops it: delivery is at least once)
 * @param timestamp when the transition happened, in ms since the epoch (Redis' clock, or the node's alone)
 * @param node      the node whose session made the transition (for an offline: the user's last session's node)
 */
public record UserStatusEvent(String id, String user, Type type, long seq, long timestamp, String node) {

    public UserStatusEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(node, "node");
    }

    /** The two transitions of a user. */
    public enum Type {
        /** The user's first live session in the whole fleet began. */
        ONLINE,
        /** The user's last session ended (or its lease lapsed) and none came back within the grace. */
        OFFLINE;

        /** The type as written in the log: {@code online} or {@code offline}. */
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The type of {@code wire}, or {@code null} when it is neither. */
        public static Type ofWire(String wire) {
            return switch (wire) {
                case "online" -> ONLINE;
                case "offline" -> OFFLINE;
                default -> null;
            };
        }
    }
}
