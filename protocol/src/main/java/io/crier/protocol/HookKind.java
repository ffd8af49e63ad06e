package io.crier.protocol;

/**
 * The proxy hooks: the HTTP calls a node makes to the backend before it lets a connection, a subscription, a
 * publication, a token renewal or an {@code rpc} command through. Each has its request and response body in
 * PROTOCOL.md §16 ({@link HookCodec}). Immutable; thread-safe.
 */
public enum HookKind {
    /** An {@code auth} command without a token: who is this client? */
    CONNECT("connect"),
    /** A connect-hook session whose expiry nears: may it stay, and until when? */
    REFRESH("refresh"),
    /** A {@code subscribe} command to a topic of a namespace with the hook on. */
    SUBSCRIBE("subscribe"),
    /** A {@code publish} command to a topic of a namespace with the hook on; the backend may replace the data. */
    PUBLISH("publish"),
    /** An {@code rpc} command: the backend answers it. */
    RPC("rpc");

    private final String tag;

    HookKind(String tag) {
        this.tag = tag;
    }

    /** The hook's name: in configuration keys, meter tags and PROTOCOL.md. */
    public String tag() {
        return tag;
    }
}
