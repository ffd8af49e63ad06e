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
 * (the WebSocket upgrade completed), {@code authenticated} (a session opened) and {@code disconnected} (with
 * the close reason and how long the connection lived). The session id goes in the MDC key {@value #SESSION}
 * around each line, since event loops carry no MDC of their own.
 *
 * <p>Bounded: a token bucket lets through {@code linesPerSecond} lines a second with bursts of
 * {@code burst}; lines over it are only counted ({@code crier.log.lifecycle.suppressed}), and the next line
 * let through is preceded by one saying how many were left out. A connection flood therefore costs a
 * bounded number of log lines. Refusals before the upgrade are never logged here: they are counted.
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
    public void connected(String connection, String client) {
        if (admit()) {
            log.info("connected conn={} client={}", connection, client);
        }
    }

    /** {@code session} opened on {@code connection} for {@code user} ({@code anonymous} for no user). */
    public void authenticated(String connection, String session, String user) {
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
     * @param durationMs from the upgrade to the close
     */
    public void disconnected(String connection, String session, String reason, long durationMs) {
        if (admit()) {
            withSession(session, () -> log.info("disconnected conn={} session={} reason={} durationMs={}",
                    connection, session == null ? "-" : session, reason, durationMs));
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
