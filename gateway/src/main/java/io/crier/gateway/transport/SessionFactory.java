package io.crier.gateway.transport;

import io.crier.gateway.auth.InvalidTokenException;
import io.crier.gateway.auth.User;
import io.crier.gateway.config.NamespaceOptions;
import io.crier.gateway.config.NamespacesConfig;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.permission.TopicPolicy;
import io.crier.gateway.session.Session;
import io.crier.gateway.session.SessionPolicy;
import io.crier.gateway.session.TokenLifetime;
import io.crier.protocol.Push;
import io.netty.channel.Channel;
import java.time.Clock;
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
    public record Opened(Session<ChannelSubscriber> session, Push.Welcome welcome) {
    }

    private final Hub<ChannelSubscriber> hub;
    private final String nodeId;
    private final SessionPolicy policy;
    private final int heartbeatSeconds;
    private final AtomicLong counter = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param policy what the sessions may do (permissions, topic limit, refresh, anonymous, expiry)
     */
    public SessionFactory(Hub<ChannelSubscriber> hub, String nodeId, SessionPolicy policy, Duration heartbeat) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.heartbeatSeconds = (int) Math.max(1, heartbeat.toSeconds());
    }

    /**
     * Sessions as before namespaces and refresh existed: claims only (every namespace takes client
     * publications, none is personal or anonymous), every {@code refresh} refused, expiry at the default
     * 60 s warning and 25 s grace. Kept for callers not yet given a {@link SessionPolicy}.
     */
    public SessionFactory(Hub<ChannelSubscriber> hub, String nodeId, int maxTopics, Duration heartbeat) {
        this(hub, nodeId, new SessionPolicy(maxTopics,
                new TopicPolicy(new NamespacesConfig(new NamespaceOptions(false, true, false))),
                token -> {
                    throw new InvalidTokenException("refresh is not configured");
                }, false,
                new TokenLifetime.Settings(Clock.systemUTC(), Duration.ofSeconds(60), Duration.ofSeconds(25))),
                heartbeat);
    }

    /** Opens the session of {@code user} on {@code channel}; {@link #closed()} must follow once. */
    public Opened open(User user, Channel channel) {
        String id = nodeId + "-" + Long.toString(counter.incrementAndGet(), 36);
        Session<ChannelSubscriber> session = new Session<>(id, user, new ChannelSubscriber(id, channel), hub, policy);
        open.incrementAndGet();
        return new Opened(session, new Push.Welcome(id, nodeId, user.id(), heartbeatSeconds));
    }

    /** Records that a session opened here has closed. */
    public void closed() {
        open.decrementAndGet();
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
