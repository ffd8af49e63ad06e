package io.crier.protocol;

import java.util.Objects;

/**
 * A command: an envelope a client sends to the server. Every command carries an {@link CommandId id},
 * which the server's {@link Reply} echoes. The wire shapes are pinned by PROTOCOL.md and by the golden
 * files in this module's tests.
 *
 * <p>All implementations are immutable and thread-safe.
 */
public sealed interface Command extends Inbound
        permits Command.Auth, Command.Refresh, Command.Subscribe, Command.Unsubscribe, Command.Publish,
        Command.Ping {

    /** The id the reply echoes. */
    CommandId id();

    /** The value of the {@code type} field on the wire. */
    String type();

    /**
     * {@code {"type":"auth","id":1,"token":"<JWT>"}}: authenticates the session; must be the first frame.
     * Without a {@code token} field ({@code token} is then {@code null}) it asks for an anonymous session,
     * which the server grants only when anonymous access is configured.
     */
    record Auth(CommandId id, String token) implements Command {
        public Auth {
            Objects.requireNonNull(id, "id");
        }

        /** Whether this asks for an anonymous session (no token was sent). */
        public boolean anonymous() {
            return token == null;
        }

        @Override
        public String type() {
            return "auth";
        }

        @Override
        public String toString() {
            // Never log a token.
            String shown = token == null ? "<none>" : "<" + token.length() + " chars>";
            return "Auth[id=" + id + ", token=" + shown + "]";
        }
    }

    /**
     * {@code {"type":"refresh","id":7,"token":"<JWT>"}}: replaces the token of an authenticated session
     * (for the same user) before the current one expires.
     */
    record Refresh(CommandId id, String token) implements Command {
        public Refresh {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String type() {
            return "refresh";
        }

        @Override
        public String toString() {
            // Never log a token.
            return "Refresh[id=" + id + ", token=<" + token.length() + " chars>]";
        }
    }

    /** {@code {"type":"subscribe","id":2,"topic":"news"}}. */
    record Subscribe(CommandId id, String topic) implements Command {
        public Subscribe {
            Objects.requireNonNull(id, "id");
            Topics.requireValid(topic);
        }

        @Override
        public String type() {
            return "subscribe";
        }
    }

    /** {@code {"type":"unsubscribe","id":3,"topic":"news"}}. */
    record Unsubscribe(CommandId id, String topic) implements Command {
        public Unsubscribe {
            Objects.requireNonNull(id, "id");
            Topics.requireValid(topic);
        }

        @Override
        public String type() {
            return "unsubscribe";
        }
    }

    /** {@code {"type":"publish","id":4,"topic":"chat:lobby","data":<any JSON value>}}. */
    record Publish(CommandId id, String topic, RawJson data) implements Command {
        public Publish {
            Objects.requireNonNull(id, "id");
            Topics.requireValid(topic);
            Objects.requireNonNull(data, "data");
        }

        @Override
        public String type() {
            return "publish";
        }
    }

    /** {@code {"type":"ping","id":5}}: answered with an {@code ok} reply. */
    record Ping(CommandId id) implements Command {
        public Ping {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public String type() {
            return "ping";
        }
    }
}
