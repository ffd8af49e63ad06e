package io.crier.gateway.auth;

import io.crier.gateway.metrics.MeterCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of a JWKS URL, next to the fixed ones: fetched at {@link #start()}, refreshed in the background
 * every refresh interval, and also soon after a token names an unknown {@code kid} (at most once per
 * {@link #UNKNOWN_KID_REFRESH_GAP}, so that tokens with made-up kids cannot make the node hammer the JWKS
 * endpoint). A failed fetch (unreachable, bad status, bad JSON, no usable key) keeps the last good keys,
 * is logged once per run of failures, counted, and retried with a backoff of 1 s doubling up to 30 s (never
 * later than the refresh interval).
 *
 * <p>Thread-safe: {@link #current()} reads a volatile snapshot; every fetch runs on this source's one
 * daemon thread, so fetches never overlap and never block an event loop.
 */
final class JwksKeySource implements KeySource {

    /** The least time between two fetches asked for by unknown kids. */
    static final Duration UNKNOWN_KID_REFRESH_GAP = Duration.ofSeconds(30);
    /** The deadline of one fetch, connect included. */
    static final Duration FETCH_DEADLINE = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(JwksKeySource.class);
    private static final long FIRST_RETRY_MILLIS = 1000;
    private static final long MAX_RETRY_MILLIS = 30_000;

    private final JwksFetcher fetcher;
    private final KeySet fixed;
    private final Duration refreshInterval;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final AtomicLong nextUnknownKidRefresh = new AtomicLong(Long.MIN_VALUE);
    private final Counter fetchedOk;
    private final Counter fetchFailed;
    private final Counter unknownKidRefreshes;
    private volatile KeySet fetched = KeySet.EMPTY;
    private volatile KeySet current;
    private int failuresInARow;

    /**
     * @param fetcher         downloads the document
     * @param fixed           the configured keys (secrets, PEM files), always in force next to the fetched ones
     * @param refreshInterval time between two scheduled fetches
     * @param clock           times the unknown-kid rate limit
     * @param meters          where {@code crier.auth.jwks.*} meters go
     */
    JwksKeySource(JwksFetcher fetcher, KeySet fixed, Duration refreshInterval, Clock clock, MeterRegistry meters) {
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.fixed = Objects.requireNonNull(fixed, "fixed");
        this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.current = fixed;
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "crier-jwks");
            t.setDaemon(true);
            return t;
        });
        this.fetchedOk = fetchCounter(meters, "ok");
        this.fetchFailed = fetchCounter(meters, "failed");
        this.unknownKidRefreshes = MeterCatalog.JWKS_UNKNOWN_KID_REFRESHES.counter(meters);
        MeterCatalog.JWKS_KEYS.gauge(meters, this, source -> source.fetched.size());
    }

    /**
     * Fetches the keys for the first time, waiting for that fetch up to its deadline, then keeps them
     * fresh in the background. A first fetch that fails does not stop the node: it is retried.
     */
    void start() {
        CompletableFuture<Boolean> first = new CompletableFuture<>();
        thread.execute(() -> first.complete(scheduledFetch()));
        try {
            first.get(FETCH_DEADLINE.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The fetch itself logs its failure and is retried on schedule; startup goes on.
            log.warn("JWKS {}: no keys yet after {} ms; retrying in the background", fetcher.describe(),
                    FETCH_DEADLINE.toMillis());
        }
    }

    @Override
    public KeySet current() {
        return current;
    }

    @Override
    public void unknownKid(String kid) {
        long now = clock.millis();
        long allowedAt = nextUnknownKidRefresh.get();
        if (now >= allowedAt
                && nextUnknownKidRefresh.compareAndSet(allowedAt, now + UNKNOWN_KID_REFRESH_GAP.toMillis())) {
            unknownKidRefreshes.increment();
            submit(this::fetchOnce);
        }
    }

    /** Fetches now, out of schedule; the future says whether the fetch succeeded. For tests. */
    CompletableFuture<Boolean> refresh() {
        return CompletableFuture.supplyAsync(this::fetchOnce, thread);
    }

    /** The keys of the last good fetch (empty before the first one). */
    KeySet fetched() {
        return fetched;
    }

    /** Stops the background refresh. */
    @Override
    public void close() {
        thread.shutdownNow();
    }

    private boolean scheduledFetch() {
        boolean ok = fetchOnce();
        long delay = ok ? refreshInterval.toMillis() : Math.min(refreshInterval.toMillis(),
                Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(failuresInARow - 1, 5)));
        try {
            thread.schedule(this::scheduledFetch, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closed while this fetch ran: there is no next one.
            log.debug("JWKS {}: closed, no further refresh", fetcher.describe());
        }
        return ok;
    }

    private void submit(Runnable fetch) {
        try {
            thread.execute(fetch);
        } catch (RejectedExecutionException e) {
            // Closed (the node is stopping): the keys of now serve until the end.
            log.debug("JWKS {}: closed, refresh not started", fetcher.describe());
        }
    }

    private boolean fetchOnce() {
        try {
            JwkKeys.Parsed parsed = JwkKeys.parse(fetcher.fetch(), "jwks " + fetcher.describe());
            if (parsed.keys().size() == 0) {
                throw new IllegalArgumentException("no usable key (" + parsed.skipped() + " skipped)");
            }
            replace(parsed);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            failed(e);
            return false;
        } catch (InterruptedException e) {
            // close() interrupts an ongoing fetch: the thread is ending, the keys stay as they are.
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void replace(JwkKeys.Parsed parsed) {
        List<String> before = kids(fetched);
        fetched = parsed.keys();
        current = fixed.with(parsed.keys());
        fetchedOk.increment();
        if (failuresInARow > 0) {
            log.info("JWKS {} fetched again after {} failed attempts", fetcher.describe(), failuresInARow);
        }
        failuresInARow = 0;
        List<String> after = kids(fetched);
        if (!after.equals(before)) {
            log.info("JWKS {}: {} keys, kids {}{}", fetcher.describe(), parsed.keys().size(), after,
                    parsed.skipped() == 0 ? "" : " (" + parsed.skipped() + " unusable keys skipped)");
        }
    }

    private void failed(Exception e) {
        fetchFailed.increment();
        failuresInARow++;
        if (failuresInARow == 1) {
            log.warn("JWKS {} fetch failed ({}); keeping the {} keys of the last good fetch and retrying",
                    fetcher.describe(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
                    fetched.size());
        }
    }

    private static List<String> kids(KeySet keys) {
        return keys.keys().stream().map(key -> String.valueOf(key.kid())).toList();
    }

    private static Counter fetchCounter(MeterRegistry meters, String result) {
        return MeterCatalog.JWKS_FETCHES.counter(meters, "result", result);
    }
}
