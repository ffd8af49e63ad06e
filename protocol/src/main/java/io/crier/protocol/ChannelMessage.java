package io.crier.protocol;

import java.util.Objects;

/**
 * What one broker payload (the message of a topic's Redis channel) carries: a {@link Publication}, or a
 * {@link PresenceEvent} that a node sends when one of its sessions joins or leaves a topic. Decoded by
 * {@link PublicationCodec#decode(byte[])}.
 *
 * <p>All implementations are immutable and thread-safe.
 */
public sealed interface ChannelMessage permits ChannelMessage.Publication, ChannelMessage.PresenceEvent {

    /**
     * {@code {"data":<value>}} on a topic without history, or {@code {"offset":7,"epoch":"abc","data":<value>}}
     * on a topic with history.
     *
     * @param data     the publication's data, as the exact bytes the publisher wrote
     * @param position its offset and its topic's epoch, or {@code null} when the payload has none
     */
    record Publication(RawJson data, Position position) implements ChannelMessage {
        public Publication {
            Objects.requireNonNull(data, "data");
        }
    }

    /**
     * {@code {"join":{"user":"alice","session":"n1-3"}}} or {@code {"leave":{...}}}.
     *
     * @param join    {@code true} for a join, {@code false} for a leave
     * @param user    the user ({@code ""} for an anonymous session)
     * @param session the session id
     */
    record PresenceEvent(boolean join, String user, String session) implements ChannelMessage {
        public PresenceEvent {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(session, "session");
        }
    }
}
