package io.crier.gateway.transport;

import io.crier.gateway.auth.User;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.proxy.ProxyHooks;
import io.crier.gateway.session.PresenceResponder;
import io.crier.gateway.session.Session;
import io.crier.gateway.session.SessionListener;
import io.crier.gateway.session.SessionPolicy;
import io.crier.gateway.session.TopicListener;
import io.crier.protocol.Push;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens the domain {@link Session} of a newly authenticated connection: gives it a node-unique id
 * ({@code <node id>-<counter in base 36>}), its {@link ChannelSubscriber}, and the {@code welcome} push to
 * send. Keeps the count of open sessions. One instance per node; thread-safe.
 */
public final class SessionFactory {

    /** A session just opened, and the {@code welcome} push that announces it. */
    public record Opened(Session session, Push.Welcome welcome) {
    }

    private final Hub hub;
    private final String nodeId;
    private final SessionPolicy policy;
    private final int heartbeatSeconds;
    private final TopicListener presenceTracker;
    private final PresenceResponder presenceQuery;
    private final SessionListener lifecycle;
    private final AtomicLong counter = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    private volatile ProxyHooks hooks = ProxyHooks.OFF;

    /**
     * @param policy          what the sessions may do (permissions, topic limit, refresh, anonymous, expiry)
     * @param presenceTracker hears each session's subscribes and unsubscribes (presence, join/leave)
     * @param presenceQuery   answers each session's {@code presence} commands
     * @param lifecycle       hears each session open and close (online/offline events)
     */
    public SessionFactory(Hub hub, String nodeId, SessionPolicy policy, Duration heartbeat,
                          TopicListener presenceTracker, PresenceResponder presenceQuery, SessionListener lifecycle) {
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
        this.presenceTracker = Objects.requireNonNull(presenceTracker, "presenceTracker");
        this.presenceQuery = Objects.requireNonNull(presenceQuery, "presenceQuery");
        this.hub = Objects.requireNonNull(hub, "hub");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.heartbeatSeconds = (int) Math.max(1, heartbeat.toSeconds());
    }

    /**
     * Opens the session of {@code user} on {@code channel}; {@link #closed(Session)} must follow once, on the channel's
     * event loop, when the channel closes (the session's {@link SessionHandler} does it).
     */
    public Opened open(User user, Channel channel) {
        String id = nodeId + "-" + Long.toString(counter.incrementAndGet(), 36);
        ChannelSubscriber subscriber = new ChannelSubscriber(id, channel);
        Session session = new Session(id, user, subscriber, hub, policy);
        session.trackPresence(presenceTracker, presenceQuery);
        session.sendPushesTo(subscriber);
        open.incrementAndGet();
        lifecycle.opened(session);
        return new Opened(session, new Push.Welcome(id, nodeId, user.id(), heartbeatSeconds));
    }

    /** Lets the sessions opened from now on, and the auth phase, ask the backend through {@code proxyHooks}. */
    public void useHooks(ProxyHooks proxyHooks) {
        this.hooks = Objects.requireNonNull(proxyHooks, "proxyHooks");
    }

    /** The node's proxy hooks ({@link ProxyHooks#OFF} when none is configured). */
    public ProxyHooks hooks() {
        return hooks;
    }

    /**
     * Records that {@code session}, opened here, has closed, and tells the lifecycle listener. Called by the session's
     * handler rather than by a listener on the channel's close future: one less listener (and its list) per
     * connection.
     */
    public void closed(Session session) {
        open.decrementAndGet();
        lifecycle.closed(session);
    }

    /** The number of open sessions on this node. */
    public int openSessions() {
        return open.get();
    }

    /** What the sessions of this node may do. */
    public SessionPolicy policy() {
        return policy;
    }

    /** This node's id. */
    public String nodeId() {
        return nodeId;
    }
}
