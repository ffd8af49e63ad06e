package io.crier.gateway.httpclient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a response body of the JDK {@code HttpClient} of at most {@code maxBytes}: one byte more cancels the stream
 * and fails the body with {@link TooLarge}, so a peer that streams without end costs no more than the bound.
 * {@link #abort()} cancels the stream of an exchange that was given up; {@link #skip()} reads nothing at all (for a
 * status that fails the exchange by itself).
 *
 * <p>Thread-safe: the client's threads call it in sequence; {@link #abort()} may come from any thread.
 */
public final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

    /** A body over the bound. */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(int maxBytes) {
            super("body larger than " + maxBytes + " bytes");
        }
    }

    private final int maxBytes;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private volatile Flow.Subscription subscription;

    public BoundedBody(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** A subscriber that cancels the body at once and completes with no bytes. */
    public static BoundedBody skip() {
        BoundedBody skipped = new BoundedBody(0);
        skipped.body.complete(new byte[0]);
        return skipped;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (body.isDone()) {
            subscription.cancel();
        } else {
            subscription.request(Long.MAX_VALUE);
        }
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> items) {
        for (ByteBuffer item : items) {
            if (body.isDone()) {
                return;
            }
            if (bytes.size() + item.remaining() > maxBytes) {
                body.completeExceptionally(new TooLarge(maxBytes));
                subscription.cancel();
                return;
            }
            byte[] chunk = new byte[item.remaining()];
            item.get(chunk);
            bytes.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable failure) {
        body.completeExceptionally(failure);
    }

    @Override
    public synchronized void onComplete() {
        body.complete(bytes.toByteArray());
    }

    /** Stops reading: the exchange was given up. */
    public void abort() {
        body.cancel(false);
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
    }
}
