package io.crier.protocol;

import java.util.Objects;

/**
 * A push: an envelope the server sends without being asked, so it has no id.
 *
 * <p>All implementations are immutable and thread-safe.
 */
public sealed interface Push
        permits Push.Welcome, Push.Message, Push.Disconnect, Push.Heartbeat, Push.Expiring, Push.Join, Push.Leave,
        Push.Subscribed, Push.Unsubscribed {

    /**
     * {@code {"type":"welcome","session":"...","node":"...","user":"alice","heartbeat":25}}: sent once,
     * after authentication. {@code heartbeatSeconds} is the longest the server stays silent.
     */
    record Welcome(String session, String node, String user, int heartbeatSeconds) implements Push {
        public Welcome {
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(user, "user");
        }
    }

    /**
     * {@code {"type":"message","topic":"news","data":<value>}}: one publication on a subscribed topic. On a
     * topic with history it carries its position: {@code {"type":"message","topic":"news","offset":7,
     * "epoch":"abc","data":<value>}}.
     *
     * @param position the publication's offset and its topic's epoch, or {@code null} on a topic without history
     */
    record Message(String topic, RawJson data, Position position) implements Push {
        public Message {
            Topics.requireValid(topic);
            Objects.requireNonNull(data, "data");
        }

        /** A publication on a topic without history. */
        public Message(String topic, RawJson data) {
            this(topic, data, null);
        }
    }

    /**
     * {@code {"type":"join","topic":"chat:lobby","user":"alice","session":"n1-3"}}: a session subscribed to a
     * topic whose namespace has join/leave events on.
     *
     * @param user the user ({@code ""} for an anonymous session)
     */
    record Join(String topic, String user, String session) implements Push {
        public Join {
            Topics.requireValid(topic);
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(session, "session");
        }
    }

    /**
     * {@code {"type":"leave","topic":"chat:lobby","user":"alice","session":"n1-3"}}: a session left a topic
     * (unsubscribed, disconnected and did not come back within the leave grace, or its node died).
     *
     * @param user the user ({@code ""} for an anonymous session)
     */
    record Leave(String topic, String user, String session) implements Push {
        public Leave {
            Topics.requireValid(topic);
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(session, "session");
        }
    }

    /**
     * {@code {"type":"subscribed","topic":"orders:42"}}: the server subscribed the session to a topic (a
     * server-side subscription: the token's {@code topics}, a personal namespace's {@code autoSubscribe}, or the
     * server API), with no {@code subscribe} command. On a topic with history it carries the fields of a subscribe
     * {@code ok}: {@code {"type":"subscribed","topic":"news","recovered":true,"offset":7,"epoch":"abc"}}, and the
     * publications it recovered follow it.
     *
     * @param position the topic's position when the subscription began, or {@code null} on a topic without history
     */
    record Subscribed(String topic, boolean recovered, Position position) implements Push {
        public Subscribed {
            Topics.requireValid(topic);
        }

        /** A server-side subscription to a topic without history. */
        public Subscribed(String topic) {
            this(topic, false, null);
        }
    }

    /** {@code {"type":"unsubscribed","topic":"orders:42"}}: the server took the session off a topic. */
    record Unsubscribed(String topic) implements Push {
        public Unsubscribed {
            Topics.requireValid(topic);
        }
    }

    /**
     * {@code {"type":"disconnect","code":4000,"reason":"shutdown","reconnect":true}}: sent just before the
     * server closes the socket with the same code and reason: one of Crier's {@link CloseCode}s, or an application
     * code that the backend chose ({@link Close#app}). When {@code reconnectDelayMs} is above 0 the push ends
     * with {@code ,"reconnectDelayMs":1234}: a hint to wait that long before reconnecting, so that the
     * sessions of a draining node do not all reconnect at once.
     *
     * @param reconnectDelayMs the suggested reconnect delay in milliseconds; 0 means no hint
     */
    record Disconnect(Close close, long reconnectDelayMs) implements Push {
        public Disconnect {
            Objects.requireNonNull(close, "close");
            if (reconnectDelayMs < 0) {
                throw new IllegalArgumentException("reconnectDelayMs must not be negative: " + reconnectDelayMs);
            }
        }

        /** A disconnect with one of Crier's codes and a reconnect delay hint. */
        public Disconnect(CloseCode code, long reconnectDelayMs) {
            this(code.close(), reconnectDelayMs);
        }

        /** A disconnect with one of Crier's codes and no reconnect delay hint. */
        public Disconnect(CloseCode code) {
            this(code.close(), 0);
        }

        /** A disconnect with no reconnect delay hint. */
        public Disconnect(Close close) {
            this(close, 0);
        }
    }

    /**
     * {@code {"type":"expiring","in":42}}: the session's token expires in {@code inSeconds} seconds; the
     * client should send a {@code refresh} command with a new token before then. Lets clients react to
     * expiry without a clock of their own.
     */
    record Expiring(long inSeconds) implements Push {
        public Expiring {
            if (inSeconds < 0) {
                throw new IllegalArgumentException("inSeconds must not be negative: " + inSeconds);
            }
        }
    }

    /** {@code {"type":"heartbeat"}}: sent when the server has written nothing for a heartbeat interval. */
    record Heartbeat() implements Push {
    }
}
