package io.crier.gateway.transport;

import io.crier.gateway.auth.User;
import io.crier.gateway.limits.CommandRateLimiter;
import io.crier.gateway.limits.ConnectionLimiter.Lease;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.gateway.transport.ConnectionEvent.SessionOpened;
import io.crier.gateway.transport.ConnectionEvent.UpgradeCompleted;
import io.netty.channel.Channel;
import io.netty.util.Attribute;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * The one owner of a connection's phase and of the facts of its upgrade and authentication that more than one
 * handler needs, kept under the channel's attributes ({@link #of}). The phase moves one way, through named
 * transitions: {@link Phase#HANDSHAKING} → {@link #completeUpgrade} → {@link Phase#UPGRADED} →
 * {@link #openSession} → {@link Phase#AUTHENTICATED}; each returns the typed event that tells the pipeline
 * ({@link ConnectionEvent}). The handlers that learn a fact before then record it here: the handshake guard the
 * Bearer user ({@link #bearerVerified}), admission the connection's slots ({@link #admitted}), the auth phase a
 * refused token ({@link #tokenRefused}).
 *
 * <p>Thread-safety: transitions and the other writes run on the channel's event loop; the phase is volatile, so
 * that other threads (a drain, the {@link Disconnector}) may read {@link #isUpgraded()}; the closing reason is set
 * once, atomically, from any thread ({@link #claimClose}), and read by the fan-out for every delivery (a field of an
 * object the session already holds, where a channel attribute cost a search through the channel's attributes).
 */
final class Connection {

    /** Where a connection is in its life. */
    enum Phase {
        /** Plain HTTP: requests are answered, and an upgrade may be admitted. */
        HANDSHAKING,
        /** The WebSocket handshake completed: the channel speaks frames; no session yet. */
        UPGRADED,
        /** A session is open on the connection. */
        AUTHENTICATED
    }

    private static final AtomicReferenceFieldUpdater<Connection, String> CLOSING =
            AtomicReferenceFieldUpdater.newUpdater(Connection.class, String.class, "closingReason");

    private volatile Phase phase = Phase.HANDSHAKING;
    /** Why the server closes the connection; set once, from any thread ({@link #claimClose}). */
    private volatile String closingReason;
    private User bearerUser;
    private Lease lease;
    private boolean compressed;
    /** Whether {@code close-linger} is closing the connection (its state, kept here: the handler is shared). */
    private boolean lingering;
    /** The command bucket that {@code control-limits} and {@code command-limits} (shared handlers) spend. */
    private CommandRateLimiter commands;
    private long upgradedAtNanos;
    private String session;
    private String tokenError;
    private Map<String, String> forwardedHeaders = Map.of();

    private Connection() {
    }

    /** The connection of {@code channel}, made on first use. */
    static Connection of(Channel channel) {
        Attribute<Connection> attribute = channel.attr(ChannelAttributes.CONNECTION);
        Connection connection = attribute.get();
        if (connection != null) {
            return connection;
        }
        Connection fresh = new Connection();
        Connection raced = attribute.setIfAbsent(fresh);
        return raced == null ? fresh : raced;
    }

    /** Records {@code reason} as why the server closes this connection; false when a reason was recorded before. */
    boolean claimClose(String reason) {
        return CLOSING.compareAndSet(this, null, Objects.requireNonNull(reason, "reason"));
    }

    /** Why the server closes this connection, or null while it does not. */
    String closingReason() {
        return closingReason;
    }

    /** The upgrade request carried a valid {@code Authorization: Bearer} token for {@code user}. */
    void bearerVerified(User user) {
        requirePhase(Phase.HANDSHAKING);
        this.bearerUser = Objects.requireNonNull(user, "user");
    }

    /** The upgrade request carried {@code headers} of the {@code proxy.headers} allowlist (name → value). */
    void headersToForward(Map<String, String> headers) {
        requirePhase(Phase.HANDSHAKING);
        this.forwardedHeaders = Map.copyOf(headers);
    }

    /** The upgrade request's headers that proxy hook calls forward; empty when none. */
    Map<String, String> forwardedHeaders() {
        return forwardedHeaders;
    }

    /** The user of the upgrade request's Bearer token, until the upgrade hands it on; or {@code null}. */
    User bearerUser() {
        return bearerUser;
    }

    /** The connection was admitted and holds {@code lease} until {@link #closed()}. */
    void admitted(Lease lease) {
        if (this.lease != null) {
            throw new IllegalStateException("already admitted");
        }
        this.lease = Objects.requireNonNull(lease, "lease");
    }

    /**
     * The channel closed: gives the lease's slots back (a no-op without one, harmless when repeated). Called by
     * {@code telemetry}, the one handler that sees every connection's {@code channelInactive}, rather than by a
     * listener on the close future: one listener less per connection (with the listener list a second one needs).
     */
    void closed() {
        if (lease != null) {
            lease.release();
        }
    }

    /** Gives the connection its command bucket, as its pipeline is built. */
    void useCommandBucket(CommandRateLimiter bucket) {
        this.commands = Objects.requireNonNull(bucket, "bucket");
    }

    /** The connection's command bucket ({@link #useCommandBucket}); on the channel's event loop. */
    CommandRateLimiter commandBucket() {
        return commands;
    }

    /** Whether {@code close-linger} has begun closing the connection ({@link #startLingering}). */
    boolean lingering() {
        return lingering;
    }

    /** {@code close-linger} begins closing the connection: it discards what the client still sends from now on. */
    void startLingering() {
        lingering = true;
    }

    /** Whether the connection holds slots in the node's connection limits. */
    boolean isAdmitted() {
        return lease != null;
    }

    /** The client IP address the connection was admitted for (its lease's), or {@code null} before admission. */
    String admittedIp() {
        return lease == null ? null : lease.ip();
    }

    /**
     * Counts the connection against {@code user}. A connection without a lease (not admitted by the
     * {@code admission} handler) and an anonymous user are not limited.
     *
     * @return whether the connection may stay open ({@code false}: the user is at its connection limit)
     */
    boolean bindUser(User user) {
        return lease == null || user.isAnonymous() || lease.bindUser(user.id());
    }

    /**
     * Attaches {@code session} to the connection's lease, where the node's connection limiter lists it by user for
     * the server API. A connection without a lease, or of an anonymous user, is not listed.
     */
    void attach(ChannelLiveSession session) {
        if (lease != null) {
            lease.attach(session);
        }
    }

    /**
     * The WebSocket handshake completed, with permessage-deflate negotiated or not: the connection speaks frames.
     * Hands the Bearer user on in the returned event, which the caller fires from the pipeline's head.
     */
    UpgradeCompleted completeUpgrade(boolean deflate) {
        requirePhase(Phase.HANDSHAKING);
        UpgradeCompleted completed = new UpgradeCompleted(bearerUser, deflate);
        bearerUser = null;
        compressed = deflate;
        upgradedAtNanos = System.nanoTime();
        phase = Phase.UPGRADED;
        return completed;
    }

    /**
     * {@code sessionId} opened for {@code user} (its id, empty when anonymous). Returns the event that the caller
     * fires from the pipeline's head.
     */
    SessionOpened openSession(String sessionId, User user) {
        requirePhase(Phase.UPGRADED);
        session = Objects.requireNonNull(sessionId, "sessionId");
        phase = Phase.AUTHENTICATED;
        return new SessionOpened(sessionId, user.id().isEmpty() ? "anonymous" : user.id());
    }

    /**
     * The {@code auth} token was refused, for {@code reason} (a {@link MeterCatalog#AUTH_FAILURES} reason, never token
     * content).
     */
    void tokenRefused(String reason) {
        tokenError = Objects.requireNonNull(reason, "reason");
    }

    /** Whether the WebSocket handshake completed: from then on the channel speaks frames. */
    boolean isUpgraded() {
        return phase != Phase.HANDSHAKING;
    }

    /** Whether the upgrade negotiated permessage-deflate. */
    boolean compressed() {
        return compressed;
    }

    /** When the upgrade completed, in {@link System#nanoTime()}; meaningful once {@link #isUpgraded()}. */
    long upgradedAtNanos() {
        return upgradedAtNanos;
    }

    /** The id of the session open on the connection, or {@code null} before one opened. */
    String session() {
        return session;
    }

    /** Why the {@code auth} token was refused, or {@code null} when none was. */
    String tokenError() {
        return tokenError;
    }

    private void requirePhase(Phase expected) {
        if (phase != expected) {
            throw new IllegalStateException("connection is " + phase + ", not " + expected);
        }
    }
}
