package io.crier.protocol;

import java.util.Objects;

/**
 * A reply: the server's answer to one {@link Command}, echoing its id. An {@link Error} reply never
 * closes the socket.
 *
 * <p>All implementations are immutable and thread-safe.
 */
public sealed interface Reply permits Reply.Ok, Reply.Error {

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
}
