package io.crier.gateway.fleet;

import io.crier.cluster.Revocation;
import io.crier.cluster.RevocationSet;
import io.crier.cluster.RevocationSet.Verdict;
import io.crier.cluster.RevocationStore;
import io.crier.gateway.auth.User;
import io.crier.gateway.metrics.MeterCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's copy of every revocation in force, checked at every connect and refresh without a round trip:
 * control messages add to it at once ({@link #apply}), and {@link #reload()} replaces it with the store's whole
 * content (at start, after the control subscription reconnects, and every {@code fleet.revocationReload}), so
 * that a control message this node missed takes effect within that interval. A revocation applied while a reload
 * is in flight is merged again into the reloaded copy, so a slow reload cannot undo it. After each reload the
 * {@code reloaded} callback runs (it closes the live sessions the reload newly hits).
 *
 * <p>Thread-safe: the copy is an immutable snapshot swapped under this object's lock; {@link #check} reads it
 * without locking.
 */
public final class RevocationCache implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RevocationCache.class);
    private static final long FIRST_LOAD_RETRY_MILLIS = 200;

    private final RevocationStore store;
    private final Clock clock;
    private final Counter reloadsOk;
    private final Counter reloadsFailed;
    private volatile RevocationSet current = RevocationSet.EMPTY;
    private volatile Runnable reloaded = () -> { };
    private volatile boolean loadedOnce;
    /** Revocations applied since the reload in flight started; {@code null} when none is in flight. */
    private List<Revocation> sinceReload;
    private CompletableFuture<Void> inFlight;
    private ScheduledFuture<?> periodic;
    private ScheduledExecutorService scheduler;

    public RevocationCache(RevocationStore store, Clock clock, MeterRegistry meters) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.reloadsOk = MeterCatalog.FLEET_REVOCATION_RELOADS.counter(meters, "result", "ok");
        this.reloadsFailed = MeterCatalog.FLEET_REVOCATION_RELOADS.counter(meters, "result", "failed");
        MeterCatalog.FLEET_REVOCATIONS.gauge(meters, this, cache -> cache.current.size());
    }

    /** Runs {@code callback} after each completed reload (on the store's thread). */
    public void onReloaded(Runnable callback) {
        this.reloaded = Objects.requireNonNull(callback, "callback");
    }

    /** Reloads now, then every {@code interval} on {@code scheduler}, until {@link #close()}. */
    public synchronized void start(ScheduledExecutorService scheduler, Duration interval) {
        this.scheduler = scheduler;
        reload();
        periodic = scheduler.scheduleWithFixedDelay(this::reload, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Whether a reload has completed once: until then a token revoked before this node started could pass, so the
     * node does not report ready.
     */
    public boolean loaded() {
        return loadedOnce;
    }

    /** What the revocations say of {@code user}'s token now; an anonymous user is never revoked. */
    public Verdict check(User user) {
        if (user.isAnonymous()) {
            return Verdict.NONE;
        }
        return current.check(user.id(), user.tokenId(), user.issuedAt(), clock.instant());
    }

    /** Adds {@code revocation} to this node's copy at once. */
    public synchronized void apply(Revocation revocation) {
        current = current.with(revocation);
        if (sinceReload != null) {
            sinceReload.add(revocation);
        }
    }

    /**
     * Replaces the copy with the store's content (joining a reload in flight). The stage completes when done, or
     * fails when the store could not be read (the copy is kept; the next reload tries again).
     */
    public synchronized CompletionStage<Void> reload() {
        if (inFlight != null) {
            return inFlight.copy();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        inFlight = done;
        sinceReload = new ArrayList<>();
        store.load(clock.instant()).whenComplete((loaded, failure) -> {
            synchronized (this) {
                if (failure == null) {
                    RevocationSet merged = loaded;
                    for (Revocation revocation : sinceReload) {
                        merged = merged.with(revocation);
                    }
                    current = merged;
                }
                sinceReload = null;
                inFlight = null;
            }
            if (failure != null) {
                reloadsFailed.increment();
                log.debug("reloading the revocations failed; trying again", failure);
                retrySoon();
                done.completeExceptionally(failure);
                return;
            }
            reloadsOk.increment();
            loadedOnce = true;
            reloaded.run();
            done.complete(null);
        });
        return done.copy();
    }

    /**
     * Until a first reload succeeded (the node is not ready before), a failed one is tried again after
     * {@value #FIRST_LOAD_RETRY_MILLIS} ms rather than at the next periodic reload: Redis may come up after the node.
     */
    private synchronized void retrySoon() {
        if (!loadedOnce && scheduler != null && periodic != null && !periodic.isCancelled()) {
            scheduler.schedule(this::reload, FIRST_LOAD_RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the periodic reloads (the store is closed by its owner). */
    @Override
    public synchronized void close() {
        if (periodic != null) {
            periodic.cancel(false);
        }
    }
}
