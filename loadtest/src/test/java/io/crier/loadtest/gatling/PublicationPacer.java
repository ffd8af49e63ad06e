package io.crier.loadtest.gatling;

import io.crier.protocol.PublicationCodec;
import io.crier.protocol.RawJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The backend of a simulation: once every subscriber has arrived at the {@link Rendezvous} (or the wait timed
 * out), it publishes {@code count} {@link Probe}s on one topic through Redis at {@code rate} a second, each
 * stamped with its send time, in the broker payload the protocol module encodes. Bounded in count and in time
 * (twice the planned duration plus ten seconds); it stops by itself. Thread-safe: its work runs on its own
 * thread, and its state is read from Gatling's.
 */
final class PublicationPacer implements AutoCloseable {

    private static final long TICK_MILLIS = 5;

    private final LoadSettings.Target target;
    private final Plan plan;
    private final Rendezvous ready;
    private final Duration readyTimeout;
    private final byte[] channel;
    private final PublicationCodec codec = new PublicationCodec();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "crier-backend-publisher");
        t.setDaemon(true);
        return t;
    });
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private RespPublisher redis;
    private ScheduledFuture<?> ticks;
    private long startNanos;
    private volatile int published;
    private volatile long unheard;
    private volatile long startedAtMillis;
    private volatile long finishedAtMillis;
    private volatile String failure = "";

    /**
     * What to publish.
     *
     * @param topic        the topic
     * @param rate         publications per second
     * @param count        how many
     * @param payloadBytes the size of each one's data
     */
    record Plan(String topic, int rate, int count, int payloadBytes) {
        Duration duration() {
            return Duration.ofMillis(count * 1000L / rate);
        }
    }

    PublicationPacer(LoadSettings.Target target, Plan plan, Rendezvous ready, Duration readyTimeout) {
        this.target = target;
        this.plan = plan;
        this.ready = ready;
        this.readyTimeout = readyTimeout;
        this.channel = (target.redisPrefix() + plan.topic()).getBytes(StandardCharsets.UTF_8);
    }

    /** What it publishes. */
    Plan plan() {
        return plan;
    }

    /** Starts waiting for the subscribers on the publisher's thread. */
    void start() {
        thread.execute(this::awaitSubscribersThenPublish);
    }

    /** Completes when publishing has ended, all done or cut short. */
    CompletableFuture<Void> done() {
        return done;
    }

    /** Whether publishing ended more than {@code grace} ago: receivers may stop waiting then. */
    boolean over(Duration grace) {
        long finished = finishedAtMillis;
        return finished > 0 && System.currentTimeMillis() > finished + grace.toMillis();
    }

    /** How long publishing took, in milliseconds (0 before it ended). */
    long publishingMillis() {
        long finished = finishedAtMillis;
        return finished == 0 ? 0 : finished - startedAtMillis;
    }

    /** One line on what was published. */
    String summary() {
        return String.format(Locale.ROOT, "backend published %d of %d on %s at %d/s in %d ms; heard by no node: %d%s",
                published, plan.count(), plan.topic(), plan.rate(), publishingMillis(), unheard,
                failure.isEmpty() ? "" : "; stopped: " + failure);
    }

    /** Stops publishing (if it still runs) and the publisher's thread. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the backend publisher did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitSubscribersThenPublish() {
        try {
            if (!ready.await(readyTimeout)) {
                System.out.println("backend publisher: not every subscriber arrived within " + readyTimeout
                        + "; publishing anyway");
            }
            redis = RespPublisher.connect(target.redisHost(), target.redisPort(), Duration.ofSeconds(5));
        } catch (IOException | InterruptedException e) {
            finish("cannot start: " + e);
            return;
        }
        startNanos = System.nanoTime();
        startedAtMillis = System.currentTimeMillis();
        ticks = thread.scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Publishes what is due by now, so that the rate holds on average whatever the timer's jitter. */
    private void tick() {
        long elapsedNanos = System.nanoTime() - startNanos;
        long due = Math.min(plan.count(), elapsedNanos * plan.rate() / 1_000_000_000L + 1);
        try {
            while (published < due) {
                long seq = published + 1;
                byte[] data = new Probe(0, seq, System.currentTimeMillis()).toData(plan.payloadBytes());
                if (redis.publish(channel, codec.encode(RawJson.trusted(data))) == 0) {
                    unheard++;
                }
                published++;
            }
        } catch (IOException | RuntimeException e) {
            finish("Redis failed: " + e);
            return;
        }
        if (published == plan.count()) {
            finish("");
        } else if (elapsedNanos > plan.duration().multipliedBy(2).plusSeconds(10).toNanos()) {
            finish("out of time");
        }
    }

    private void finish(String why) {
        failure = why;
        finishedAtMillis = System.currentTimeMillis();
        if (startedAtMillis == 0) {
            startedAtMillis = finishedAtMillis;
        }
        if (ticks != null) {
            ticks.cancel(false);
        }
        try {
            if (redis != null) {
                redis.close();
            }
        } catch (IOException e) {
            // The publications are all out; a failing close of the socket changes nothing measured.
            failure = failure + (failure.isEmpty() ? "" : "; ") + "close failed: " + e;
        }
        done.complete(null);
    }
}
