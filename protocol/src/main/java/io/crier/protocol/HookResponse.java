package io.crier.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a proxy hook's backend answered ({@link HookCodec#decode}): exactly one of {@code result}, {@code error} and
 * {@code disconnect}, or {@link Invalid} for a body that breaks the contract of PROTOCOL.md §16.
 *
 * <p>All implementations are immutable and thread-safe.
 */
public sealed interface HookResponse {

    /** The smallest application error code a backend may send. */
    int MIN_APP_CODE = 400;
    /** The largest application error code a backend may send. */
    int MAX_APP_CODE = 1999;
    /** The longest error message a backend may send, in characters. */
    int MAX_MESSAGE_LENGTH = 200;
    /** The longest disconnect reason a backend may send, in UTF-8 bytes (a close frame's reason is short). */
    int MAX_REASON_BYTES = 32;

    /**
     * {@code {"result":{...}}}: the backend lets the command through. Fields that the hook does not use are null or
     * empty.
     *
     * @param user      connect: the user's id (required there)
     * @param expireAt  connect (optional: no expiry when absent) and refresh (required): the session's new expiry
     * @param info      connect: the user's info, shown in presence; null when absent
     * @param topics    connect: the server-side subscriptions
     * @param subscribe connect: topic patterns the user may subscribe to, as the token claim of that name
     * @param publish   connect: topic patterns the user may publish to, as the token claim of that name
     * @param data      publish: the data that replaces the client's; rpc: the reply's data; null when absent
     */
    record Result(String user, Instant expireAt, RawJson info, List<String> topics, List<String> subscribe,
                  List<String> publish, RawJson data) implements HookResponse {
        public Result {
            topics = List.copyOf(topics);
            subscribe = List.copyOf(subscribe);
            publish = List.copyOf(publish);
        }
    }

    /** {@code {"error":{"code":1001,"message":"..."}}}: the backend refuses the command. */
    record Error(int code, String message) implements HookResponse {
        public Error {
            Objects.requireNonNull(message, "message");
            if (code < MIN_APP_CODE || code > MAX_APP_CODE) {
                throw new IllegalArgumentException("an application code is " + MIN_APP_CODE + ".." + MAX_APP_CODE);
            }
        }
    }

    /**
     * {@code {"disconnect":{"code":4500,"reason":"..."}}}: the backend wants the session closed. An application code
     * (4100-4499, 4600-4999, {@link Close#app}) comes with a reason of {@code [a-z0-9_]}, and reaches the client.
     */
    record Disconnect(int code, String reason) implements HookResponse {
        public Disconnect {
            Objects.requireNonNull(reason, "reason");
            if (code < 4000 || code > 4999) {
                throw new IllegalArgumentException("a disconnect code is 4000..4999");
            }
            if (Close.isAppCode(code) && !Close.isAppReason(reason)) {
                throw new IllegalArgumentException("an application close reason is [a-z0-9_]{1,32}");
            }
        }

        /** Whether the client should come back (4000-4499). */
        public boolean reconnect() {
            return code < 4500;
        }

        /**
         * How the session is closed: an application code passes through with its reason; a code in Crier's own
         * ranges (4000-4099, 4500-4599) becomes {@link CloseCode#BACKEND_DISCONNECT} (reconnect) or
         * {@link CloseCode#BACKEND_REFUSED} (final), so that a backend cannot pass for Crier.
         */
        public Close close() {
            if (Close.isAppCode(code)) {
                return Close.app(code, reason);
            }
            return (reconnect() ? CloseCode.BACKEND_DISCONNECT : CloseCode.BACKEND_REFUSED).close();
        }
    }

    /**
     * The body breaks the contract; {@code problem} says how, in fixed words (never the body's content), for the
     * node's log.
     */
    record Invalid(String problem) implements HookResponse {
        public Invalid {
            Objects.requireNonNull(problem, "problem");
        }
    }
}
