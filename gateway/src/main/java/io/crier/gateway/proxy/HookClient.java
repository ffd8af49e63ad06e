package io.crier.gateway.proxy;

import io.crier.gateway.config.ProxyConfig;
import io.crier.gateway.httpclient.BoundedBody;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.HookCodec;
import io.crier.protocol.HookKind;
import io.crier.protocol.HookRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Makes hook calls: {@code POST <url>} with the request's JSON ({@link HookCodec}), the forwarded headers, and
 * {@code Content-Type: application/json}. Each call is bounded: at most {@code proxy.maxInFlight} in flight on the node
 * (one more fails at once with {@link HookFailure#BUSY}: a bulkhead, not a queue), at most {@code proxy.timeout} long
 * (headers and body; a call that times out stops reading its body), at most {@code proxy.maxResponseBytes} read.
 * Every call is timed in {@link MeterCatalog#PROXY_CALLS} by hook and outcome. Never completes exceptionally.
 *
 * <p>One per node; thread-safe. The JDK client runs on two daemon threads {@code crier-proxy}; answers complete
 * there, and callers move on to their own executor.
 */
public final class HookClient implements AutoCloseable {

    private final HttpClient http;
    private final ExecutorService threads;
    private final HookCodec codec;
    private final Semaphore permits;
    private final int maxInFlight;
    private final Duration timeout;
    private final int maxResponseBytes;
    private final MeterRegistry meters;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    /**
     * @param maxDataBytes the largest {@code data} a publish or rpc result may carry ({@code limits.maxDataBytes})
     */
    public HookClient(ProxyConfig config, int maxDataBytes, MeterRegistry meters) {
        this.maxInFlight = config.maxInFlight();
        this.permits = new Semaphore(maxInFlight);
        this.timeout = config.timeout();
        this.maxResponseBytes = config.maxResponseBytes();
        this.codec = new HookCodec(maxResponseBytes, maxDataBytes);
        this.meters = Objects.requireNonNull(meters, "meters");
        this.threads = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "crier-proxy");
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder().executor(threads).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        MeterCatalog.PROXY_IN_FLIGHT.gauge(meters, this, HookClient::inFlight);
    }

    /** Posts {@code request} to {@code url}; the answer, or why there is none. */
    public CompletableFuture<HookAnswer> call(URI url, HookRequest request, Map<String, String> headers) {
        long start = System.nanoTime();
        if (!permits.tryAcquire()) {
            return CompletableFuture.completedFuture(timed(request.kind(), start, HookAnswer.failed(HookFailure.BUSY)));
        }
        BoundedBody body = new BoundedBody(maxResponseBytes);
        CompletableFuture<HookAnswer> answer;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(codec.encode(request)));
            headers.forEach(builder::header);
            answer = http.sendAsync(builder.build(), info -> info.statusCode() == 200 ? body : BoundedBody.skip())
                    .handle((response, failure) -> answerOf(request.kind(), response, failure));
        } catch (IllegalArgumentException | IllegalStateException e) {
            // A header value the JDK refuses, or a client shut down: nothing was sent.
            answer = CompletableFuture.completedFuture(HookAnswer.failed(HookFailure.UNAVAILABLE));
        }
        // The JDK's request timeout covers the headers only: this bound covers the body too.
        return answer.completeOnTimeout(HookAnswer.failed(HookFailure.TIMEOUT), timeout.toNanos(), TimeUnit.NANOSECONDS)
                .thenApply(done -> {
                    permits.release();
                    if (done.failure() == HookFailure.TIMEOUT) {
                        body.abort();
                    }
                    return timed(request.kind(), start, done);
                });
    }

    /**
     * Counts a {@code kind} call that a session's own bound ({@code proxy.maxInFlightPerSession}) refused before it
     * reached this client, and returns its {@link HookFailure#BUSY} answer.
     */
    HookAnswer busy(HookKind kind) {
        return timed(kind, System.nanoTime(), HookAnswer.failed(HookFailure.BUSY));
    }

    /** Hook calls in flight now. */
    public int inFlight() {
        return maxInFlight - permits.availablePermits();
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }

    private HookAnswer answerOf(HookKind kind, HttpResponse<byte[]> response, Throwable failure) {
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            return HookAnswer.failed(cause instanceof BoundedBody.TooLarge ? HookFailure.TOO_LARGE
                    : cause instanceof HttpTimeoutException ? HookFailure.TIMEOUT
                    : cause instanceof IOException ? HookFailure.UNAVAILABLE : HookFailure.INVALID);
        }
        if (response.statusCode() != 200) {
            return HookAnswer.failed(HookFailure.BAD_STATUS);
        }
        return HookAnswer.of(codec.decode(kind, response.body()));
    }

    private HookAnswer timed(HookKind kind, long start, HookAnswer answer) {
        String outcome = answer.outcome();
        timers.computeIfAbsent(kind.tag() + "/" + outcome, key -> MeterCatalog.PROXY_CALLS.timer(meters,
                "hook", kind.tag(), "outcome", outcome)).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return answer;
    }
}
