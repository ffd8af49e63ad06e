package io.crier.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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
        Command.Ping, Command.History, Command.Presence, Command.Rpc {

    /** The id the reply echoes. */
    CommandId id();

    /** The value of the {@code type} field on the wire. */
    String type();

    /**
     * {@code {"type":"auth","id":1,"token":"<JWT>"}}: authenticates the session; must be the first frame.
     * Without a {@code token} field ({@code token} is then {@code null}) it asks for an anonymous session,
     * which the server grants only when anonymous access is configured, or lets the backend's connect hook decide
     * when one is configured. {@code since} maps topics to the last position the client saw on them: the
     * server-side subscriptions among them recover from there. An optional {@code "data":<any JSON>} is forwarded
     * to the connect hook.
     *
     * @param since at most {@value #MAX_SINCE_TOPICS} topics, each with a position; empty when the field is absent
     * @param data  the {@code data} value, or {@code null} when absent
     */
    record Auth(CommandId id, String token, Map<String, Position> since, RawJson data) implements Command {

        /** The most topics one {@code since} map may name. */
        public static final int MAX_SINCE_TOPICS = 1024;

        public Auth {
            Objects.requireNonNull(id, "id");
            since = since == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(since));
            if (since.size() > MAX_SINCE_TOPICS) {
                throw new IllegalArgumentException("since names more than " + MAX_SINCE_TOPICS + " topics");
            }
            since.forEach((topic, position) -> {
                Topics.requireValid(topic);
                Objects.requireNonNull(position, "position");
            });
        }

        /** An auth with no {@code since} map and no {@code data}. */
        public Auth(CommandId id, String token) {
            this(id, token, Map.of(), null);
        }

        /** An auth with a {@code since} map and no {@code data}. */
        public Auth(CommandId id, String token, Map<String, Position> since) {
            this(id, token, since, null);
        }

        /** An auth with {@code data} and no {@code since} map. */
        public Auth(CommandId id, String token, RawJson data) {
            this(id, token, Map.of(), data);
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
            return "Auth[id=" + id + ", token=" + shown + (since.isEmpty() ? "" : ", since=" + since.size() + " topics")
                    + (data == null ? "" : ", data=<" + data.length() + " bytes>") + "]";
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

    /**
     * {@code {"type":"subscribe","id":2,"topic":"news"}}, optionally with
     * {@code "since":{"offset":5,"epoch":"abc"}}: the position of the last publication the client saw, asking
     * the server to replay what it missed (recovery) before continuing live.
     *
     * @param since the client's last position, or {@code null} for a plain subscribe
     */
    record Subscribe(CommandId id, String topic, Position since) implements Command {
        public Subscribe {
            Objects.requireNonNull(id, "id");
            Topics.requireValid(topic);
        }

        /** A plain subscribe, with no recovery. */
        public Subscribe(CommandId id, String topic) {
            this(id, topic, null);
        }

        /** Whether the client asked for recovery ({@code since} was sent). */
        public boolean recovering() {
            return since != null;
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

    /**
     * {@code {"type":"history","id":3,"topic":"news","since":{"offset":5,"epoch":"abc"},"limit":50}}: reads up
     * to {@code limit} stored publications after {@code since}, oldest first. Answered with
     * {@link Reply.HistoryPage}.
     *
     * @param since the position to read after, or {@code null} to read from the oldest stored publication
     * @param limit the most publications returned, {@code 1..}{@value #MAX_LIMIT}; {@value #DEFAULT_LIMIT}
     *              when the field is absent
     */
    record History(CommandId id, String topic, Position since, int limit) implements Command {

        /** The limit when the command has none. */
        public static final int DEFAULT_LIMIT = 100;
        /** The largest limit a client may ask for. */
        public static final int MAX_LIMIT = 1000;

        public History {
            Objects.requireNonNull(id, "id");
            Topics.requireValid(topic);
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
            }
        }

        /** The offset to read after: that of {@code since}, or 0 (from the oldest stored). */
        public long afterOffset() {
            return since == null ? 0 : since.offset();
        }

        @Override
        public String type() {
            return "history";
        }
    }

    /**
     * {@code {"type":"presence","id":4,"topic":"chat:lobby"}}: who is subscribed to the topic across the
     * cluster, answered with {@link Reply.PresenceList}; with {@code "countOnly":true}, only how many, answered
     * with {@link Reply.PresenceCount}.
     */
    record Presence(CommandId id, String topic, boolean countOnly) implements Command {
        public Presence {
            Objects.requireNonNull(id, "id");
            Topics.requireValid(topic);
        }

        @Override
        public String type() {
            return "presence";
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

    /**
     * {@code {"type":"rpc","id":6,"method":"orders:list","data":<any JSON>}}: a request the backend's rpc hook
     * answers ({@link Reply.RpcResult}). The method follows the topic rules, and its namespace (the part before
     * the first {@code :}) chooses the hook, as a topic's does.
     *
     * @param data the {@code data} value, or {@code null} when absent
     */
    record Rpc(CommandId id, String method, RawJson data) implements Command {
        public Rpc {
            Objects.requireNonNull(id, "id");
            Topics.requireValid(method);
        }

        @Override
        public String type() {
            return "rpc";
        }
    }
}
