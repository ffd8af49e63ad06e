/**
 * Sessions: the server state of one authenticated or anonymous connection and the handling of its
 * commands (permissions, topic limit, calls into the hub, token refresh), the {@code SessionPolicy} every
 * session of a node shares, and {@code TokenLifetime}, which decides when a token's {@code expiring} push
 * and its expiry disconnect happen; server-side subscriptions (at open, and from the server API), announced with
 * pushes through the transport's {@code PushChannel}. Plain Java with no Netty types. Each piece of a session's
 * state has one owner: its topic set and closed flag {@code SessionTopics}, its user and token timers
 * {@code SessionUser}, its pending activations {@code PendingActivations}; {@code Session} handles the commands and
 * {@code ServerSideTopics} the server-side subscriptions over them.
 *
 * <p>Depends on the hub, auth, permission, config, protocol and cluster packages. A session and its token
 * lifetime are confined to their connection's event loop (the transport runs the timers there); the stages
 * a session returns may complete on broker threads. The server-side subscribe and unsubscribe of a live session may
 * be called from any thread: they hop to the session's event loop through its {@code PushChannel}.
 */
package io.crier.gateway.session;
