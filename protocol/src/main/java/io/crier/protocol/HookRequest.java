package io.crier.protocol;

import java.util.Objects;

/**
 * The body a node posts to a proxy hook ({@link HookCodec#encode}); PROTOCOL.md §16 pins each shape. {@code node}
 * is the asking node's id, {@code session} the session's id, {@code user} its user ({@code ""} when anonymous).
 *
 * <p>All implementations are immutable and thread-safe.
 */
public sealed interface HookRequest {

    /** Which hook this request is for. */
    HookKind kind();

    /** Checks the fields every request about a session carries. */
    private static void requireSession(String node, String session, String user) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(user, "user");
    }

    /** {@code {"node":"n1","data":<auth data>}}; {@code data} null leaves the field out. */
    record Connect(String node, RawJson data) implements HookRequest {
        public Connect {
            Objects.requireNonNull(node, "node");
        }

        @Override
        public HookKind kind() {
            return HookKind.CONNECT;
        }
    }

    /** {@code {"node":"n1","session":"n1-3","user":"42"}}. */
    record Refresh(String node, String session, String user) implements HookRequest {
        public Refresh {
            requireSession(node, session, user);
        }

        @Override
        public HookKind kind() {
            return HookKind.REFRESH;
        }
    }

    /** {@code {"node":"n1","session":"n1-3","user":"42","topic":"orders:42"}}. */
    record Subscribe(String node, String session, String user, String topic) implements HookRequest {
        public Subscribe {
            requireSession(node, session, user);
            Topics.requireValid(topic);
        }

        @Override
        public HookKind kind() {
            return HookKind.SUBSCRIBE;
        }
    }

    /** {@code {"node":"n1","session":"n1-3","user":"42","topic":"chat:lobby","data":<value>}}. */
    record Publish(String node, String session, String user, String topic, RawJson data) implements HookRequest {
        public Publish {
            requireSession(node, session, user);
            Topics.requireValid(topic);
            Objects.requireNonNull(data, "data");
        }

        @Override
        public HookKind kind() {
            return HookKind.PUBLISH;
        }
    }

    /** {@code {"node":"n1","session":"n1-3","user":"42","method":"orders:list","data":<value>}}, data optional. */
    record Rpc(String node, String session, String user, String method, RawJson data) implements HookRequest {
        public Rpc {
            requireSession(node, session, user);
            Topics.requireValid(method);
        }

        @Override
        public HookKind kind() {
            return HookKind.RPC;
        }
    }
}
