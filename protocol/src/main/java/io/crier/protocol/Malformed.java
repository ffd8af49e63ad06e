package io.crier.protocol;

import java.util.Objects;

/**
 * An inbound frame that is not a valid command. {@code id} is the command's id when it could be read
 * (so that the error reply can echo it), otherwise {@code null}. {@link #toReply()} gives the error reply
 * to send; the session goes on.
 *
 * <p>Immutable and thread-safe.
 */
public record Malformed(CommandId id, ErrorCode code, String message) implements Inbound {

    public Malformed {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    /** The error reply that answers this frame. */
    public Reply.Error toReply() {
        return new Reply.Error(id, code, message);
    }
}
