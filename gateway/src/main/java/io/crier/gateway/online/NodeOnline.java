package io.crier.gateway.online;

import io.crier.cluster.UserStatusLog;
import io.crier.cluster.memory.InMemoryUserStatusLog;
import io.crier.cluster.redis.RedisLink;
import io.crier.cluster.redis.RedisUserStatusLog;
import io.crier.gateway.config.EventsConfig;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.gateway.session.SessionListener;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The online/offline events of one node, wired from {@code events.*}: nothing when {@code events.enabled} is false;
 * else the {@link UserStatusLog} ({@link RedisUserStatusLog} when Redis is configured, else an
 * {@link InMemoryUserStatusLog} of this node alone) and the {@link OnlineTracker} the sessions report to. Meters:
 * {@link MeterCatalog#ONLINE_SESSIONS}, {@link MeterCatalog#ONLINE_EVENTS_APPENDED},
 * {@link MeterCatalog#ONLINE_STORE_FAILURES}.
 *
 * <p>Thread-safe. {@link #close()} blocks briefly; never call it from an event loop.
 */
public final class NodeOnline implements AutoCloseable {

    private final EventsConfig config;
    private final UserStatusLog statusLog;
    private final OnlineTracker tracker;

    /**
     * @param redis  the node's link to Redis, or {@code null} when it has none
     * @param nodeId this node's id: recorded with its leases, and owner of the sweeper lock when it holds it
     */
    public NodeOnline(EventsConfig config, RedisLink redis, String nodeId, Clock clock, MeterRegistry meters) {
        this.config = config;
        if (!config.enabled()) {
            this.statusLog = null;
            this.tracker = null;
            return;
        }
        this.statusLog = redis != null
                ? new RedisUserStatusLog(redis, new RedisUserStatusLog.Settings(config.stream(), config.maxLen(),
                        config.leaseTtl(), config.grace(), config.lockTtl()), nodeId)
                : new InMemoryUserStatusLog(config.leaseTtl(), config.grace(), config.maxLen(), clock);
        this.tracker = new OnlineTracker(statusLog, nodeId);
        MeterCatalog.ONLINE_SESSIONS.gauge(meters, tracker, OnlineTracker::leasedSessions);
        MeterCatalog.ONLINE_EVENTS_APPENDED.functionCounter(meters, tracker, OnlineTracker::appended);
        MeterCatalog.ONLINE_STORE_FAILURES.functionCounter(meters, tracker, OnlineTracker::failures);
    }

    /** Starts the renewals and sweeps on {@code scheduler}; nothing when the events are off. */
    public void start(ScheduledExecutorService scheduler) {
        if (tracker != null) {
            tracker.start(scheduler, config.refreshInterval(), config.sweepInterval());
        }
    }

    /** Hears the sessions open and close; {@link SessionListener#NONE} when the events are off. */
    public SessionListener sessions() {
        return tracker != null ? tracker : SessionListener.NONE;
    }

    /** The log, when the events are on: the embedded node's is read through it. */
    public Optional<UserStatusLog> log() {
        return Optional.ofNullable(statusLog);
    }

    /** Ends this node's leases (see {@link OnlineTracker#close()}), then closes the log. Idempotent. */
    @Override
    public void close() {
        if (tracker != null) {
            tracker.close();
            statusLog.close();
        }
    }
}
