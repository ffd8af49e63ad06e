package io.crier.protocol;

import java.util.List;
import java.util.Objects;

/**
 * A reply: the server's answer to one {@link Command}, echoing its id. Every reply but {@link Error} encodes
 * with {@code "type":"ok"}; the extra fields tell which command it answers. An {@link Error} reply never
 * closes the socket.
 *
 * <p>All implementations are immutable and thread-safe.
 */
public sealed interface Reply
        permits Reply.Ok, Reply.Error, Reply.Subscribed, Reply.HistoryPage, Reply.PresenceList,
        Reply.PresenceCount, Reply.RpcResult, Reply.Refused {

    /** The echoed command id; {@code null} only on an error reply to a frame whose id was unreadable. */
    CommandId id();

    /** {@code {"type":"ok","id":2}}. */
    record Ok(CommandId id) implements Reply {
        public Ok {
            Objects.requireNonNull(id, "id");
        }
    }

    /** {@code {"type":"error","id":2,"code":"forbidden","message":"..."}}; the id is omitted when null. */
    record Error(CommandId id, ErrorCode code, String message) implements Reply {
        public Error {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * {@code {"type":"ok","id":2,"recovered":true,"offset":7,"epoch":"abc"}}: the answer to a subscribe to a
     * topic with history (a topic without history gets a plain {@link Ok}). {@code recovered} is
     * {@code true} when the session asked for recovery and every publication it missed follows, in order;
     * {@code false} when it did not ask, or when what it missed is lost (the epoch changed, or the gap is older
     * than the history keeps or longer than the server replays): the client must then reload its state.
     *
     * @param position the topic's position when the subscription began: the client has seen every publication
     *                 up to it once the replayed ones (if any) have arrived
     */
    record Subscribed(CommandId id, boolean recovered, Position position) implements Reply {
        public Subscribed {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(position, "position");
        }
    }

    /**
     * {@code {"type":"ok","id":3,"offset":9,"epoch":"abc","complete":true,"publications":[{"offset":6,
     * "data":<value>},...]}}: the answer to a {@code history} command.
     *
     * @param position     the topic's current position
     * @param complete     whether every publication after the requested position (up to the last one returned,
     *                     or up to {@code position} when fewer than the limit came back) was still stored
     * @param publications the publications read, oldest first
     */
    record HistoryPage(CommandId id, Position position, boolean complete, List<HistoryItem> publications)
            implements Reply {
        public HistoryPage {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(position, "position");
            publications = List.copyOf(publications);
        }
    }

    /** {@code {"type":"ok","id":4,"presence":[{"user":"alice","session":"n1-3","info":{...}},...]}}. */
    record PresenceList(CommandId id, List<PresenceItem> presence) implements Reply {
        public PresenceList {
            Objects.requireNonNull(id, "id");
            presence = List.copyOf(presence);
        }
    }

    /** {@code {"type":"ok","id":4,"sessions":3,"users":2}}: the answer to a count-only {@code presence}. */
    record PresenceCount(CommandId id, int sessions, int users) implements Reply {
        public PresenceCount {
            Objects.requireNonNull(id, "id");
            if (sessions < 0 || users < 0) {
                throw new IllegalArgumentException("counts must not be negative, got " + sessions + " and " + users);
            }
        }
    }

    /**
     * {@code {"type":"ok","id":6,"data":<value>}}: the answer to an {@code rpc} command, {@code data} being the
     * backend's, written as-is; without {@code data} when the backend sent none ({@code data} null).
     */
    record RpcResult(CommandId id, RawJson data) implements Reply {
        public RpcResult {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * {@code {"type":"error","id":6,"code":"refused","appCode":1001,"message":"..."}}: the backend's proxy hook
     * refused the command, with its own application code (400..1999) and message. Never closes the socket.
     */
    record Refused(CommandId id, int appCode, String message) implements Reply {
        public Refused {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(message, "message");
        }
    }

    /** One publication of a {@link HistoryPage}: {@code {"offset":6,"data":<value>}}, data written as-is. */
    record HistoryItem(long offset, RawJson data) {
        public HistoryItem {
            Objects.requireNonNull(data, "data");
            if (offset < 1) {
                throw new IllegalArgumentException("a publication's offset is at least 1, got " + offset);
            }
        }
    }

    /**
     * One session of a {@link PresenceList}: {@code {"user":"alice","session":"n1-3","info":<value>}}.
     *
     * @param user    the user ({@code ""} for an anonymous session)
     * @param session the session id
     * @param info    info from the token's claims, written as-is; {@code null} omits the field
     */
    record PresenceItem(String user, String session, RawJson info) {
        public PresenceItem {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(session, "session");
        }
    }
}
