package io.crier.protocol;

import java.util.Objects;

/**
 * A push: an envelope the server sends without being asked, so it has no id.
 *
 * <p>All implementations are immutable and thread-safe.
 */
public sealed interface Push permits Push.Welcome, Push.Message, Push.Disconnect, Push.Heartbeat {

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

    /** {@code {"type":"message","topic":"news","data":<value>}}: one publication on a subscribed topic. */
    record Message(String topic, RawJson data) implements Push {
        public Message {
            Topics.requireValid(topic);
            Objects.requireNonNull(data, "data");
        }
    }

    /**
     * {@code {"type":"disconnect","code":4000,"reason":"shutdown","reconnect":true}}: sent just before the
     * server closes the socket with the same code.
     */
    record Disconnect(CloseCode code) implements Push {
        public Disconnect {
            Objects.requireNonNull(code, "code");
        }
    }

    /** {@code {"type":"heartbeat"}}: sent when the server has written nothing for a heartbeat interval. */
    record Heartbeat() implements Push {
    }
}
