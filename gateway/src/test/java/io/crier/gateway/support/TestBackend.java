package io.crier.gateway.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP backend for the proxy hooks: the JDK's {@link HttpServer} on 127.0.0.1, port 0. Each path
 * ({@code /connect}, {@code /rpc}...) answers as a test tells it ({@link #on}): a JSON body, another status, an
 * endless or oversized body, or a stall (the request is held until {@link #close()}); {@link #goAway()} stops the
 * server, so that calls are refused. It records every request ({@link #requests()}) and, per path, the peak of
 * requests in flight at once ({@link #peakInFlight}). A stalled request counts as in flight until the backend closes,
 * even after the node gave up on it, so a test reads the peak of a path that nothing stalled before.
 *
 * <p>Thread-safe.
 */
public final class TestBackend implements AutoCloseable {

    /** One request as the backend received it. */
    public record Request(String path, String body, Map<String, String> headers) {
    }

    /** How a path answers one request. */
    public sealed interface Answer {
        /** 200 with {@code body}. */
        record Json(String body) implements Answer {
        }

        /** {@code status} with a short text body. */
        record Status(int status) implements Answer {
        }

        /** 200 with {@code bytes} bytes of a JSON string. */
        record Oversized(int bytes) implements Answer {
        }

        /** No answer until the backend closes. */
        record Stall() implements Answer {
        }

        /** 200 and the start of a body, then nothing more until the backend closes. */
        record StallBody() implements Answer {
        }

        /** 200 with {@code body} once the test opens {@code gate} (or the backend closes). */
        record Gated(CountDownLatch gate, String body) implements Answer {
        }
    }

    private static final Duration LONGEST_STALL = Duration.ofSeconds(60);

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(64);
    private final Map<String, Function<Request, Answer>> answers = new ConcurrentHashMap<>();
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> peaks = new ConcurrentHashMap<>();

    private TestBackend() throws IOException {
        // Like any real backend, answer without Nagle's delay (the JDK server's default keeps it, read once per JVM).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** Starts a backend whose every path answers 404 until told otherwise. */
    public static TestBackend start() throws IOException {
        return new TestBackend();
    }

    /** The URL of {@code path} (such as {@code /connect}). */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Makes {@code path} answer each request as {@code answer} decides. */
    public void on(String path, Function<Request, Answer> answer) {
        answers.put(path, answer);
    }

    /** Makes {@code path} answer every request with {@code json}. */
    public void answer(String path, String json) {
        on(path, request -> new Answer.Json(json));
    }

    /** The requests received so far, oldest first; a test takes them with {@code poll(timeout)}. */
    public BlockingQueue<Request> requests() {
        return requests;
    }

    /** The most requests to {@code path} that were ever in flight at once. */
    public int peakInFlight(String path) {
        AtomicInteger peak = peaks.get(path);
        return peak == null ? 0 : peak.get();
    }

    /** Stops listening: from now on every call is refused. Stalled requests stay held until {@link #close()}. */
    public void goAway() {
        server.stop(0);
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        AtomicInteger current = inFlight.computeIfAbsent(path, p -> new AtomicInteger());
        peaks.computeIfAbsent(path, p -> new AtomicInteger()).accumulateAndGet(current.incrementAndGet(), Math::max);
        try (exchange) {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            Request request = new Request(exchange.getRequestURI().getPath(),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), headers);
            requests.add(request);
            Answer answer = answers.getOrDefault(request.path(), r -> new Answer.Status(404)).apply(request);
            respond(exchange, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            current.decrementAndGet();
        }
    }

    private void respond(HttpExchange exchange, Answer answer) throws IOException, InterruptedException {
        if (answer instanceof Answer.Stall) {
            // Held by a signal, not a sleep: close() releases every stalled request.
            released.await(LONGEST_STALL.toSeconds(), TimeUnit.SECONDS);
            return;
        }
        if (answer instanceof Answer.StallBody) {
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write("{\"result\":".getBytes(StandardCharsets.US_ASCII));
            exchange.getResponseBody().flush();
            released.await(LONGEST_STALL.toSeconds(), TimeUnit.SECONDS);
            return;
        }
        if (answer instanceof Answer.Gated gated) {
            gated.gate().await(LONGEST_STALL.toSeconds(), TimeUnit.SECONDS);
            respond(exchange, new Answer.Json(gated.body()));
            return;
        }
        if (answer instanceof Answer.Oversized oversized) {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write('"');
                byte[] chunk = "x".repeat(1024).getBytes(StandardCharsets.US_ASCII);
                for (int sent = 0; sent < oversized.bytes(); sent += chunk.length) {
                    out.write(chunk);
                }
                out.write('"');
            } catch (IOException e) {
                // The node stopped reading past its bound: that is the point.
            }
            return;
        }
        int status = answer instanceof Answer.Status s ? s.status() : 200;
        byte[] body = (answer instanceof Answer.Json json ? json.body() : "status " + status)
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
