package io.crier.gateway.hub;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.HistoryOptions;
import io.crier.cluster.HistorySlice;
import io.crier.cluster.HistoryStore;
import io.crier.cluster.StreamPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real {@link HistoryStore} whose reads can be held, for tests that need a read to stay pending the way a
 * Redis round trip does. While {@link #hold() held}, each read either runs at once and only its answer waits
 * ({@code late answer}: what the store had at call time arrives late), or runs only at {@link #releaseAll()}
 * ({@code late read}: it sees what was published meanwhile). Reads can also be made to fail, as they do while
 * Redis is unreachable, or be answered by a given slice, as a Redis that failed over answers them. Thread-safe.
 */
public final class GatedHistoryStore implements HistoryStore {

    private record Held(Runnable release) {
    }

    private final HistoryStore delegate;
    private final List<Held> held = new ArrayList<>();
    private final Map<String, HistorySlice> answers = new ConcurrentHashMap<>();
    private boolean holding;
    private boolean lateRead;
    private volatile boolean failing;

    public GatedHistoryStore(HistoryStore delegate) {
        this.delegate = delegate;
    }

    /** Holds the answers of reads made from now on; each read runs at call time. */
    public synchronized void hold() {
        holding = true;
        lateRead = false;
    }

    /** Holds reads made from now on; each runs only when released. */
    public synchronized void holdReads() {
        holding = true;
        lateRead = true;
    }

    /** Answers every held read, in call order, and stops holding. */
    public void releaseAll() {
        List<Held> released;
        synchronized (this) {
            holding = false;
            released = List.copyOf(held);
            held.clear();
        }
        released.forEach(call -> call.release().run());
    }

    /** Fails every read that runs from now on (at call time, or at release when held) while {@code fail}. */
    public void failReads(boolean fail) {
        failing = fail;
    }

    /**
     * Answers every read of {@code topic} from now on with {@code slice}, whatever it asks for: what a Redis that
     * forked the topic after a failover answers (the test publishes what goes with it through the broker).
     */
    public void answerReads(String topic, HistorySlice slice) {
        answers.put(topic, slice);
    }

    /** How many reads are held now. */
    public synchronized int heldReads() {
        return held.size();
    }

    @Override
    public CompletionStage<StreamPosition> publish(String topic, byte[] data, HistoryOptions options) {
        return delegate.publish(topic, data, options);
    }

    @Override
    public CompletionStage<HistorySlice> read(String topic, long afterOffset, int limit, HistoryOptions options) {
        boolean hold;
        boolean late;
        synchronized (this) {
            hold = holding;
            late = lateRead;
        }
        if (!hold) {
            return readNow(topic, afterOffset, limit, options);
        }
        CompletableFuture<HistorySlice> answer = new CompletableFuture<>();
        // The delegate is called outside this monitor: it may publish into the hub, which may read again.
        CompletionStage<HistorySlice> now = late ? null : readNow(topic, afterOffset, limit, options);
        Runnable release = late
                ? () -> forward(readNow(topic, afterOffset, limit, options), answer)
                : () -> forward(now, answer);
        synchronized (this) {
            held.add(new Held(release));
        }
        return answer;
    }

    private CompletionStage<HistorySlice> readNow(String topic, long afterOffset, int limit, HistoryOptions options) {
        if (failing) {
            return CompletableFuture.failedFuture(new BrokerUnavailableException("test: reads fail"));
        }
        HistorySlice answer = answers.get(topic);
        return answer != null ? CompletableFuture.completedFuture(answer)
                : delegate.read(topic, afterOffset, limit, options);
    }

    @Override
    public void close() {
        delegate.close();
    }

    private static void forward(CompletionStage<HistorySlice> from, CompletableFuture<HistorySlice> to) {
        from.whenComplete((slice, error) -> {
            if (error == null) {
                to.complete(slice);
            } else {
                to.completeExceptionally(error);
            }
        });
    }
}
