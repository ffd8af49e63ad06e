package io.crier.gateway.logging;

import io.crier.gateway.metrics.MeterCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One INFO line per connection lifecycle event, on the logger {@code io.crier.connections}: {@code connected}
 * (the WebSocket upgrade completed), {@code authenticated} (a session opened), {@code disconnected} (with
 * the close reason, why the token was refused when it was, and how long the connection lived), {@code refused}
 * (an upgrade refused for its {@code Authorization: Bearer} token) and {@code refresh refused} (a session's
 * {@code refresh} token refused; the session goes on). A refused token is named by its reason only
 * ({@code expired}, {@code bad_signature}...: the tags of {@link MeterCatalog#AUTH_FAILURES}, and {@code other_user}
 * for a refresh to another user's token), never by any of its content. The session id goes in the MDC key
 * {@value #SESSION} around each line, since event loops carry no MDC of their own.
 *
 * <p>A connection is named by its short id: the methods take an object whose {@code toString()} is that id (Netty's
 * {@code ChannelId}), so that a line the bucket drops costs no text.
 *
 * <p>Bounded: a token bucket lets through {@code linesPerSecond} lines a second with bursts of
 * {@code burst}; lines over it are only counted ({@link MeterCatalog#LOG_LIFECYCLE_SUPPRESSED}), and the next line
 * let through is preceded by one saying how many were left out. A flood of connections, of bad tokens or of
 * refused refreshes therefore costs a bounded number of log lines. Other refusals before the upgrade (origin,
 * limits, draining) are not logged here: they are counted.
 *
 * <p>Thread-safe: called from every event loop.
 */
public final class ConnectionLog {

    /** The MDC key of the session id. */
    public static final String SESSION = "session";

    private static final Logger log = LoggerFactory.getLogger("io.crier.connections");

    private final Counter suppressed;
    private final LongSupplier nanoTime;
    private final double linesPerNano;
    private final double burst;
    private double tokens;
    private long refilledAt;
    private long leftOut;

    /**
     * @param linesPerSecond lines let through per second, on average
     * @param burst          lines let through at once after a quiet time
     * @param nanoTime       the clock of the bucket ({@code System::nanoTime})
     */
    public ConnectionLog(MeterRegistry meters, int linesPerSecond, int burst, LongSupplier nanoTime) {
        if (linesPerSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("linesPerSecond and burst must be at least 1");
        }
        this.suppressed = MeterCatalog.LOG_LIFECYCLE_SUPPRESSED.counter(meters);
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.linesPerNano = linesPerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.refilledAt = nanoTime.getAsLong();
    }

    /**
     * A connection (its short id) from {@code client} (an IP address: the one a trusted load balancer's PROXY
     * header gave, else the TCP peer's) completed the WebSocket upgrade.
     */
    public void connected(Object connection, String client) {
        if (admit()) {
            log.info("connected conn={} client={}", connection, client);
        }
    }

    /** {@code session} opened on {@code connection} for {@code user} ({@code anonymous} for no user). */
    public void authenticated(Object connection, String session, String user) {
        if (admit()) {
            withSession(session, () -> log.info("authenticated conn={} session={} user={}", connection, session,
                    user));
        }
    }

    /**
     * An upgraded connection closed.
     *
     * @param session    its session id, or {@code null} when it never authenticated
     * @param reason     the server's close reason ({@code slow_consumer}...), or {@code peer_closed}
     * @param tokenError why its {@code auth} token was refused ({@code expired}, {@code bad_signature}...), or
     *                   {@code null} when none was
     * @param durationMs from the upgrade to the close
     */
    public void disconnected(Object connection, String session, String reason, String tokenError,
                             long durationMs) {
        if (!admit()) {
            return;
        }
        String sessionId = session == null ? "-" : session;
        if (tokenError == null) {
            withSession(session, () -> log.info("disconnected conn={} session={} reason={} durationMs={}",
                    connection, sessionId, reason, durationMs));
        } else {
            withSession(session, () -> log.info("disconnected conn={} session={} reason={} tokenError={} durationMs={}",
                    connection, sessionId, reason, tokenError, durationMs));
        }
    }

    /**
     * An upgrade request from {@code client} was refused (HTTP {@code status}) because of its
     * {@code Authorization: Bearer} token, for {@code tokenError} ({@code expired}, {@code bad_signature}...).
     */
    public void refused(Object connection, String client, int status, String tokenError) {
        if (admit()) {
            log.info("refused conn={} client={} status={} tokenError={}", connection, client, status, tokenError);
        }
    }

    /** {@code session} sent a {@code refresh} whose token was refused, for {@code tokenError}; it keeps its token. */
    public void refreshRefused(Object connection, String session, String tokenError) {
        if (admit()) {
            withSession(session, () -> log.info("refresh refused conn={} session={} tokenError={}", connection,
                    session, tokenError));
        }
    }

    private static void withSession(String session, Runnable line) {
        if (session == null) {
            line.run();
            return;
        }
        MDC.put(SESSION, session);
        try {
            line.run();
        } finally {
            MDC.remove(SESSION);
        }
    }

    /** Takes a token; logs how many lines were left out before this one, if any. */
    private boolean admit() {
        if (!log.isInfoEnabled()) {
            return false;
        }
        long skipped;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            tokens = Math.min(burst, tokens + (now - refilledAt) * linesPerNano);
            refilledAt = now;
            if (tokens < 1) {
                leftOut++;
                suppressed.increment();
                return false;
            }
            tokens -= 1;
            skipped = leftOut;
            leftOut = 0;
        }
        if (skipped > 0) {
            log.info("{} connection lifecycle lines left out (over the log's rate bound)", skipped);
        }
        return true;
    }
}
