package io.crier.cluster;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BrokerListener} for tests: records every publication and state change in bounded queues, and
 * lets a test wait for the next one with a timeout. Thread-safe.
 */
public final class RecordingListener implements BrokerListener {

    /** How long a test waits for something that should arrive. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int CAPACITY = 100_000;

    /** One received publication. */
    public record Publication(String topic, byte[] payload) {

        /** The payload as UTF-8 text. */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return topic + " <- " + text();
        }
    }

    private final BlockingQueue<Publication> publications = new LinkedBlockingQueue<>(CAPACITY);
    private final BlockingQueue<BrokerState> states = new LinkedBlockingQueue<>(CAPACITY);
    private final BlockingQueue<String> restored = new LinkedBlockingQueue<>(CAPACITY);

    @Override
    public void onPublication(String topic, byte[] payload) {
        if (!publications.offer(new Publication(topic, payload))) {
            throw new IllegalStateException("more than " + CAPACITY + " unread publications");
        }
    }

    @Override
    public void onStateChange(BrokerState state) {
        if (!states.offer(state)) {
            throw new IllegalStateException("more than " + CAPACITY + " unread state changes");
        }
    }

    @Override
    public void onSubscriptionsRestored(Collection<String> topics) {
        for (String topic : topics) {
            if (!restored.offer(topic)) {
                throw new IllegalStateException("more than " + CAPACITY + " unread restored subscriptions");
            }
        }
    }

    /** The next topic whose subscription the broker reported restored, waiting up to {@code timeout}; or fails. */
    public String nextRestored(Duration timeout) throws InterruptedException {
        String next = restored.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(next, "no subscription was reported restored within " + timeout);
        return next;
    }

    /** The next publication, waiting up to {@link #TIMEOUT}; fails the test if none arrives. */
    public Publication next() throws InterruptedException {
        Publication next = publications.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(next, "no publication arrived within " + TIMEOUT);
        return next;
    }

    /** The next publication if one arrives within {@code timeout}, else {@code null}. */
    public Publication poll(Duration timeout) throws InterruptedException {
        return publications.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits up to {@link #TIMEOUT} until the listener is told {@code wanted}, skipping other states. */
    public void awaitState(BrokerState wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (long left = TIMEOUT.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            if (states.poll(left, TimeUnit.NANOSECONDS) == wanted) {
                return;
            }
        }
        fail("the listener was not told " + wanted + " within " + TIMEOUT);
    }

    /** Forgets the state changes seen so far. */
    public void clearStates() {
        states.clear();
    }
}
